package dev.promptlab.cli;

import ai.djl.engine.Engine;
import dev.promptlab.tensor.Devices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code --device}: every command takes it; {@code cpu} gives the run the default CPU run gives, a
 * device that is not there or not a device is a clear error before anything is written, and on a
 * machine with a GPU (the cuda profile) {@code gpu} trains to the CPU's loss.
 */
class CliDeviceTest {
    @TempDir
    Path dir;

    @AfterEach
    void engineDefaultAgain() {
        Devices.use(null);
    }

    private CliRunner.Result tune(Path model, Path data, String out, String... device) {
        String[] base = {"tune", "--model", model.toString(), "--train", data.toString(), "--steps", "6", "--quiet",
                "--out", dir.resolve(out).toString()};
        String[] args = new String[base.length + device.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(device, 0, args, base.length, device.length);
        return CliRunner.run(args);
    }

    @Test
    void cpuIsTheDefaultRunAndAMissingOrUnknownDeviceIsRefused() throws Exception {
        Path model = SyntheticText.initTinyModel(dir, 32);
        Path data = dir.resolve("train.jsonl");
        SyntheticText.writeTask(data, 12, false, 5);
        assertEquals(0, tune(model, data, "default").exitCode());
        CliRunner.Result cpu = tune(model, data, "cpu", "--device", "cpu");
        assertEquals(0, cpu.exitCode(), cpu.toString());
        assertArrayEquals(Files.readAllBytes(dir.resolve("default/adapter/adapter_model.safetensors")),
                Files.readAllBytes(dir.resolve("cpu/adapter/adapter_model.safetensors")),
                "on a CPU-only engine the default device is the CPU: the same prompt, bit for bit");

        CliRunner.Result unknown = tune(model, data, "tpu", "--device", "tpu");
        assertEquals(2, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().contains("--device 'tpu' is not a device (allowed: auto, cpu, gpu, gpu:N"), unknown.err());
        assertFalse(Files.exists(dir.resolve("tpu")));

        int gpus = Engine.getInstance().getGpuCount();
        CliRunner.Result gpu = tune(model, data, "gpu", "--device", "gpu:" + gpus); // one past the last GPU there is
        assertEquals(2, gpu.exitCode(), gpu.toString());
        assertTrue(gpu.err().contains(gpus == 0 ? "no GPU is visible to the engine" : "the engine sees " + gpus + " GPU"),
                gpu.err());
        assertFalse(Files.exists(dir.resolve("gpu")), "nothing is written for a device that is not there");
    }

    @Test
    void onAGpuMachineTheGpuTrainsToTheCpusLoss() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Engine.getInstance().getGpuCount() > 0,
                "needs the cuda profile on a machine with a GPU");
        Path model = SyntheticText.initTinyModel(dir, 32);
        Path data = dir.resolve("train.jsonl");
        SyntheticText.writeTask(data, 12, false, 5);
        assertEquals(0, tune(model, data, "cpu", "--device", "cpu").exitCode());
        assertEquals(0, tune(model, data, "gpu", "--device", "gpu").exitCode());
        double cpuLoss = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("cpu/result.json").toFile())
                .get("final_loss").asDouble();
        double gpuLoss = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("gpu/result.json").toFile())
                .get("final_loss").asDouble();
        assertEquals(cpuLoss, gpuLoss, 1e-3 * Math.max(1, Math.abs(cpuLoss)), "GPU kernels differ in the last bits only");
    }
}
