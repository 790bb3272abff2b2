// Closed-loop load generator for HTTP rerankers. No dependencies: run with
//
//   java bench/Load.java --corpus bench/corpus.txt --url http://127.0.0.1:8080/rerank \
//        --concurrency 4 --duration 20 --docs 20 --doc-words 40 --seed 1
//
// The same generator drives this service and every peer, so that all are measured with the same bodies.
// Beside latency and throughput it prints a STATUS line counting responses by HTTP status, which the
// overload scenario needs (only 200 and 429 may appear there), and takes
// --honor-retry-after: after a 429 the virtual user waits what Retry-After says (capped at 2 s), as
// Cohere's and Hugging Face's clients back off; without it a refused user retries at once.
//
// Works with Java 17+ (single-file source launch, java.net.http only).
//
// Workload: deterministic for a given --seed. Queries and documents are made of
// words drawn from the lines of a corpus file (default bench/corpus.txt,
// English and Chinese sentences). A "word" is a whitespace-separated token;
// runs of CJK characters are split into 2-character words (joined back without
// spaces), so --doc-words means roughly the same amount of text in both
// languages. A query is 3..8 consecutive words of one random line; a document is
// consecutive words of random lines, concatenated until it has --doc-words
// words. A pool of --pool request bodies is generated before the run and sent in
// order (wrapping around), so the client spends no CPU building bodies while
// measuring.
//
// Shapes: --shape tei (default) POSTs {"query":..,"texts":[..]} to --url;
// --shape cohere POSTs {"query":..,"documents":[..]} (plus "model" when --model
// is given) and, when --url ends in "/rerank" but not "/v1/rerank", sends to
// ".../v1/rerank" instead.
//
// Closed loop: each of --concurrency virtual users (one thread each) sends its
// next request when its previous one has returned. The first --warmup seconds
// are not counted; then requests that complete within the next --duration
// seconds are counted. After that no new requests are started; requests still
// in flight are awaited and not counted.
//
// A 2xx response counts as an error ("malformed") unless it contains exactly
// --docs occurrences of "index" (true of TEI [{"index":..}] and Cohere
// {"results":[{"index":..}]} answers).
//
// --dump prints the first request body of the pool and exits (no requests sent);
// --dump=K prints the first K bodies, one per line.
//
// Output ends with one line:
//   RESULT pairs_per_s=<x> p50_ms=<x> p99_ms=<x> errors=<n>

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

public class Load {
    static final String CONT = "\u0000"; // marks a CJK piece that continues the previous word

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = parseArgs(argv);
        String url = a.getOrDefault("url", "http://127.0.0.1:8091/rerank");
        int conc = Integer.parseInt(a.getOrDefault("concurrency", "1"));
        double duration = Double.parseDouble(a.getOrDefault("duration", "20"));
        double warmup = Double.parseDouble(a.getOrDefault("warmup", "3"));
        int docs = Integer.parseInt(a.getOrDefault("docs", "20"));
        int docWords = Integer.parseInt(a.getOrDefault("doc-words", "40"));
        long seed = Long.parseLong(a.getOrDefault("seed", "1"));
        int pool = Integer.parseInt(a.getOrDefault("pool", "512"));
        String shape = a.getOrDefault("shape", "tei");
        String model = a.get("model");
        double timeoutS = Double.parseDouble(a.getOrDefault("timeout", "300"));
        boolean rawScores = a.containsKey("raw-scores");
        boolean honorRetryAfter = a.containsKey("honor-retry-after");
        Path corpus = findCorpus(a.get("corpus"));

        if (!shape.equals("tei") && !shape.equals("cohere")) die("--shape must be tei or cohere");
        if (shape.equals("cohere") && url.endsWith("/rerank") && !url.endsWith("/v1/rerank")) {
            url = url.substring(0, url.length() - "/rerank".length()) + "/v1/rerank";
        }
        if (conc < 1 || docs < 1 || docWords < 1 || pool < 1 || duration <= 0) die("bad arguments");

        // ---- workload ----
        List<String[]> lines = new ArrayList<>();
        for (String line : Files.readAllLines(corpus, StandardCharsets.UTF_8)) {
            String[] w = splitWords(line);
            if (w.length > 0) lines.add(w);
        }
        if (lines.isEmpty()) die("corpus " + corpus + " has no words");
        byte[][] bodies = new byte[pool][];
        long docChars = 0, docCount = 0, queryWords = 0;
        for (int i = 0; i < pool; i++) {
            SplittableRandom r = new SplittableRandom(seed * 1_000_003L + i);
            String[] ql = lines.get(r.nextInt(lines.size()));
            int qn = Math.min(ql.length, 3 + r.nextInt(6));
            int qs = r.nextInt(ql.length - qn + 1);
            String query = join(ql, qs, qs + qn);
            queryWords += qn;
            StringBuilder sb = new StringBuilder(64 + docs * docWords * 8);
            sb.append("{");
            if (shape.equals("cohere") && model != null) sb.append("\"model\":").append(jsonString(model)).append(',');
            sb.append("\"query\":").append(jsonString(query));
            sb.append(shape.equals("tei") ? ",\"texts\":[" : ",\"documents\":[");
            for (int d = 0; d < docs; d++) {
                String doc = makeDoc(lines, r, docWords);
                docChars += doc.length();
                docCount++;
                if (d > 0) sb.append(',');
                sb.append(jsonString(doc));
            }
            sb.append(']');
            if (rawScores && shape.equals("tei")) sb.append(",\"raw_scores\":true");
            sb.append('}');
            bodies[i] = sb.toString().getBytes(StandardCharsets.UTF_8);
        }
        long bodyBytes = 0;
        for (byte[] b : bodies) bodyBytes += b.length;
        if (a.containsKey("dump")) { // print the first request bodies (one per line) and exit
            String dv = a.get("dump");
            int nd = dv.equals("true") ? 1 : Math.min(pool, Integer.parseInt(dv));
            for (int i = 0; i < nd; i++) System.out.println(new String(bodies[i], StandardCharsets.UTF_8));
            return;
        }

        System.out.printf(Locale.ROOT, "target: %s shape=%s%n", url, shape);
        System.out.printf(Locale.ROOT,
                "workload: concurrency=%d docs=%d doc_words=%d seed=%d warmup=%.0fs duration=%.0fs pool=%d corpus=%s%n",
                conc, docs, docWords, seed, warmup, duration, pool, corpus);
        System.out.printf(Locale.ROOT, "workload: mean query words=%.1f, mean doc chars=%.0f, mean body bytes=%.0f%n",
                (double) queryWords / pool, (double) docChars / docCount, (double) bodyBytes / pool);

        // ---- run ----
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        URI uri = URI.create(url);
        Duration reqTimeout = Duration.ofMillis((long) (timeoutS * 1000));

        final long t0 = System.nanoTime();
        final long measureStart = t0 + (long) (warmup * 1e9);
        final long measureEnd = measureStart + (long) (duration * 1e9);
        AtomicLong next = new AtomicLong();
        AtomicLong warmupRequests = new AtomicLong(), warmupErrors = new AtomicLong();
        AtomicLong non2xx = new AtomicLong(), exceptions = new AtomicLong(), malformed = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        java.util.concurrent.ConcurrentHashMap<Integer, AtomicLong> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        long[][] lat = new long[conc][];
        int[] latN = new int[conc];
        CountDownLatch done = new CountDownLatch(conc);
        final int nDocs = docs;

        for (int vu = 0; vu < conc; vu++) {
            final int id = vu;
            Thread t = new Thread(() -> {
                long[] mine = new long[1024];
                int n = 0;
                try {
                    while (System.nanoTime() < measureEnd) {
                        byte[] body = bodies[(int) (next.getAndIncrement() % bodies.length)];
                        HttpRequest req = HttpRequest.newBuilder(uri)
                                .timeout(reqTimeout)
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build();
                        long s = System.nanoTime();
                        String err = null;
                        long backoffMs = 0;
                        try {
                            HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
                            int sc = resp.statusCode();
                            if (System.nanoTime() > measureStart) {
                                statuses.computeIfAbsent(sc, x -> new AtomicLong()).incrementAndGet();
                            }
                            if (sc == 429 && honorRetryAfter) {
                                backoffMs = Math.min(2000, 1000L * Long.parseLong(
                                        resp.headers().firstValue("retry-after").orElse("1").trim()));
                            }
                            if (sc < 200 || sc > 299) {
                                err = "non2xx";
                                firstError.compareAndSet(null, "HTTP " + sc + ": " + clip(resp.body()));
                            } else if (count(resp.body(), "\"index\"") != nDocs) {
                                err = "malformed";
                                firstError.compareAndSet(null, "HTTP " + sc + " with unexpected body: " + clip(resp.body()));
                            }
                        } catch (IOException | RuntimeException e) {
                            err = "exception";
                            firstError.compareAndSet(null, e.toString());
                        }
                        long e = System.nanoTime();
                        if (e <= measureStart) {
                            warmupRequests.incrementAndGet();
                            if (err != null) warmupErrors.incrementAndGet();
                        } else if (e <= measureEnd) {
                            if (err == null) {
                                if (n == mine.length) mine = Arrays.copyOf(mine, n * 2);
                                mine[n++] = e - s;
                            } else if (err.equals("non2xx")) non2xx.incrementAndGet();
                            else if (err.equals("malformed")) malformed.incrementAndGet();
                            else exceptions.incrementAndGet();
                        }
                        if (err != null && err.equals("exception")) Thread.sleep(50); // do not spin on a dead server
                        if (backoffMs > 0) Thread.sleep(backoffMs);
                    }
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                } finally {
                    lat[id] = mine;
                    latN[id] = n;
                    done.countDown();
                }
            }, "vu-" + vu);
            t.setDaemon(true);
            t.start();
        }
        done.await();

        // ---- report ----
        int total = 0;
        for (int n : latN) total += n;
        long[] all = new long[total];
        int k = 0;
        for (int i = 0; i < conc; i++) {
            System.arraycopy(lat[i], 0, all, k, latN[i]);
            k += latN[i];
        }
        Arrays.sort(all);
        long errors = non2xx.get() + exceptions.get() + malformed.get();
        double pairsPerS = total * (double) docs / duration;
        double reqPerS = total / duration;
        double p50 = pct(all, 50), p90 = pct(all, 90), p99 = pct(all, 99);
        double max = total == 0 ? Double.NaN : all[total - 1] / 1e6;
        double mean = 0;
        for (long v : all) mean += v;
        mean = total == 0 ? Double.NaN : mean / total / 1e6;

        System.out.printf(Locale.ROOT, "warmup: requests=%d errors=%d%n", warmupRequests.get(), warmupErrors.get());
        System.out.printf(Locale.ROOT, "requests=%d (ok) errors=%d (non2xx=%d exceptions=%d malformed=%d)%n",
                total, errors, non2xx.get(), exceptions.get(), malformed.get());
        if (firstError.get() != null) System.out.println("first_error: " + firstError.get());
        System.out.printf(Locale.ROOT, "throughput: pairs_per_s=%.1f requests_per_s=%.2f%n", pairsPerS, reqPerS);
        System.out.printf(Locale.ROOT, "latency_ms: p50=%.1f p90=%.1f p99=%.1f max=%.1f mean=%.1f%n",
                p50, p90, p99, max, mean);
        StringBuilder st = new StringBuilder("STATUS");
        new java.util.TreeMap<>(statuses).forEach((code, n) -> st.append(' ').append(code).append('=').append(n.get()));
        System.out.println(st.append(" exceptions=").append(exceptions.get()));
        System.out.printf(Locale.ROOT, "RESULT pairs_per_s=%.1f p50_ms=%.1f p99_ms=%.1f errors=%d%n",
                pairsPerS, p50, p99, errors);
        System.exit(0);
    }

    // nearest-rank percentile, in ms
    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    static String makeDoc(List<String[]> lines, SplittableRandom r, int words) {
        StringBuilder sb = new StringBuilder(words * 8);
        int have = 0;
        while (have < words) {
            String[] l = lines.get(r.nextInt(lines.size()));
            int take = Math.min(l.length, words - have);
            String part = join(l, 0, take);
            if (sb.length() > 0 && !part.isEmpty()) sb.append(' ');
            sb.append(part);
            have += take;
        }
        return sb.toString();
    }

    static String join(String[] w, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            String s = w[i];
            if (s.startsWith(CONT)) {
                sb.append(s, 1, s.length());
            } else {
                if (sb.length() > 0) sb.append(' ');
                sb.append(s);
            }
        }
        return sb.toString();
    }

    // whitespace tokens; runs of CJK characters split into 2-character words
    static String[] splitWords(String line) {
        List<String> out = new ArrayList<>();
        for (String tok : line.trim().split("\\s+")) {
            if (tok.isEmpty()) continue;
            int[] cps = tok.codePoints().toArray();
            StringBuilder cur = new StringBuilder();
            int cjkRun = 0; // CJK chars in the current piece
            boolean contNext = false;
            for (int cp : cps) {
                boolean cjk = isCjk(cp);
                if (cjk) {
                    if (cjkRun == 2 || (cjkRun == 0 && cur.length() > 0)) {
                        out.add((contNext ? CONT : "") + cur);
                        cur.setLength(0);
                        contNext = true;
                        cjkRun = 0;
                    }
                    cur.appendCodePoint(cp);
                    cjkRun++;
                } else {
                    if (cjkRun > 0) {
                        out.add((contNext ? CONT : "") + cur);
                        cur.setLength(0);
                        contNext = true;
                        cjkRun = 0;
                    }
                    cur.appendCodePoint(cp);
                }
            }
            if (cur.length() > 0) out.add((contNext ? CONT : "") + cur);
        }
        return out.toArray(new String[0]);
    }

    static boolean isCjk(int cp) {
        Character.UnicodeScript s = Character.UnicodeScript.of(cp);
        return s == Character.UnicodeScript.HAN || s == Character.UnicodeScript.HIRAGANA
                || s == Character.UnicodeScript.KATAKANA || s == Character.UnicodeScript.HANGUL
                || (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFFEF);
    }

    static String jsonString(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    static int count(String s, String needle) {
        int n = 0, i = 0;
        while ((i = s.indexOf(needle, i)) >= 0) {
            n++;
            i += needle.length();
        }
        return n;
    }

    static String clip(String s) {
        s = s.replace('\n', ' ');
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    static Path findCorpus(String given) {
        if (given != null) return Path.of(given);
        // bench/corpus.txt, from the repository's root or from bench/
        for (String c : new String[] {"bench/corpus.txt", "corpus.txt", "../bench/corpus.txt"}) {
            if (Files.isRegularFile(Path.of(c))) return Path.of(c);
        }
        die("corpus not found; pass --corpus PATH (bench/corpus.txt)");
        return null;
    }

    static Map<String, String> parseArgs(String[] argv) {
        Map<String, String> m = new LinkedHashMap<>();
        List<String> known = List.of("url", "concurrency", "duration", "warmup", "docs", "doc-words", "seed",
                "pool", "shape", "model", "timeout", "corpus", "raw-scores", "dump", "help", "honor-retry-after");
        for (int i = 0; i < argv.length; i++) {
            String s = argv[i];
            if (!s.startsWith("--")) die("unexpected argument: " + s);
            String key = s.substring(2), val;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                val = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (key.equals("raw-scores") || key.equals("dump") || key.equals("help")
                    || key.equals("honor-retry-after")) {
                val = "true";
            } else {
                if (i + 1 >= argv.length) die("missing value for --" + key);
                val = argv[++i];
            }
            if (!known.contains(key)) die("unknown option --" + key);
            m.put(key, val);
        }
        if (m.containsKey("help")) {
            System.out.println("java Load.java --url URL [--concurrency C] [--duration S] [--warmup S] [--docs N]\n"
                    + "  [--doc-words W] [--seed N] [--shape tei|cohere] [--model NAME] [--pool N] [--timeout S]\n"
                    + "  [--corpus PATH] [--raw-scores] [--dump[=K] (print the first K request bodies and exit)]");
            System.exit(0);
        }
        return m;
    }

    static void die(String msg) {
        System.err.println("Load: " + msg);
        System.exit(2);
    }
}
