/**
 * The llama architecture family: Hugging Face {@code LlamaForCausalLM}, {@code
 * MistralForCausalLM} and {@code Qwen2ForCausalLM} (RMSNorm, rotary positions, grouped-query
 * attention, SwiGLU). {@link dev.promptlab.model.hf.llama.LlamaArchitecture} reads and writes
 * their {@code config.json}, {@link dev.promptlab.model.hf.llama.Llama} computes the network
 * over checkpoint-named weights and {@link dev.promptlab.model.KeyValueCache} is its
 * key/value cache. Every quirk of the family lives here; generic code only lists the
 * architecture in {@link dev.promptlab.model.Architectures}.
 */
package dev.promptlab.model.hf.llama;
