package dev.reranker.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tiny hand-written ONNX graphs (protobuf written field by field; no ONNX tooling is needed) whose
 * "logit" is the sum of the real token ids of a pair. They exercise output layouts, element types and
 * input checks that the reference models do not have.
 */
public final class OnnxFixtures {

    /** Output layout of the generated graph. */
    public enum Output {
        /** [batch, 1] float32 */
        SINGLE,
        /** [batch] float32 */
        FLAT,
        /** [batch, 2] float32, relevance at index 1 (index 0 holds the negated sum) */
        TWO_CLASS,
        /** [batch, 1] float16 */
        HALF
    }

    private static final int FLOAT = 1;
    private static final int INT32 = 6;
    private static final int INT64 = 7;
    private static final int FLOAT16 = 10;

    private OnnxFixtures() {
    }

    /** A cross-encoder-shaped graph: inputs input_ids and attention_mask of the given integer type. */
    public static void sumOfIds(Path file, Output output, boolean int32Inputs) throws IOException {
        int inputType = int32Inputs ? INT32 : INT64;
        ByteArrayOutputStream graph = new ByteArrayOutputStream();
        node(graph, "Cast", new String[] { "input_ids" }, "ids_f", intAttribute("to", FLOAT));
        node(graph, "Cast", new String[] { "attention_mask" }, "mask_f", intAttribute("to", FLOAT));
        node(graph, "Mul", new String[] { "ids_f", "mask_f" }, "real_ids");
        boolean keep = output != Output.FLAT;
        String sum = output == Output.SINGLE || output == Output.FLAT ? "logits" : "sum";
        node(graph, "ReduceSum", new String[] { "real_ids" }, sum, intsAttribute("axes", 1),
                intAttribute("keepdims", keep ? 1 : 0));
        if (output == Output.TWO_CLASS) {
            node(graph, "Neg", new String[] { "sum" }, "negated");
            node(graph, "Concat", new String[] { "negated", "sum" }, "logits", intAttribute("axis", 1));
        } else if (output == Output.HALF) {
            node(graph, "Cast", new String[] { "sum" }, "logits", intAttribute("to", FLOAT16));
        }
        string(graph, 2, "sum_of_ids");
        message(graph, 11, valueInfo("input_ids", inputType, "batch", "sequence"));
        message(graph, 11, valueInfo("attention_mask", inputType, "batch", "sequence"));
        int outType = output == Output.HALF ? FLOAT16 : FLOAT;
        byte[] out = switch (output) {
            case FLAT -> valueInfo("logits", outType, "batch");
            case TWO_CLASS -> valueInfo("logits", outType, "batch", 2);
            default -> valueInfo("logits", outType, "batch", 1);
        };
        message(graph, 12, out);
        write(file, graph.toByteArray());
    }

    /**
     * A model directory whose tokenizer knows a handful of words (ids: apple 10, banana 20, cherry 30) and
     * has no unknown token, so any other word makes it fail; its "logit" is the sum of a pair's ids.
     */
    public static Path wordLevelModel(Path dir) throws IOException {
        Files.createDirectories(dir);
        String special = "\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":true";
        String tokenizer = """
                {"version":"1.0","truncation":null,"padding":null,
                 "added_tokens":[{"id":0,"content":"[PAD]",%1$s},{"id":1,"content":"[CLS]",%1$s},
                                 {"id":2,"content":"[SEP]",%1$s}],
                 "normalizer":null,"pre_tokenizer":{"type":"Whitespace"},
                 "post_processor":{"type":"TemplateProcessing",
                   "single":[{"SpecialToken":{"id":"[CLS]","type_id":0}},{"Sequence":{"id":"A","type_id":0}},
                             {"SpecialToken":{"id":"[SEP]","type_id":0}}],
                   "pair":[{"SpecialToken":{"id":"[CLS]","type_id":0}},{"Sequence":{"id":"A","type_id":0}},
                           {"SpecialToken":{"id":"[SEP]","type_id":0}},{"Sequence":{"id":"B","type_id":1}},
                           {"SpecialToken":{"id":"[SEP]","type_id":1}}],
                   "special_tokens":{"[CLS]":{"id":"[CLS]","ids":[1],"tokens":["[CLS]"]},
                                     "[SEP]":{"id":"[SEP]","ids":[2],"tokens":["[SEP]"]}}},
                 "decoder":null,
                 "model":{"type":"WordLevel","unk_token":"[UNK]",
                          "vocab":{"[PAD]":0,"[CLS]":1,"[SEP]":2,"a":3,"b":4,"apple":10,"banana":20,"cherry":30}}}
                """.formatted(special);
        Files.writeString(dir.resolve("tokenizer.json"), tokenizer);
        sumOfIds(dir.resolve("model.onnx"), Output.SINGLE, false);
        return dir;
    }

    /** A graph whose only input is an image tensor: not a cross-encoder. */
    public static void imageModel(Path file) throws IOException {
        ByteArrayOutputStream graph = new ByteArrayOutputStream();
        node(graph, "Identity", new String[] { "pixel_values" }, "logits");
        string(graph, 2, "image");
        message(graph, 11, valueInfo("pixel_values", FLOAT, "batch", 3));
        message(graph, 12, valueInfo("logits", FLOAT, "batch", 3));
        write(file, graph.toByteArray());
    }

    private static void write(Path file, byte[] graph) throws IOException {
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        varintField(model, 1, 7); // ir_version
        message(model, 7, graph);
        ByteArrayOutputStream opset = new ByteArrayOutputStream();
        string(opset, 1, "");
        varintField(opset, 2, 11);
        message(model, 8, opset.toByteArray());
        Files.write(file, model.toByteArray());
    }

    private static void node(ByteArrayOutputStream graph, String op, String[] inputs, String output,
            byte[]... attributes)
            throws IOException {
        ByteArrayOutputStream node = new ByteArrayOutputStream();
        for (String input : inputs) {
            string(node, 1, input);
        }
        string(node, 2, output);
        string(node, 4, op);
        for (byte[] attribute : attributes) {
            message(node, 5, attribute);
        }
        message(graph, 1, node.toByteArray());
    }

    private static byte[] intAttribute(String name, long value) throws IOException {
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        string(a, 1, name);
        varintField(a, 3, value);
        varintField(a, 20, 2); // INT
        return a.toByteArray();
    }

    private static byte[] intsAttribute(String name, long value) throws IOException {
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        string(a, 1, name);
        varintField(a, 8, value);
        varintField(a, 20, 7); // INTS
        return a.toByteArray();
    }

    /** Dimensions are symbolic names (String) or fixed sizes (Integer). */
    private static byte[] valueInfo(String name, int elemType, Object... dims) throws IOException {
        ByteArrayOutputStream shape = new ByteArrayOutputStream();
        for (Object dim : dims) {
            ByteArrayOutputStream d = new ByteArrayOutputStream();
            if (dim instanceof String param) {
                string(d, 2, param);
            } else {
                varintField(d, 1, (Integer) dim);
            }
            message(shape, 1, d.toByteArray());
        }
        ByteArrayOutputStream tensor = new ByteArrayOutputStream();
        varintField(tensor, 1, elemType);
        message(tensor, 2, shape.toByteArray());
        ByteArrayOutputStream type = new ByteArrayOutputStream();
        message(type, 1, tensor.toByteArray());
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        string(info, 1, name);
        message(info, 2, type.toByteArray());
        return info.toByteArray();
    }

    private static void string(ByteArrayOutputStream out, int field, String value) throws IOException {
        message(out, field, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void message(ByteArrayOutputStream out, int field, byte[] bytes) throws IOException {
        varint(out, (long) field << 3 | 2);
        varint(out, bytes.length);
        out.write(bytes);
    }

    private static void varintField(ByteArrayOutputStream out, int field, long value) {
        varint(out, (long) field << 3);
        varint(out, value);
    }

    private static void varint(ByteArrayOutputStream out, long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
