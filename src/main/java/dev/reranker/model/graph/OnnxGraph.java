package dev.reranker.model.graph;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An ONNX ModelProto under construction: nodes in the order they are added (which is topological, since a node
 * can only use names that exist), initializers either inline (small constants) or as external data, one opset per
 * domain. Field numbers are onnx.proto's (ONNX 1.19):
 * <ul>
 * <li>ModelProto: ir_version 1, producer_name 2, producer_version 3, graph 7, opset_import 8;</li>
 * <li>OperatorSetIdProto: domain 1, version 2;</li>
 * <li>GraphProto: node 1, name 2, initializer 5, input 11, output 12;</li>
 * <li>NodeProto: input 1, output 2, name 3, op_type 4, attribute 5, domain 7;</li>
 * <li>AttributeProto: name 1, f 2, i 3, ints 8, type 20 (FLOAT 1, INT 2, INTS 7);</li>
 * <li>TensorProto: dims 1, data_type 2, name 8, raw_data 9, external_data 13 (StringStringEntryProto key 1,
 * value 2), data_location 14 (EXTERNAL 1);</li>
 * <li>ValueInfoProto: name 1, type 2; TypeProto.tensor_type 1; TypeProto.Tensor: elem_type 1, shape 2;
 * TensorShapeProto.dim 1; Dimension: dim_value 1, dim_param 2.</li>
 * </ul>
 */
final class OnnxGraph {

    static final int FLOAT = 1;
    static final int INT64 = 7;
    /** ONNX 1.12's IR version, the one that goes with opset 17 (LayerNormalization's first). */
    static final int IR_VERSION = 8;
    static final int OPSET = 17;
    static final String MS_DOMAIN = "com.microsoft";

    /** An attribute of a node. */
    @SuppressWarnings("ArrayRecordComponent") // written once into the graph, never compared
    record Attribute(String name, int type, long i, float f, long[] ints) {
        static Attribute i(String name, long value) {
            return new Attribute(name, 2, value, 0, null);
        }

        static Attribute f(String name, float value) {
            return new Attribute(name, 1, 0, value, null);
        }

        static Attribute ints(String name, long... values) {
            return new Attribute(name, 7, 0, 0, values);
        }

        ProtoWriter encode() {
            ProtoWriter a = new ProtoWriter().string(1, name);
            switch (type) {
                case 1 -> a.fixed32(2, f);
                case 2 -> a.varint(3, i);
                default -> {
                    for (long v : ints) {
                        a.varint(8, v);
                    }
                }
            }
            return a.varint(20, type);
        }
    }

    private final String name;
    private final List<ProtoWriter> nodes = new ArrayList<>();
    private final List<ProtoWriter> initializers = new ArrayList<>();
    private final List<ProtoWriter> inputs = new ArrayList<>();
    private final List<ProtoWriter> outputs = new ArrayList<>();
    private int counter;

    OnnxGraph(String name) {
        this.name = name;
    }

    /** Adds a node of the default domain with one output, and returns that output's name. */
    String node(String op, List<String> in, Attribute... attributes) {
        return node("", op, in, attributes);
    }

    /** Adds a node with one output, and returns that output's name. */
    String node(String domain, String op, List<String> in, Attribute... attributes) {
        String out = op.toLowerCase(Locale.ROOT) + "_" + counter++;
        nodeNamed(domain, op, in, out, attributes);
        return out;
    }

    /** Adds a node whose output has a chosen name (a graph output). */
    void nodeNamed(String domain, String op, List<String> in, String out, Attribute... attributes) {
        ProtoWriter n = new ProtoWriter();
        for (String input : in) {
            n.string(1, input);
        }
        n.string(2, out).string(3, out).string(4, op);
        for (Attribute a : attributes) {
            n.message(5, a.encode());
        }
        if (!domain.isEmpty()) {
            n.string(7, domain);
        }
        nodes.add(n);
    }

    /** A tensor whose bytes stay in a file beside the graph (ONNX external data). */
    void externalInitializer(String tensor, int dataType, long[] dims, String location, long offset, long length) {
        ProtoWriter t = new ProtoWriter();
        for (long d : dims) {
            t.varint(1, d);
        }
        t.varint(2, dataType).string(8, tensor);
        t.message(13, entry("location", location));
        t.message(13, entry("offset", Long.toString(offset)));
        t.message(13, entry("length", Long.toString(length)));
        t.varint(14, 1);
        initializers.add(t);
    }

    /** A small int64 constant inside the graph; a scalar when {@code dims} is empty. */
    String int64s(long[] dims, long... values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            raw.putLong(v);
        }
        return inline(INT64, dims, raw.array());
    }

    /** A small uint8 constant inside the graph; a scalar when {@code dims} is empty. */
    String uint8s(long[] dims, byte... values) {
        return inline(2, dims, values.clone());
    }

    /** A small float constant inside the graph; a scalar when {@code dims} is empty. */
    String floats(long[] dims, float... values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        return inline(FLOAT, dims, raw.array());
    }

    private String inline(int dataType, long[] dims, byte[] raw) {
        String tensor = "const_" + counter++;
        ProtoWriter t = new ProtoWriter();
        for (long d : dims) {
            t.varint(1, d);
        }
        t.varint(2, dataType).string(8, tensor).bytes(9, raw);
        initializers.add(t);
        return tensor;
    }

    /** Dimensions are symbolic names (String) or sizes (Long/Integer). */
    void input(String tensor, int elemType, Object... dims) {
        inputs.add(valueInfo(tensor, elemType, dims));
    }

    void output(String tensor, int elemType, Object... dims) {
        outputs.add(valueInfo(tensor, elemType, dims));
    }

    byte[] toModelProto(String producerVersion) {
        ProtoWriter g = new ProtoWriter();
        nodes.forEach(n -> g.message(1, n));
        g.string(2, name);
        initializers.forEach(t -> g.message(5, t));
        inputs.forEach(v -> g.message(11, v));
        outputs.forEach(v -> g.message(12, v));
        return new ProtoWriter().varint(1, IR_VERSION).string(2, "reranker-service").string(3, producerVersion)
                .message(7, g)
                .message(8, new ProtoWriter().string(1, "").varint(2, OPSET))
                .message(8, new ProtoWriter().string(1, MS_DOMAIN).varint(2, 1))
                .toByteArray();
    }

    private static ProtoWriter entry(String key, String value) {
        return new ProtoWriter().string(1, key).string(2, value);
    }

    private static ProtoWriter valueInfo(String tensor, int elemType, Object... dims) {
        ProtoWriter shape = new ProtoWriter();
        for (Object dim : dims) {
            ProtoWriter d = new ProtoWriter();
            if (dim instanceof String param) {
                d.string(2, param);
            } else {
                d.varint(1, ((Number) dim).longValue());
            }
            shape.message(1, d);
        }
        ProtoWriter tensorType = new ProtoWriter().varint(1, elemType).message(2, shape);
        return new ProtoWriter().string(1, tensor).message(2, new ProtoWriter().message(1, tensorType));
    }
}
