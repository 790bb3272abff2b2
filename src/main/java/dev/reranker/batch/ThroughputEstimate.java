package dev.reranker.batch;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

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
 * Batches of another model (one being replaced, draining) are ignored.
 *
 * <p>
 * A batch's time is the model's compute alone; the service also parses, tokenizes, cuts batches and answers, on the
 * same cores. For a fast model that overhead is a large part of the time a backlog takes, for a large one next to
 * nothing. So the estimate also keeps an <b>overhead ratio</b>, measured over busy periods (from the moment work is
 * admitted while nothing was until nothing is left): the period's wall time per real token divided by the compute
 * time per real token (per worker) the estimate holds when the period ends, at least 1. Admission multiplies compute
 * time by it, so that the two together give back the period's wall time. (Not the period's own batch times: a tiny
 * model's time per token depends on the batch's size, and the median of the last batches, which the estimate holds,
 * can be a quarter below the period's mean; the ratio must correct the figure admission uses.) A period of fewer than
 * {@link #PERIOD_BATCHES} batches is ignored: it is one request's latency, not how fast a backlog drains. Each
 * period weighs by its batches, as that many samples of the batches' average would.
 *
 * <p>
 * Written by the inference workers and by admission's transitions under this object's lock; read lock-free by
 * admission.
 */
final class ThroughputEstimate {

    private static final Logger LOG = Logger.getLogger(ThroughputEstimate.class);

    /** Weight of a new (median) sample: after ten batches the seed weighs (1 - 0.3)^10 = 3 %. */
    static final double ALPHA = 0.3;
    /** Characters per token assumed before a model's tokenizer has been seen: low, so the guess errs long. */
    static final double DEFAULT_CHARS_PER_TOKEN = 3.0;
    /** Batches a busy period needs to say something about the overhead ratio. */
    static final int PERIOD_BATCHES = 3;

    /**
     * One consistent reading.
     *
     * @param model the runner whose batches are measured; null when no model is calibrated
     * @param secondsPerPaddedToken wall time of a batch divided by its padded tokens (pairs x longest pair)
     * @param paddingRatio padded tokens / real tokens of recent batches
     * @param tokensPerPair real tokens of a recent pair
     * @param charsPerToken characters of text per token of recent requests
     * @param overheadRatio wall time of recent busy periods over the compute time of their tokens, at least 1; NaN
     *        while no model is calibrated
     * @param batches batches measured since the seed
     */
    record Speed(BatchRunner model, double secondsPerPaddedToken, double paddingRatio, double tokensPerPair,
            double charsPerToken, double overheadRatio, long batches) {

        static final Speed UNKNOWN = new Speed(null, Double.NaN, 1.0, Double.NaN, DEFAULT_CHARS_PER_TOKEN, Double.NaN,
                0);

        boolean known() {
            return model != null;
        }

        /**
         * Seconds per real token of a backlog: the compute, padding included as batches really carry it, times the
         * overhead around it.
         */
        double secondsPerToken() {
            return secondsPerPaddedToken * paddingRatio * overheadRatio;
        }

        /** Pairs per second at the recent pair length; NaN before a batch was measured. */
        double pairsPerSecond() {
            return 1.0 / (secondsPerToken() * tokensPerPair);
        }
    }

    private final AtomicReference<Speed> current = new AtomicReference<>(Speed.UNKNOWN);
    private final double[] recent = new double[3];
    private final int workers;
    private final LongSupplier clock;
    private int samples;
    private boolean textSeen;
    /** The busy period being measured, or -1; periods are numbered by admission, in the order they begin. */
    private long period = -1;
    /** The highest period seen ending: a late "began" of it (threads race) must not open it again. */
    private long lastEnded = -1;
    private long periodStart;
    private long periodComputeNanos;
    private long periodTokens;
    private int periodBatches;
    private boolean overheadSeen;

    /**
     * @param workers batches computed at once: a busy period's compute is shared by them
     * @param clock the clock batches are timed with (nanoseconds), also for busy periods
     */
    ThroughputEstimate(int workers, LongSupplier clock) {
        this.workers = Math.max(1, workers);
        this.clock = clock;
    }

    Speed speed() {
        return current.get();
    }

    /** Starts over for {@code model}, from what its warm-up measured. */
    synchronized void calibrate(BatchRunner model, double secondsPerPaddedToken) {
        startOver();
        current.set(new Speed(model, secondsPerPaddedToken, 1.0, Double.NaN, DEFAULT_CHARS_PER_TOKEN, 1.0, 0));
    }

    /** No model is served: nothing is known. */
    synchronized void forget() {
        startOver();
        current.set(Speed.UNKNOWN);
    }

    private void startOver() {
        samples = 0;
        textSeen = false;
        overheadSeen = false;
        // A period running now began with another model's work, whose batches no longer count: not measured.
        period = -1;
    }

    /** Admission took work while none was admitted: busy period {@code id} begins. */
    synchronized void busy(long id) {
        if (id <= lastEnded || id <= period) {
            return;
        }
        period = id;
        periodStart = clock.getAsLong();
        periodComputeNanos = 0;
        periodTokens = 0;
        periodBatches = 0;
    }

    /** Nothing admitted is left: busy period {@code id} ends, and its overhead moves the ratio. */
    synchronized void idle(long id) {
        lastEnded = Math.max(lastEnded, id);
        if (id != period) {
            return;
        }
        period = -1;
        long wall = clock.getAsLong() - periodStart;
        Speed now = current.get();
        if (!now.known() || periodBatches < PERIOD_BATCHES || periodTokens <= 0 || wall <= 0) {
            return;
        }
        double compute = periodTokens * now.secondsPerPaddedToken() * now.paddingRatio() * 1e9;
        double sample = Math.max(1.0, wall * workers / compute);
        // A period of n batches weighs as n/3 samples: the first replaces the 1 assumed before anything was seen.
        double weight = overheadSeen ? 1 - Math.pow(1 - ALPHA, (double) periodBatches / PERIOD_BATCHES) : 1.0;
        overheadSeen = true;
        double ratio = Math.max(1.0, now.overheadRatio() + weight * (sample - now.overheadRatio()));
        current.set(new Speed(now.model(), now.secondsPerPaddedToken(), now.paddingRatio(), now.tokensPerPair(),
                now.charsPerToken(), ratio, now.batches()));
        LOG.debugf("Busy period %d: %d batches, %d tokens in %.3f s (batches %.3f s, estimated compute %.3f s):"
                + " sample %.3f, overhead ratio %.3f", id, periodBatches, periodTokens, wall / 1e9,
                periodComputeNanos / 1e9, compute / 1e9, sample, ratio);
    }

    /** A batch of {@code model} computed {@code pairs} pairs in {@code nanos}. */
    synchronized void batch(BatchRunner model, int pairs, long paddedTokens, long realTokens, long nanos) {
        Speed now = current.get();
        if (model != now.model() || paddedTokens <= 0 || realTokens <= 0 || nanos <= 0) {
            return;
        }
        if (period >= 0) {
            periodComputeNanos += nanos;
            periodTokens += realTokens;
            periodBatches++;
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
                now.overheadRatio(), now.batches() + 1));
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
                next, now.overheadRatio(), now.batches()));
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
