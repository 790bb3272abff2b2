package dev.reranker.model.graph;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.reranker.config.Truncation;
import dev.reranker.config.TruncationSide;
import dev.reranker.infer.OnnxScorer;
import dev.reranker.infer.SessionFactory;
import dev.reranker.model.ModelConfig;
import dev.reranker.support.Reference;
import dev.reranker.tokenize.EncodedPair;
import dev.reranker.tokenize.EncodedText;
import dev.reranker.tokenize.PairLimits;
import dev.reranker.tokenize.PairTokenizer;

/**
 * How far int8 scores are from float32 scores for the same model: the graph the service builds from a safetensors
 * fixture, once in float32 and once in int8, each query's documents scored in one batch by both. Per query: Spearman
 * correlation of the two score lists, whether the first document is the same, whether the first three are the same
 * three; over all: the largest |delta| of a logit and of a score (sigmoid of the logit).
 *
 * <p>
 * Query sets: the pairs of safetensors/reference.json for the model (every max-length and truncation; 2 to 7
 * documents a query) and safetensors/int8-queries.json (40 queries of 20 documents, made by
 * tools/oracle/make_int8_fixtures.py). {@code Int8GraphTest} asserts the figures of the service's scheme; {@link #main}
 * prints them for
 * every quantization scheme given (bench/int8_fidelity.sh):
 *
 * <pre>
 * java -cp ... dev.reranker.model.graph.Int8Fidelity per-channel/127 per-tensor/127 per-channel/63 per-channel/u8-asym
 * </pre>
 */
public final class Int8Fidelity {

    static final List<String> MODELS = List.of("st-xlmr", "st-bert");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One query: its pairs, as the service's tokenizer makes them. */
    record Query(List<int[]> ids, List<int[]> types) {
    }

    /** Figures over a set of queries. */
    record Figures(int queries, double meanSpearman, double minSpearman, double top1, double top3, double maxLogitDelta,
            double maxScoreDelta, int decisive, double decisiveTop1, List<Miss> misses) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%3d queries  Spearman mean %.4f min %.4f  top-1 %5.1f%%  top-3 %5.1f%%"
                    + "  max |d logit| %.4f  max |d score| %.4f  top-1 where fp32 leads by > %.2f: %d queries, %5.1f%%",
                    queries, meanSpearman, minSpearman, 100 * top1, 100 * top3, maxLogitDelta, maxScoreDelta, DECISIVE,
                    decisive, 100 * decisiveTop1);
        }
    }

    /**
     * A query whose first document int8 changed (its index in the set), and by how much float32's first document led
     * its second: a miss on a near-tie is noise, a miss on a clear lead would be a ranking error.
     */
    record Miss(int query, double fp32Margin) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "#%d %.4f", query, fp32Margin);
        }
    }

    /**
     * A float32 top-1 leading the second by less than this (in logits) is a near-tie that noise of this size may
     * swap: the tiny fixtures have many (their 20 scores of a query often lie within 0.01).
     */
    static final double DECISIVE = 0.05;

    private Int8Fidelity() {
    }

    public static void main(String[] args) throws IOException {
        Path work = Files.createTempDirectory("int8-fidelity-");
        try {
            print(work, args.length == 0 ? List.of(Int8Weights.Scheme.DEFAULT.label()) : List.of(args));
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    private static void print(Path work, List<String> schemes) throws IOException {
        for (String model : MODELS) {
            Path dir = SafetensorsParityTest.copy(Reference.modelDir(model), work.resolve(model));
            for (String scheme : schemes) {
                Int8Weights.Scheme s = Int8Weights.Scheme.parse(scheme);
                Figures reference = compare(dir, work.resolve("cache"), s, referenceQueries(model, dir));
                System.out.printf("%-8s %-19s reference pairs  %s%n", model, s.label(), reference);
                printMisses(reference);
                Figures set = compare(dir, work.resolve("cache"), s, fidelityQueries(model, dir));
                System.out.printf("%-8s %-19s fidelity set     %s%n", model, s.label(), set);
                printMisses(set);
            }
        }
    }

    private static void printMisses(Figures f) {
        if (!f.misses().isEmpty()) {
            System.out.printf("%30s top-1 misses (query, fp32 lead of its first document over its second, logit):"
                    + " %s; largest lead missed %.4f%n", "", f.misses(),
                    f.misses().stream()
                            .mapToDouble(Miss::fp32Margin).max().orElseThrow());
        }
    }

    /** Scores {@code queries} with the float32 and the int8 graph of {@code dir}. */
    static Figures compare(Path dir, Path cache, Int8Weights.Scheme scheme, List<Query> queries) {
        PreparedGraph fp32 = SafetensorsGraph.prepare(dir, "reranker-graph", cache,
                CrossEncoderGraph.LinearStyle.FUSED_MATMUL, Optional.empty());
        PreparedGraph int8 = SafetensorsGraph.prepare(dir, "reranker-graph-" + scheme.label().replace('/', '-'),
                cache, CrossEncoderGraph.LinearStyle.FUSED_MATMUL, Optional.of(scheme));
        return compare(fp32.graph(), int8.graph(), ModelConfig.read(dir.resolve("config.json")).padTokenId()
                .orElseThrow(), queries);
    }

    /** Scores {@code queries} with both graphs, each query's documents in one batch. */
    static Figures compare(Path fp32, Path int8, int pad, List<Query> queries) {
        try (OnnxScorer a = SessionFactory.open(fp32, SafetensorsParityTest.settings(), pad);
                OnnxScorer b = SessionFactory.open(int8, SafetensorsParityTest.settings(), pad)) {
            List<float[]> reference = new ArrayList<>();
            List<float[]> quantized = new ArrayList<>();
            for (Query q : queries) {
                reference.add(a.logits(q.ids(), q.types()));
                quantized.add(b.logits(q.ids(), q.types()));
            }
            return figures(reference, quantized);
        }
    }

    static Figures figures(List<float[]> reference, List<float[]> quantized) {
        double spearmanSum = 0;
        double spearmanMin = 1;
        int top1 = 0;
        int top3 = 0;
        double logitDelta = 0;
        double scoreDelta = 0;
        int decisive = 0;
        int decisiveAgree = 0;
        List<Miss> misses = new ArrayList<>();
        for (int q = 0; q < reference.size(); q++) {
            float[] x = reference.get(q);
            float[] y = quantized.get(q);
            double rho = spearman(x, y);
            spearmanSum += rho;
            spearmanMin = Math.min(spearmanMin, rho);
            boolean same = top(x, 1).equals(top(y, 1));
            top1 += same ? 1 : 0;
            float[] sorted = x.clone();
            Arrays.sort(sorted);
            double margin = sorted.length < 2 ? Double.POSITIVE_INFINITY
                    : sorted[sorted.length - 1] - sorted[sorted.length - 2];
            if (!same) {
                misses.add(new Miss(q, margin));
            }
            if (margin > DECISIVE) {
                decisive++;
                decisiveAgree += same ? 1 : 0;
            }
            top3 += top(x, 3).equals(top(y, 3)) ? 1 : 0;
            for (int d = 0; d < x.length; d++) {
                logitDelta = Math.max(logitDelta, Math.abs(x[d] - y[d]));
                scoreDelta = Math.max(scoreDelta, Math.abs(sigmoid(x[d]) - sigmoid(y[d])));
            }
        }
        int n = reference.size();
        return new Figures(n, spearmanSum / n, spearmanMin, (double) top1 / n, (double) top3 / n, logitDelta,
                scoreDelta, decisive, decisive == 0 ? 1 : (double) decisiveAgree / decisive, List.copyOf(misses));
    }

    /** Spearman's rho: Pearson correlation of the ranks (ties share their mean rank); 1 for a single document. */
    static double spearman(float[] x, float[] y) {
        if (x.length < 2) {
            return 1;
        }
        double[] rx = ranks(x);
        double[] ry = ranks(y);
        double mean = (x.length - 1) / 2.0;
        double cov = 0;
        double vx = 0;
        double vy = 0;
        for (int i = 0; i < x.length; i++) {
            cov += (rx[i] - mean) * (ry[i] - mean);
            vx += (rx[i] - mean) * (rx[i] - mean);
            vy += (ry[i] - mean) * (ry[i] - mean);
        }
        return vx == 0 || vy == 0 ? (vx == vy ? 1 : 0) : cov / Math.sqrt(vx * vy);
    }

    private static double[] ranks(float[] v) {
        Integer[] order = IntStream.range(0, v.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> v[i]));
        double[] ranks = new double[v.length];
        for (int i = 0; i < v.length;) {
            int j = i;
            while (j + 1 < v.length && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = (i + j) / 2.0;
            }
            i = j + 1;
        }
        return ranks;
    }

    /** The indexes of the {@code k} highest logits, as a sorted list (their order among themselves aside). */
    private static List<Integer> top(float[] logits, int k) {
        return IntStream.range(0, logits.length).boxed().sorted(Comparator.comparingDouble(i -> -logits[i]))
                .limit(k).sorted().toList();
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** The cases of safetensors/reference.json for {@code model}, with the token ids the service makes. */
    static List<Query> referenceQueries(String model, Path dir) {
        List<Query> out = new ArrayList<>();
        try (PairTokenizer tokenizer = PairTokenizer.load(dir.resolve("tokenizer.json"))) {
            for (Reference.Case c : Reference.all("safetensors/reference.json")) {
                if (c.model().equals(model)) {
                    out.add(encode(tokenizer, c.query(), c.documents(), c.maxLength(),
                            Truncation.valueOf(c.truncation().toUpperCase(Locale.ROOT))));
                }
            }
        }
        return out;
    }

    /** The queries of safetensors/int8-queries.json for {@code model}'s tokenizer, at max-length 512, flag. */
    static List<Query> fidelityQueries(String model, Path dir) {
        JsonNode root;
        try (InputStream in = Int8Fidelity.class.getClassLoader()
                .getResourceAsStream("safetensors/int8-queries.json")) {
            root = JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Query> out = new ArrayList<>();
        try (PairTokenizer tokenizer = PairTokenizer.load(dir.resolve("tokenizer.json"))) {
            for (JsonNode q : root.get("sets").get(model.substring("st-".length()))) {
                List<String> documents = new ArrayList<>();
                q.get("documents").forEach(d -> documents.add(d.asText()));
                out.add(encode(tokenizer, q.get("query").asText(), documents, 512, Truncation.FLAG));
            }
        }
        return out;
    }

    private static Query encode(PairTokenizer tokenizer, String query, List<String> documents, int maxLength,
            Truncation truncation) {
        PairLimits limits = new PairLimits(maxLength, truncation, true, TruncationSide.RIGHT, 0);
        EncodedText q = tokenizer.encodeQuery(query, limits);
        List<int[]> ids = new ArrayList<>();
        List<int[]> types = new ArrayList<>();
        for (String d : documents) {
            EncodedPair pair = tokenizer.pair(q, tokenizer.encodeDocument(d, limits), limits);
            ids.add(pair.ids());
            types.add(pair.typeIds());
        }
        return new Query(ids, types);
    }
}
