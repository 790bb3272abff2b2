package dev.reranker.model.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.reranker.model.ModelLoadException;

/**
 * The weights of a {@code save_pretrained} directory: {@code model.safetensors}, or the shards that
 * {@code model.safetensors.index.json} names. Only headers are read (a few hundred kB for bge-reranker-v2-m3); the
 * data stays where it is and is referenced by offset. Every problem is one message naming the file and the tensor.
 */
public final class SafetensorsCheckpoint {

    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";
    /** A header larger than this is not a checkpoint's (safetensors itself caps it at 100 MB). */
    private static final long MAX_HEADER = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One file's identity and header, for cache keys. */
    @SuppressWarnings("ArrayRecordComponent") // the header's bytes are hashed into a key, never compared by equals
    public record Shard(Path file, long size, byte[] header) {
    }

    private final Map<String, SafetensorsTensor> tensors;
    private final List<Shard> shards;

    private SafetensorsCheckpoint(Map<String, SafetensorsTensor> tensors, List<Shard> shards) {
        this.tensors = tensors;
        this.shards = shards;
    }

    /** True when {@code dir} holds safetensors weights in either layout. */
    public static boolean present(Path dir) {
        return Files.isRegularFile(dir.resolve(SINGLE)) || Files.isRegularFile(dir.resolve(INDEX));
    }

    /** The shard file names {@code model.safetensors.index.json} refers to, in order of first mention. */
    public static List<String> shardNames(Path index) {
        return List.copyOf(weightMap(index).keySet());
    }

    /** Shard file name to the tensors {@code model.safetensors.index.json} puts in it, shards in order of mention. */
    private static Map<String, List<String>> weightMap(Path index) {
        JsonNode weightMap;
        try {
            JsonNode root = JSON.readTree(index.toFile());
            weightMap = root == null ? null : root.get("weight_map");
        } catch (IOException e) {
            throw new ModelLoadException("Cannot parse " + index + ": " + e.getMessage(), e);
        }
        if (weightMap == null || !weightMap.isObject() || weightMap.isEmpty()) {
            throw new ModelLoadException(index + " has no weight_map");
        }
        Map<String, List<String>> byShard = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : weightMap.properties()) {
            String file = e.getValue().asText();
            if (file.isEmpty() || file.contains("/") || file.contains("\\") || file.startsWith(".")) {
                throw new ModelLoadException(index + " maps tensor " + e.getKey() + " to '" + file
                        + "', which is not a file name next to it");
            }
            byShard.computeIfAbsent(file, f -> new ArrayList<>()).add(e.getKey());
        }
        return byShard;
    }

    /** Reads the headers of the checkpoint in {@code dir} (the index wins when both layouts are there). */
    public static SafetensorsCheckpoint open(Path dir) {
        Path index = dir.resolve(INDEX);
        if (Files.isRegularFile(index)) {
            return sharded(dir, index);
        }
        Path single = dir.resolve(SINGLE);
        if (!Files.isRegularFile(single)) {
            throw new ModelLoadException(dir + " has neither " + SINGLE + " nor " + INDEX);
        }
        Map<String, SafetensorsTensor> tensors = new LinkedHashMap<>();
        Shard shard = read(single, tensors);
        return new SafetensorsCheckpoint(Collections.unmodifiableMap(tensors), List.of(shard));
    }

    private static SafetensorsCheckpoint sharded(Path dir, Path index) {
        // Each tensor must be in the shard the index names.
        Map<String, List<String>> byShard = weightMap(index);
        Map<String, SafetensorsTensor> tensors = new LinkedHashMap<>();
        List<Shard> shards = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : byShard.entrySet()) {
            Path file = dir.resolve(e.getKey());
            if (!Files.isRegularFile(file)) {
                throw new ModelLoadException("Shard " + file + " is missing: " + index.getFileName() + " puts tensor "
                        + e.getValue().get(0) + (e.getValue().size() > 1 ? " (and " + (e.getValue().size() - 1)
                                + " more)" : "")
                        + " in it");
            }
            Map<String, SafetensorsTensor> inShard = new LinkedHashMap<>();
            shards.add(read(file, inShard));
            for (String name : e.getValue()) {
                SafetensorsTensor t = inShard.get(name);
                if (t == null) {
                    throw new ModelLoadException(file + " has no tensor " + name + ", which " + index.getFileName()
                            + " puts there");
                }
                tensors.put(name, t);
            }
        }
        return new SafetensorsCheckpoint(Collections.unmodifiableMap(tensors), List.copyOf(shards));
    }

    /** Reads one file's header into {@code into}, checking that every tensor's bytes are inside the file. */
    private static Shard read(Path file, Map<String, SafetensorsTensor> into) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new ModelLoadException(file + " is truncated: " + size + " bytes, not even a header length"
                        + " (an interrupted download?)");
            }
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, length, 0);
            long headerLength = length.flip().getLong();
            if (headerLength <= 0 || headerLength > MAX_HEADER) {
                throw new ModelLoadException(file + " is not a safetensors file: header length " + headerLength);
            }
            if (8 + headerLength > size) {
                throw new ModelLoadException(file + " is truncated: its header needs " + (8 + headerLength)
                        + " bytes, the file has " + size + " (an interrupted download?)");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(channel, header, 8);
            byte[] headerBytes = header.array();
            JsonNode root;
            try {
                root = JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new ModelLoadException(file + " has a corrupt safetensors header: " + e.getMessage(), e);
            }
            if (root == null || !root.isObject()) {
                throw new ModelLoadException(file + " has a corrupt safetensors header: not a JSON object");
            }
            long dataStart = 8 + headerLength;
            for (Map.Entry<String, JsonNode> e : root.properties()) {
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                SafetensorsTensor t = tensor(file, e.getKey(), e.getValue(), dataStart);
                if (t.offset() + t.length() > size) {
                    throw new ModelLoadException(file + " is truncated: tensor " + t.name() + " needs bytes up to "
                            + (t.offset() + t.length()) + ", the file has " + size + " (an interrupted download?)");
                }
                into.put(t.name(), t);
            }
            return new Shard(file, size, headerBytes);
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static SafetensorsTensor tensor(Path file, String name, JsonNode node, long dataStart) {
        JsonNode dtype = node.get("dtype");
        JsonNode shape = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (dtype == null || !dtype.isTextual() || shape == null || !shape.isArray() || offsets == null
                || !offsets.isArray() || offsets.size() != 2) {
            throw new ModelLoadException(file + " has a corrupt header entry for tensor " + name + ": " + node);
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape.get(i).asLong(-1);
            if (dims[i] < 0) {
                throw new ModelLoadException(file + ": tensor " + name + " has a negative dimension " + shape);
            }
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin) {
            throw new ModelLoadException(file + ": tensor " + name + " has data_offsets " + offsets);
        }
        SafetensorsTensor t = new SafetensorsTensor(name, dtype.asText(), dims, file, dataStart + begin, end - begin);
        Optional<Dtype> known = t.dtype();
        if (known.isPresent() && t.elements() * known.get().bytes() != t.length()) {
            throw new ModelLoadException(file + ": tensor " + name + " is " + t.dtypeName() + t.shapeText() + " ("
                    + t.elements() * known.get().bytes() + " bytes) but its data_offsets span " + t.length());
        }
        return t;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            at += n;
        }
    }

    public Optional<SafetensorsTensor> tensor(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    public Map<String, SafetensorsTensor> tensors() {
        return tensors;
    }

    public List<Shard> shards() {
        return shards;
    }

    /** Adds what identifies these weights for a graph built from them: each shard's name, size and header. */
    public void digest(MessageDigest digest) {
        for (Shard shard : shards) {
            digest.update(shard.file().getFileName().toString().getBytes(StandardCharsets.UTF_8));
            digest.update(Long.toString(shard.size()).getBytes(StandardCharsets.US_ASCII));
            digest.update(shard.header());
        }
    }
}
