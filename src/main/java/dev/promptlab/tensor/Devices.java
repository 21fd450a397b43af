package dev.promptlab.tensor;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

import java.util.Locale;

/**
 * Where promptlab's tensors live: the device every root manager is made on. By default the
 * engine's own choice (the first GPU when the CUDA natives are on the class path and a GPU is
 * visible, else the CPU); {@link #use} fixes it for the process, as {@code --device} does.
 *
 * <p>Every library entry point that makes a root manager calls {@link #newManager()}, so one
 * setting moves a whole run: sub-managers and every array made from them follow their root.
 */
public final class Devices {
    /** What {@code --device} accepts. */
    public static final String ALLOWED = "auto, cpu, gpu, gpu:N (cuda and cuda:N mean the same)";

    private static volatile Device chosen;

    private Devices() {}

    /**
     * The device a {@code --device} value names, checked against what the engine can reach.
     *
     * @param spec auto, cpu, gpu, gpu:N, cuda or cuda:N (case-insensitive); auto is {@code null}
     * @throws IllegalArgumentException naming the value and what is allowed, or why the GPU cannot be used
     */
    public static Device parse(String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("auto")) {
            return null;
        }
        if (s.equals("cpu")) {
            return Device.cpu();
        }
        int index;
        if (s.equals("gpu") || s.equals("cuda")) {
            index = 0;
        } else if (s.matches("(gpu|cuda):\\d{1,3}")) {
            index = Integer.parseInt(s.substring(s.indexOf(':') + 1));
        } else {
            throw new IllegalArgumentException("--device '" + spec + "' is not a device (allowed: " + ALLOWED + ")");
        }
        int gpus = gpuCount();
        if (index >= gpus) {
            throw new IllegalArgumentException("--device " + spec + ": " + (gpus == 0
                    ? "no GPU is visible to the engine (" + engineName() + "); build with the cuda profile"
                            + " (mvn -Pcuda package) on a machine with an NVIDIA driver, or use --device cpu"
                    : "the engine sees " + gpus + " GPU" + (gpus == 1 ? "" : "s") + " (gpu:0 to gpu:" + (gpus - 1) + ")"));
        }
        return Device.gpu(index);
    }

    /** Fixes the device of every root manager made from now on; {@code null} goes back to the engine's default. */
    public static void use(Device device) {
        chosen = device;
    }

    /** The device root managers are made on now. */
    public static Device current() {
        Device d = chosen;
        return d != null ? d : Engine.getInstance().defaultDevice();
    }

    /** A root manager on {@link #current()}: the one way the library makes a root manager. */
    public static NDManager newManager() {
        return NDManager.newBaseManager(current());
    }

    private static int gpuCount() {
        return Engine.getInstance().getGpuCount();
    }

    private static String engineName() {
        Engine e = Engine.getInstance();
        return e.getEngineName() + " " + e.getVersion() + ", " + (e.hasCapability("CUDA") ? "CUDA" : "CPU-only")
                + " natives";
    }
}
