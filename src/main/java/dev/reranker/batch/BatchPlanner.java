package dev.reranker.batch;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.function.Predicate;

/**
 * Chooses the next batch: always the oldest waiting pair, then the waiting pairs whose lengths are
 * closest to the batch's, until the token or pair limit. The oldest pair rides in every batch, so no
 * pair waits behind more than the pairs that arrived before it; neighbours in length keep padding low.
 */
final class BatchPlanner {

    private BatchPlanner() {
    }

    /**
     * @param byLength waiting pairs, shortest first
     * @param head the oldest waiting pair; it is always taken
     * @param eligible which other pairs may join (same model; same request when not coalescing)
     */
    static List<QueuedPair> plan(NavigableSet<QueuedPair> byLength, QueuedPair head, int maxTokens, int maxPairs,
            Predicate<QueuedPair> eligible) {
        List<QueuedPair> batch = new ArrayList<>();
        batch.add(head);
        int longest = head.length;
        Iterator<QueuedPair> shorter = byLength.headSet(head, false).descendingIterator();
        Iterator<QueuedPair> longer = byLength.tailSet(head, false).iterator();
        QueuedPair down = next(shorter, eligible);
        QueuedPair up = next(longer, eligible);
        while (batch.size() < maxPairs && (down != null || up != null)) {
            int n = batch.size();
            boolean downFits = down != null && (long) (n + 1) * longest <= maxTokens;
            boolean upFits = up != null && (long) (n + 1) * up.length <= maxTokens;
            if (!downFits && !upFits) {
                break;
            }
            // Padding each choice adds: a shorter pair is padded up to the batch; a longer one pads the batch up to it.
            long downWaste = downFits ? longest - down.length : Long.MAX_VALUE;
            long upWaste = upFits ? (long) n * (up.length - longest) : Long.MAX_VALUE;
            if (downWaste <= upWaste) {
                batch.add(down);
                down = next(shorter, eligible);
            } else {
                batch.add(up);
                longest = up.length;
                up = next(longer, eligible);
            }
        }
        return batch;
    }

    /**
     * The comparison mode (max-wait 0): a request's waiting pairs in their own order, padded together as a
     * hand-written per-request wrapper would, bounded only by the pair limit.
     */
    static List<QueuedPair> wholeRequest(ScoringJob job, int maxPairs) {
        List<QueuedPair> batch = new ArrayList<>();
        for (QueuedPair pair : job.queued) {
            if (!pair.removed) {
                batch.add(pair);
                if (batch.size() == maxPairs) {
                    break;
                }
            }
        }
        return batch;
    }

    private static QueuedPair next(Iterator<QueuedPair> it, Predicate<QueuedPair> eligible) {
        while (it.hasNext()) {
            QueuedPair candidate = it.next();
            if (eligible.test(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
