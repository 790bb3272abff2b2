package dev.reranker.model.graph;

import static dev.reranker.model.graph.OnnxGraph.FLOAT;
import static dev.reranker.model.graph.OnnxGraph.INT64;
import static dev.reranker.model.graph.OnnxGraph.MS_DOMAIN;

import java.util.List;
import java.util.Optional;

import dev.reranker.model.graph.EncoderConfig.Architecture;
import dev.reranker.model.graph.OnnxGraph.Attribute;

/**
 * The forward pass of a BERT-family sequence classifier as an ONNX graph, the same computation as transformers'
 * eager implementation in eval mode: inputs {@code input_ids}, {@code attention_mask} (and {@code token_type_ids}
 * when the model has more than one token type), output {@code logits} [batch, num_labels].
 *
 * <p>
 * <b>Linear layers.</b> PyTorch stores a Linear weight as [out, in] and computes x·Wᵀ + b. The graph uses the
 * weight as stored: {@code com.microsoft.FusedMatMul(x, W, transB=1)} then {@code Add(b)}. ONNX Runtime's CPU
 * MatMul kernel packs a constant B once at session creation, honouring the transpose flag, so no transposed copy
 * exists at any time; the CUDA provider has a FusedMatMul kernel too. {@link LinearStyle} keeps the two
 * alternatives measured against it with bge-reranker-v2-m3's shapes (2.27 GB, GraphTool, 2 cores, 2026-12-02;
 * session creation, RSS once loaded, one batch of 20 x 64 tokens): FusedMatMul 1.6-1.7 s, 1269 MB, 3.9-4.1 s;
 * Gemm on 2-D reshapes 1.8-2.7 s, 1269 MB, 4.2 s; Transpose 2.6 s, 1643 MB (the folded transposed copies stay),
 * 4.2 s.
 *
 * <p>
 * Operators used: Gather, Add, Sub, Mul, Equal, Not, Cast, CumSum, Slice, Shape, Unsqueeze, Reshape,
 * Transpose, MatMul, Softmax, Tanh, Relu, LayerNormalization (opset 17), and com.microsoft FusedMatMul, Gelu,
 * FastGelu; every one has CPU and CUDA kernels in ONNX Runtime. The int8 graph adds com.microsoft
 * DynamicQuantizeMatMul ({@link Int8Weights}), which has a CPU kernel only.
 */
final class CrossEncoderGraph {

    /** How a Linear layer's [out, in] weight enters the graph. */
    enum LinearStyle {
        /** FusedMatMul(x, W, transB=1): the weight as stored, packed transposed by ONNX Runtime. The default. */
        FUSED_MATMUL,
        /** Gemm(reshape(x, [-1, in]), W, b, transB=1), reshaped back. */
        GEMM,
        /** MatMul(x, Transpose(W)): the transpose is constant-folded into a copy at session creation. */
        TRANSPOSE
    }

    /** torch.finfo(torch.float32).min: what transformers adds to the scores of padding positions. */
    private static final float MASKED = -Float.MAX_VALUE;

    private final EncoderConfig config;
    private final CheckpointWeights weights;
    private final LinearStyle style;
    private final Optional<Int8Weights> int8;
    private final OnnxGraph g = new OnnxGraph("cross_encoder");
    private String batchAndSequence;

    private CrossEncoderGraph(EncoderConfig config, CheckpointWeights weights, LinearStyle style,
            Optional<Int8Weights> int8) {
        this.config = config;
        this.weights = weights;
        this.style = style;
        this.int8 = int8;
    }

    static OnnxGraph build(EncoderConfig config, CheckpointWeights weights, LinearStyle style) {
        return build(config, weights, style, Optional.empty());
    }

    /**
     * @param int8 when present, every linear layer of the encoder (attention's query, key, value and output, the
     *        feed-forward pair) is a DynamicQuantizeMatMul over int8 weights planned in it; the pooler and
     *        classifier stay float32
     */
    static OnnxGraph build(EncoderConfig config, CheckpointWeights weights, LinearStyle style,
            Optional<Int8Weights> int8) {
        return new CrossEncoderGraph(config, weights, style, int8).build();
    }

    private OnnxGraph build() {
        boolean typeIds = config.typeVocabSize() > 1;
        g.input("input_ids", INT64, "batch", "sequence");
        g.input("attention_mask", INT64, "batch", "sequence");
        if (typeIds) {
            g.input("token_type_ids", INT64, "batch", "sequence");
        }
        batchAndSequence = g.node("Shape", List.of("input_ids"));
        String x = embeddings(typeIds);
        String mask = additiveMask();
        for (int layer = 0; layer < config.layers(); layer++) {
            x = layer(x, mask, config.architecture().prefix + "encoder.layer." + layer + ".");
        }
        String cls = g.node("Gather", List.of(x, g.int64s(new long[0], 0)), Attribute.i("axis", 1));
        String logits = switch (config.architecture()) {
            case XLM_ROBERTA -> {
                String h = g.node("Tanh", List.of(linear(cls, "classifier.dense", config.hiddenSize(),
                        config.hiddenSize(), false)));
                yield linear(h, "classifier.out_proj", config.hiddenSize(), config.numLabels(), false);
            }
            case BERT -> {
                String pooled = g.node("Tanh", List.of(linear(cls, "bert.pooler.dense", config.hiddenSize(),
                        config.hiddenSize(), false)));
                yield linear(pooled, "classifier", config.hiddenSize(), config.numLabels(), false);
            }
        };
        g.nodeNamed("", "Identity", List.of(logits), "logits");
        g.output("logits", FLOAT, "batch", config.numLabels());
        return g;
    }

    private String embeddings(boolean typeIds) {
        String p = config.architecture().prefix + "embeddings.";
        long hidden = config.hiddenSize();
        String words = g.node("Gather", List.of(weights.use(g, p + "word_embeddings.weight", config.vocabSize(),
                hidden), "input_ids"));
        String positionTable = weights.use(g, p + "position_embeddings.weight", config.maxPositions(), hidden);
        String positions;
        if (config.architecture() == Architecture.XLM_ROBERTA) {
            // transformers' create_position_ids_from_input_ids: cumsum(ids != pad) * (ids != pad) + pad.
            String pad = g.int64s(new long[0], config.padTokenId());
            String real = g.node("Cast", List.of(g.node("Not", List.of(g.node("Equal", List.of("input_ids", pad))))),
                    Attribute.i("to", INT64));
            String counted = g.node("CumSum", List.of(real, g.int64s(new long[0], 1)));
            String ids = g.node("Add", List.of(g.node("Mul", List.of(counted, real)), pad));
            positions = g.node("Gather", List.of(positionTable, ids));
        } else {
            // Positions 0..sequence-1 for every row: the first rows of the table.
            String length = g.node("Slice", List.of(batchAndSequence, g.int64s(new long[] { 1 }, 1),
                    g.int64s(new long[] { 1 }, 2)));
            positions = g.node("Slice", List.of(positionTable, g.int64s(new long[] { 1 }, 0), length,
                    g.int64s(new long[] { 1 }, 0)));
        }
        String typeTable = weights.use(g, p + "token_type_embeddings.weight", config.typeVocabSize(), hidden);
        String types = typeIds ? g.node("Gather", List.of(typeTable, "token_type_ids"))
                : g.node("Gather", List.of(typeTable, g.int64s(new long[0], 0)));
        String sum = g.node("Add", List.of(g.node("Add", List.of(words, positions)), types));
        return layerNorm(sum, p + "LayerNorm");
    }

    /** [batch, 1, 1, sequence]: 0 where attention_mask is 1, float32's lowest value where it is 0. */
    private String additiveMask() {
        String mask = g.node("Cast", List.of("attention_mask"), Attribute.i("to", FLOAT));
        String wide = g.node("Unsqueeze", List.of(mask, g.int64s(new long[] { 2 }, 1, 2)));
        String inverted = g.node("Sub", List.of(g.floats(new long[0], 1f), wide));
        return g.node("Mul", List.of(inverted, g.floats(new long[0], MASKED)));
    }

    private String layer(String x, String mask, String p) {
        int hidden = config.hiddenSize();
        String q = heads(linear(x, p + "attention.self.query", hidden, hidden));
        String k = heads(linear(x, p + "attention.self.key", hidden, hidden));
        String v = heads(linear(x, p + "attention.self.value", hidden, hidden));
        String scores = g.node(MS_DOMAIN, "FusedMatMul", List.of(q, k), Attribute.i("transA", 0),
                Attribute.i("transB", 1), Attribute.f("alpha", (float) (1.0 / Math.sqrt(config.headSize()))));
        String probs = g.node("Softmax", List.of(g.node("Add", List.of(scores, mask))), Attribute.i("axis", -1));
        String context = g.node("MatMul", List.of(probs, v));
        String merged = g.node("Reshape", List.of(g.node("Transpose", List.of(context),
                Attribute.ints("perm", 0, 2, 1, 3)), g.int64s(new long[] { 3 }, 0, 0, hidden)));
        String attended = linear(merged, p + "attention.output.dense", hidden, hidden);
        String x1 = layerNorm(g.node("Add", List.of(attended, x)), p + "attention.output.LayerNorm");
        String inner = activation(linear(x1, p + "intermediate.dense", hidden, config.intermediateSize()));
        String out = linear(inner, p + "output.dense", config.intermediateSize(), hidden);
        return layerNorm(g.node("Add", List.of(out, x1)), p + "output.LayerNorm");
    }

    /** [batch, sequence, hidden] to [batch, heads, sequence, head size]. */
    private String heads(String x) {
        String split = g.node("Reshape", List.of(x, g.int64s(new long[] { 4 }, 0, 0, config.heads(),
                config.headSize())));
        return g.node("Transpose", List.of(split), Attribute.ints("perm", 0, 2, 1, 3));
    }

    private String activation(String x) {
        return switch (config.hiddenAct()) {
            case "gelu" -> g.node(MS_DOMAIN, "Gelu", List.of(x));
            case "relu" -> g.node("Relu", List.of(x));
            default -> g.node(MS_DOMAIN, "FastGelu", List.of(x));
        };
    }

    private String layerNorm(String x, String name) {
        long hidden = config.hiddenSize();
        return g.node("LayerNormalization", List.of(x, weights.use(g, name + ".weight", hidden),
                weights.use(g, name + ".bias", hidden)), Attribute.i("axis", -1),
                Attribute.f("epsilon", (float) config.layerNormEps()));
    }

    private String linear(String x, String name, long in, long out) {
        return linear(x, name, in, out, true);
    }

    /**
     * x·Wᵀ + b for a PyTorch Linear named {@code name}: weight [out, in], bias [out]; {@code x} is
     * [batch, sequence, in] when {@code sequence}, else [batch, in].
     */
    private String linear(String x, String name, long in, long out, boolean sequence) {
        if (sequence && int8.isPresent()) {
            List<String> q = int8.get().use(g, weights.tensor(name + ".weight", out, in), out, in);
            String b = weights.use(g, name + ".bias", out);
            // Signed weights are symmetric: no zero point (the empty name skips that optional input).
            return g.node(MS_DOMAIN, "DynamicQuantizeMatMul", List.of(x, q.get(0), q.get(1), q.get(2), b));
        }
        String w = weights.use(g, name + ".weight", out, in);
        String b = weights.use(g, name + ".bias", out);
        return switch (style) {
            case FUSED_MATMUL -> g.node("Add", List.of(g.node(MS_DOMAIN, "FusedMatMul", List.of(x, w),
                    Attribute.i("transA", 0), Attribute.i("transB", 1), Attribute.f("alpha", 1f)), b));
            case TRANSPOSE -> g.node("Add", List.of(g.node("MatMul", List.of(x, g.node("Transpose", List.of(w),
                    Attribute.ints("perm", 1, 0)))), b));
            case GEMM -> gemm(x, w, b, in, out, sequence);
        };
    }

    private String gemm(String x, String w, String b, long in, long out, boolean sequence) {
        if (!sequence) {
            return g.node("Gemm", List.of(x, w, b), Attribute.i("transB", 1));
        }
        String flat = g.node("Reshape", List.of(x, g.int64s(new long[] { 2 }, -1, in)));
        String y = g.node("Gemm", List.of(flat, w, b), Attribute.i("transB", 1));
        String shape = g.node("Concat", List.of(batchAndSequence, g.int64s(new long[] { 1 }, out)),
                Attribute.i("axis", 0));
        return g.node("Reshape", List.of(y, shape));
    }
}
