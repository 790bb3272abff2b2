package dev.reranker.lifecycle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.reranker.batch.BatchRunner;
import dev.reranker.config.Precision;
import dev.reranker.config.RerankerConfig;
import dev.reranker.config.TruncationSide;
import dev.reranker.engine.ModelDescriptor;
import dev.reranker.engine.ServingModel;
import dev.reranker.infer.OnnxScorer;
import dev.reranker.infer.SessionFactory;
import dev.reranker.infer.SessionSettings;
import dev.reranker.model.ModelConfig;
import dev.reranker.model.ModelFiles;
import dev.reranker.model.ModelLoadException;
import dev.reranker.model.ModelLocator;
import dev.reranker.model.hub.HubModelResolver;
import dev.reranker.model.hub.HubSettings;
import dev.reranker.model.hub.RepoRef;
import dev.reranker.tokenize.EncodedPair;
import dev.reranker.tokenize.PairLimits;
import dev.reranker.tokenize.PairTokenizer;
import io.quarkus.runtime.LaunchMode;

/** Turns configuration into a loaded, warmed-up model. */
@ApplicationScoped
class ModelLoader {

    private static final Logger LOG = Logger.getLogger(ModelLoader.class);

    /** Tokens of a pair in the timed warm-up batch. */
    private static final int SEED_LENGTH = 128;
    /** Most pairs in the timed warm-up batch. */
    private static final int SEED_MAX_PAIRS = 8;
    /** About how long one timed warm-up run should take. */
    private static final double SEED_SECONDS = 0.1;

    private final RerankerConfig config;

    @Inject
    public ModelLoader(RerankerConfig config) {
        this.config = config;
    }

    /** Resolves the configured model: a local path, else a Hub repository, else the embedded demo model. */
    public ModelFiles resolve() {
        return resolve(detail -> {
        });
    }

    /**
     * As {@link #resolve()}; {@code progress} hears what a Hub download is doing, one short line at a time,
     * while the model slot is still LOADING (so the startup probe stays DOWN through the download).
     */
    public ModelFiles resolve(Consumer<String> progress) {
        Optional<String> file = config.model().file();
        Optional<String> path = config.model().path().filter(p -> !p.isBlank());
        Optional<String> id = config.model().id().filter(i -> !i.isBlank());
        if (path.isPresent()) {
            id.ifPresent(ignored -> LOG.infof("reranker.model.path is set, so reranker.model.id %s is not fetched",
                    ignored));
            return resolveLocal(path.get(), file);
        }
        if (id.isPresent()) {
            RepoRef repo = new RepoRef(id.get(), config.model().revision());
            return new HubModelResolver(HubSettings.from(config), progress).resolve(repo, file, config.model().name(),
                    config.model().format(), Path.of(config.model().graphCacheDir()), config.precision());
        }
        if (config.precision() == Precision.INT8) {
            throw new ModelLoadException("reranker.precision=int8 needs a model: the embedded demo model has no"
                    + " quantized export; set reranker.model.path or reranker.model.id, or reranker.precision=fp32");
        }
        try {
            return ModelLocator.demo(Files.createTempDirectory("reranker-demo-"));
        } catch (IOException e) {
            throw new ModelLoadException("Cannot create a temporary directory for the demo model: " + e, e);
        }
    }

    /** Resolves a model directory named at runtime (the admin API's load). */
    public ModelFiles resolveLocal(String path, Optional<String> file) {
        return ModelLocator.local(Path.of(path), file, config.model().name(), config.model().format(),
                Path.of(config.model().graphCacheDir()), config.precision());
    }

    /** Loads tokenizer and session and runs one warm-up inference; fails with one clear message. */
    public LoadedModel load(ModelFiles files) {
        try {
            return loadChecked(files);
        } catch (ModelLoadException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelLoadException(files.location() + ": " + e.getMessage(), e);
        }
    }

    private LoadedModel loadChecked(ModelFiles files) {
        long start = System.nanoTime();
        ModelConfig modelConfig = files.config().map(ModelConfig::read).orElseGet(ModelConfig::none);
        int maxLength = maxLength(files, modelConfig);
        PairTokenizer tokenizer = PairTokenizer.load(files.tokenizer());
        OnnxScorer scorer;
        try {
            OptionalInt pad = modelConfig.padTokenId();
            long opening = System.nanoTime();
            scorer = SessionFactory.open(files.onnxFile(), sessionSettings(),
                    pad.isPresent() ? pad.getAsInt() : tokenizer.padTokenId().orElse(0));
            LOG.debugf("Session for %s opened in %d ms", files.onnxFile(), (System.nanoTime() - opening) / 1_000_000);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
        if (files.precision() == Precision.INT8 && !scorer.device().equals("cpu")) {
            LOG.warnf("reranker.precision=int8 on %s: ONNX Runtime has CPU kernels only for the quantized matrix"
                    + " products, so they run on the CPU between the GPU's work; int8 is made for CPU serving",
                    scorer.device());
        }
        BatchRunner runner = pairs -> {
            List<int[]> ids = new ArrayList<>(pairs.size());
            List<int[]> types = new ArrayList<>(pairs.size());
            for (EncodedPair pair : pairs) {
                ids.add(pair.ids());
                types.add(pair.typeIds());
            }
            return scorer.logits(ids, types);
        };
        double secondsPerToken;
        try {
            secondsPerToken = warmUp(files, tokenizer, runner, maxLength);
        } catch (RuntimeException e) {
            scorer.close();
            tokenizer.close();
            throw e;
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        ModelDescriptor descriptor = new ModelDescriptor(files.name(), files.location(), files.onnxFile().toString(),
                scorer.device(), maxLength, modelConfig.maxInputLength().orElse(0), files.demo(), millis,
                secondsPerToken, files.precision().label());
        Optional<Path> unpacked = files.demo() ? Optional.of(files.onnxFile().getParent()) : Optional.empty();
        return new LoadedModel(new ServingModel(descriptor, tokenizer, runner), scorer, tokenizer, unpacked);
    }

    private int maxLength(ModelFiles files, ModelConfig modelConfig) {
        int configured = config.maxLength();
        OptionalInt limit = modelConfig.maxInputLength();
        if (limit.isPresent() && configured > limit.getAsInt()) {
            throw new ModelLoadException("reranker.max-length=" + configured + " exceeds what " + files.config().get()
                    + " allows (max_position_embeddings gives " + limit.getAsInt() + " tokens)");
        }
        return configured;
    }

    private SessionSettings sessionSettings() {
        RerankerConfig.Cpu cpu = config.cpu();
        RerankerConfig.Cuda cuda = config.cuda();
        return new SessionSettings(config.device(),
                cpu.intraOpThreads().orElse(Runtime.getRuntime().availableProcessors()), cpu.memoryArena(),
                cpu.allowSpinning(), cuda.deviceId(), cuda.memoryLimit(), cuda.arenaExtendStrategy(),
                cuda.cudnnConvAlgoSearch(), config.memory().arenaShrinkage(),
                // Only a process that ends with the application may hold the runtime past JVM shutdown hooks;
                // tests and dev mode restart the application in the same JVM.
                LaunchMode.current() == LaunchMode.NORMAL);
    }

    /**
     * One real inference, so that the first request does not pay for ONNX Runtime's lazy initialisation; then a
     * timed batch of pairs of a typical length, whose seconds per token seed the scheduler's throughput estimate.
     * The timed batch is sized from the first run to take a fraction of a second, whatever the model's size.
     *
     * @return seconds per padded token of the timed batch
     */
    private double warmUp(ModelFiles files, PairTokenizer tokenizer, BatchRunner runner, int maxLength) {
        // Empty texts: only special tokens, which every vocabulary has (a word might not be in it).
        PairLimits limits = new PairLimits(maxLength, config.truncation(), true, TruncationSide.RIGHT, 0);
        EncodedPair pair = tokenizer.pair(tokenizer.encodeQuery("", limits), tokenizer.encodeDocument("", limits),
                limits);
        try {
            long start = System.nanoTime();
            check(files, runner.run(List.of(pair, pair)));
            double firstPerToken = (System.nanoTime() - start) / 1e9 / (2.0 * pair.length());
            // Pairs of SEED_LENGTH tokens: the special tokens of the empty pair, its separator repeated between them
            // (any id costs the same to compute, and no word is needed that the vocabulary might lack).
            EncodedPair seed = stretch(pair, Math.min(maxLength, SEED_LENGTH));
            // The first run overstates the cost of a token (it paid for initialisation): the batch comes out small.
            int count = (int) Math.max(1, Math.min(SEED_MAX_PAIRS,
                    SEED_SECONDS / Math.max(1e-9, firstPerToken * seed.length())));
            List<EncodedPair> batch = java.util.Collections.nCopies(count, seed);
            // The fastest of three: single short runs right after loading vary by half (pages still faulting in, a
            // neighbour's burst), and an estimate that starts too slow refuses the first wave of requests: at full
            // size on 2 cores the faster of the first two 128-token runs took 1.5x the steady time, and 8 users'
            // first wave saw a 429 (docs/sizing.md). The debug log shows each run.
            double best = Double.MAX_VALUE;
            StringBuilder runs = new StringBuilder();
            for (int run = 0; run < 3; run++) {
                start = System.nanoTime();
                check(files, runner.run(batch));
                double seconds = (System.nanoTime() - start) / 1e9;
                best = Math.min(best, seconds);
                runs.append(String.format(Locale.ROOT, " %.3f", seconds));
            }
            LOG.debugf("Warm-up: first inference %.3f s; timed runs of %d x %d tokens:%s s", firstPerToken * 2.0
                    * pair.length(), count, seed.length(), runs);
            return best / ((double) count * seed.length());
        } catch (ModelLoadException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelLoadException("Warm-up inference on " + files.onnxFile() + " failed: " + e.getMessage(), e);
        }
    }

    /** {@code pair}'s first and last ids with its second one repeated between them, {@code length} ids in all. */
    private static EncodedPair stretch(EncodedPair pair, int length) {
        int[] shortIds = pair.ids();
        if (length <= shortIds.length) {
            return pair;
        }
        int[] ids = new int[length];
        java.util.Arrays.fill(ids, shortIds[Math.min(1, shortIds.length - 1)]);
        ids[0] = shortIds[0];
        ids[length - 1] = shortIds[shortIds.length - 1];
        return new EncodedPair(ids, new int[length]);
    }

    private static void check(ModelFiles files, float[] logits) {
        if (logits.length == 0 || !Float.isFinite(logits[0])) {
            throw new ModelLoadException("Warm-up inference on " + files.onnxFile() + " returned no finite score");
        }
    }
}
