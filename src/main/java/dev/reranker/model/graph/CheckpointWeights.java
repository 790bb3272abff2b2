package dev.reranker.model.graph;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.reranker.model.ModelLoadException;
import dev.reranker.model.safetensors.Dtype;
import dev.reranker.model.safetensors.SafetensorsCheckpoint;
import dev.reranker.model.safetensors.SafetensorsTensor;

/**
 * Turns checkpoint tensors into graph initializers. F32 tensors become external data pointing into the safetensors
 * file itself (its path from the graph's directory, the tensor's absolute offset and length): nothing is copied. F16
 * and BF16 tensors are assigned a place in the file of converted weights, which {@link Float32Conversion} fills once.
 */
final class CheckpointWeights {

    /** Converted tensors start on page boundaries, so ONNX Runtime can map them as they are. */
    private static final long ALIGN = 4096;

    /** One tensor to convert: from the checkpoint, to {@code offset} of the converted file. */
    record Conversion(SafetensorsTensor source, Dtype dtype, long offset) {
    }

    private final SafetensorsCheckpoint checkpoint;
    private final String architecture;
    private final Function<Path, String> location;
    private final String converted;
    private final Map<String, String> used = new HashMap<>();
    private final List<Conversion> conversions = new ArrayList<>();
    private long convertedSize;

    /**
     * @param location the external data location, relative to the graph's directory, of a safetensors file
     * @param converted the location of the file of converted F16/BF16 tensors
     */
    CheckpointWeights(SafetensorsCheckpoint checkpoint, String architecture, Function<Path, String> location,
            String converted) {
        this.checkpoint = checkpoint;
        this.architecture = architecture;
        this.location = location;
        this.converted = converted;
    }

    /**
     * Adds tensor {@code name} to the graph as a float initializer and returns its name there.
     *
     * @param shape what config.json makes its shape
     */
    String use(OnnxGraph graph, String name, long... shape) {
        String known = used.get(name);
        if (known != null) {
            return known;
        }
        SafetensorsTensor t = tensor(name, shape);
        Dtype dtype = t.dtype().orElseThrow();
        if (dtype == Dtype.F32) {
            graph.externalInitializer(name, OnnxGraph.FLOAT, shape, location.apply(t.file()), t.offset(), t.length());
        } else {
            long offset = (convertedSize + ALIGN - 1) / ALIGN * ALIGN;
            long length = t.elements() * 4;
            conversions.add(new Conversion(t, dtype, offset));
            convertedSize = offset + length;
            graph.externalInitializer(name, OnnxGraph.FLOAT, shape, converted, offset, length);
        }
        used.put(name, name);
        return name;
    }

    /**
     * Tensor {@code name} of the checkpoint, checked: present, of the shape config.json gives it, of a dtype the
     * builder reads (F32, F16, BF16).
     */
    SafetensorsTensor tensor(String name, long... shape) {
        SafetensorsTensor t = checkpoint.tensor(name).orElseThrow(() -> new ModelLoadException(
                checkpoint.shards().get(0).file().getParent() + ": the checkpoint has no tensor " + name + ", which "
                        + architecture + " with this config.json needs"));
        if (!Arrays.equals(t.shape(), shape)) {
            throw new ModelLoadException(t.file() + ": tensor " + name + " has shape " + t.shapeText()
                    + ", but config.json makes it " + Arrays.toString(shape));
        }
        if (t.dtype().isEmpty()) {
            throw new ModelLoadException(t.file() + ": tensor " + name + " has dtype " + t.dtypeName()
                    + ", which is not supported; supported: F32, F16, BF16");
        }
        return t;
    }

    List<Conversion> conversions() {
        return List.copyOf(conversions);
    }

    long convertedSize() {
        return convertedSize;
    }
}
