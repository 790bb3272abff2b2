package dev.reranker.batch;

import java.util.concurrent.atomic.AtomicReference;

/**
 * How fast the served model computes on this machine, learnt from its own batches: seconds per padded token, the
 * padding the batches carry, the tokens of a pair and the characters of a token. Admission turns queued work (in
 * tokens) into seconds with it.
 *
 * <p>
 * Seeded by the warm-up inference before the model is served ({@link #calibrate}); the first three batches of that
 * model replace the seed (their median), every later batch moves it (an exponentially weighted average of the
 * median of the last three batches, so one slow batch, a garbage-collection pause or a noisy neighbour, does not
 * move it at all); forgotten when the model changes.
 * Batches of another model (one being replaced, draining) are ignored. Written by the inference workers under this
 * object's lock; read lock-free by admission.
 */
final class ThroughputEstimate {

    /** Weight of a new (median) sample: after ten batches the seed weighs (1 - 0.3)^10 = 3 %. */
    static final double ALPHA = 0.3;
    /** Characters per token assumed before a model's tokenizer has been seen: low, so the guess errs long. */
    static final double DEFAULT_CHARS_PER_TOKEN = 3.0;

    /**
     * One consistent reading.
     *
     * @param model the runner whose batches are measured; null when no model is calibrated
     * @param secondsPerPaddedToken wall time of a batch divided by its padded tokens (pairs x longest pair)
     * @param paddingRatio padded tokens / real tokens of recent batches
     * @param tokensPerPair real tokens of a recent pair
     * @param charsPerToken characters of text per token of recent requests
     * @param batches batches measured since the seed
     */
    record Speed(BatchRunner model, double secondsPerPaddedToken, double paddingRatio, double tokensPerPair,
            double charsPerToken, long batches) {

        static final Speed UNKNOWN = new Speed(null, Double.NaN, 1.0, Double.NaN, DEFAULT_CHARS_PER_TOKEN, 0);

        boolean known() {
            return model != null;
        }

        /** Seconds of compute per real token: padding included, as batches really carry it. */
        double secondsPerToken() {
            return secondsPerPaddedToken * paddingRatio;
        }

        /** Pairs per second at the recent pair length; NaN before a batch was measured. */
        double pairsPerSecond() {
            return 1.0 / (secondsPerToken() * tokensPerPair);
        }
    }

    private final AtomicReference<Speed> current = new AtomicReference<>(Speed.UNKNOWN);
    private final double[] recent = new double[3];
    private int samples;
    private boolean textSeen;

    Speed speed() {
        return current.get();
    }

    /** Starts over for {@code model}, from what its warm-up measured. */
    synchronized void calibrate(BatchRunner model, double secondsPerPaddedToken) {
        samples = 0;
        textSeen = false;
        current.set(new Speed(model, secondsPerPaddedToken, 1.0, Double.NaN, DEFAULT_CHARS_PER_TOKEN, 0));
    }

    /** No model is served: nothing is known. */
    synchronized void forget() {
        samples = 0;
        textSeen = false;
        current.set(Speed.UNKNOWN);
    }

    /** A batch of {@code model} computed {@code pairs} pairs in {@code nanos}. */
    synchronized void batch(BatchRunner model, int pairs, long paddedTokens, long realTokens, long nanos) {
        Speed now = current.get();
        if (model != now.model() || paddedTokens <= 0 || realTokens <= 0 || nanos <= 0) {
            return;
        }
        recent[samples % recent.length] = nanos / 1e9 / paddedTokens;
        samples++;
        double sample = median(Math.min(samples, recent.length));
        double padding = (double) paddedTokens / realTokens;
        double perPair = (double) realTokens / pairs;
        // The first batches replace the warm-up's figure rather than move it: one short run right after loading (the
        // weights still paging in, a cold cache) can be far off, and admission must not act on it for long.
        double perToken = samples <= recent.length ? sample : ewma(now.secondsPerPaddedToken(), sample);
        current.set(new Speed(model, perToken, ewma(now.paddingRatio(), padding),
                Double.isNaN(now.tokensPerPair()) ? perPair : ewma(now.tokensPerPair(), perPair), now.charsPerToken(),
                now.batches() + 1));
    }

    /** A request of {@code model} tokenized {@code chars} characters into {@code tokens} tokens. */
    synchronized void text(BatchRunner model, long chars, long tokens) {
        Speed now = current.get();
        if (model != now.model() || chars <= 0 || tokens <= 0) {
            return;
        }
        double ratio = (double) chars / tokens;
        double next = textSeen ? ewma(now.charsPerToken(), ratio) : ratio;
        textSeen = true;
        current.set(new Speed(now.model(), now.secondsPerPaddedToken(), now.paddingRatio(), now.tokensPerPair(),
                next, now.batches()));
    }

    private double median(int n) {
        if (n == 1) {
            return recent[0];
        }
        if (n == 2) {
            // Two samples: the lower, so that a slow first batch (lazy allocations) does not count.
            return Math.min(recent[0], recent[1]);
        }
        double a = recent[0];
        double b = recent[1];
        double c = recent[2];
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    private static double ewma(double previous, double sample) {
        return previous + ALPHA * (sample - previous);
    }
}
