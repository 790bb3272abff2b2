package dev.reranker.model.hub;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Reads which external data files an ONNX graph refers to, straight from its protobuf encoding, without loading it.
 * Large exports keep their weights outside the graph ({@code TensorProto.external_data} entry "location"); the file
 * names are whatever the exporter chose, so asking the graph is the only reliable way to fetch exactly the files
 * ONNX Runtime will open, and no more.
 *
 * <p>
 * The walk follows the fields of onnx.proto that can hold tensors: ModelProto.graph (7); GraphProto.node (1),
 * initializer (5), sparse_initializer (15); NodeProto.attribute (5); AttributeProto t (5), g (6), tensors (10),
 * graphs (11), sparse_tensor (22), sparse_tensors (23); SparseTensorProto values (1), indices (2);
 * TensorProto.external_data (13) of StringStringEntryProto key (1) / value (2). Weight bytes inside the graph are
 * skipped, not read: the file is mapped, so only the pages holding structure are touched.
 */
final class OnnxExternalData {

    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LEN = 2;
    private static final int FIXED32 = 5;

    private OnnxExternalData() {
    }

    /** The "location" values of every external tensor, in order of first appearance. */
    public static Set<String> locations(Path onnxFile) {
        try (FileChannel channel = FileChannel.open(onnxFile, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw new HubException(onnxFile + " is larger than 2 GB, which no valid ONNX protobuf is");
            }
            ByteBuffer model = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            Set<String> locations = new LinkedHashSet<>();
            walk(model, Kind.MODEL, locations);
            return locations;
        } catch (IOException e) {
            throw new HubException("Cannot read " + onnxFile + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof HubException) {
                throw e;
            }
            throw new HubException(onnxFile + " is not a valid ONNX file (" + e + ")", e);
        }
    }

    /** The messages of onnx.proto on the way to a tensor. */
    private enum Kind {
        MODEL,
        GRAPH,
        NODE,
        ATTRIBUTE,
        SPARSE_TENSOR,
        TENSOR,
        ENTRY
    }

    private static void walk(ByteBuffer message, Kind kind, Set<String> locations) {
        String key = null;
        String value = null;
        while (message.hasRemaining()) {
            long tag = varint(message);
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (wire != LEN) {
                skip(message, wire);
                continue;
            }
            int length = Math.toIntExact(varint(message));
            ByteBuffer body = message.slice(message.position(), length);
            message.position(message.position() + length);
            Kind child = child(kind, field);
            if (child != null) {
                walk(body, child, locations);
            } else if (kind == Kind.ENTRY && field == 1) {
                key = StandardCharsets.UTF_8.decode(body).toString();
            } else if (kind == Kind.ENTRY && field == 2) {
                value = StandardCharsets.UTF_8.decode(body).toString();
            }
        }
        if (kind == Kind.ENTRY && "location".equals(key) && value != null) {
            locations.add(value);
        }
    }

    private static Kind child(Kind parent, int field) {
        return switch (parent) {
            case MODEL -> field == 7 ? Kind.GRAPH : null;
            case GRAPH -> switch (field) {
                case 1 -> Kind.NODE;
                case 5 -> Kind.TENSOR;
                case 15 -> Kind.SPARSE_TENSOR;
                default -> null;
            };
            case NODE -> field == 5 ? Kind.ATTRIBUTE : null;
            case ATTRIBUTE -> switch (field) {
                case 5, 10 -> Kind.TENSOR;
                case 6, 11 -> Kind.GRAPH;
                case 22, 23 -> Kind.SPARSE_TENSOR;
                default -> null;
            };
            case SPARSE_TENSOR -> field == 1 || field == 2 ? Kind.TENSOR : null;
            case TENSOR -> field == 13 ? Kind.ENTRY : null;
            case ENTRY -> null;
        };
    }

    private static long varint(ByteBuffer buffer) {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = buffer.get();
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IllegalArgumentException("malformed varint");
    }

    private static void skip(ByteBuffer buffer, int wire) {
        switch (wire) {
            case VARINT -> varint(buffer);
            case FIXED64 -> buffer.position(buffer.position() + 8);
            case FIXED32 -> buffer.position(buffer.position() + 4);
            default -> throw new IllegalArgumentException("unsupported protobuf wire type " + wire);
        }
    }
}
