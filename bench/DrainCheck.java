// Drives the graceful-shutdown check of bench/drain.sh: C clients send requests without pause, the
// server gets SIGTERM after a while, and every outcome is classified. Single-file Java 17, no deps:
//
//   java bench/DrainCheck.java --url http://127.0.0.1:8080/rerank --pid <server pid> --clients 16 \
//        --before 3 --docs 20
//
// Pass: every request sent before SIGTERM got 200; after SIGTERM every request either got 200 (it was
// accepted) or 503 with error_type "unhealthy" (it came after the pre-stop delay), or could not
// connect at all (the server had stopped listening); none was cut off or left hanging. The server
// process must exit with 0 or 143 within --drain seconds of the signal.
//
// One boundary is reported apart: once the server has logged that every accepted request was answered
// (--log, the server's log file), it closes its sockets, and a request written in those last moments
// meets the closing connection instead of a 503. The application never read it; a platform has long
// stopped routing by then. Those are counted as "closing" and do not fail the check; a cut-off before
// that line does.

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

public class DrainCheck {

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0 || Arrays.asList(argv).contains("--help") || Arrays.asList(argv).contains("-h")) {
            System.out.println("usage: java bench/DrainCheck.java --url URL --pid PID [--clients 16] [--before 3]"
                    + " [--docs 20] [--drain 25] [--log SERVER_LOG]   (bench/drain.sh runs it; see its --help)");
            return;
        }
        Map<String, String> a = new TreeMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            a.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        URI uri = URI.create(a.getOrDefault("url", "http://127.0.0.1:8080/rerank"));
        long pid = Long.parseLong(a.get("pid"));
        int clients = Integer.parseInt(a.getOrDefault("clients", "16"));
        double before = Double.parseDouble(a.getOrDefault("before", "3"));
        double drain = Double.parseDouble(a.getOrDefault("drain", "25"));
        int docs = Integer.parseInt(a.getOrDefault("docs", "20"));
        StringBuilder body = new StringBuilder("{\"query\":\"what license allows redistribution\",\"texts\":[");
        for (int d = 0; d < docs; d++) {
            body.append(d == 0 ? "" : ",").append("\"document ").append(d)
                    .append(" says you may redistribute modified versions under the same license, or schedules")
                    .append(" processes on every available processor of the machine\"");
        }
        String json = body.append("]}").toString();

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        ProcessHandle server = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
        AtomicLong signalledAt = new AtomicLong(Long.MAX_VALUE);
        AtomicLong drainedAt = new AtomicLong(Long.MAX_VALUE);
        java.nio.file.Path log = a.containsKey("log") ? java.nio.file.Path.of(a.get("log")) : null;
        Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        Map<String, String> examples = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                try {
                    while (server.isAlive()) {
                        long sent = System.nanoTime();
                        String phase = sent < signalledAt.get() ? "before" : "after";
                        String outcome;
                        try {
                            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofSeconds((long) drain + 10))
                                    .header("content-type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            outcome = r.statusCode() == 503 && r.body().contains("\"unhealthy\"") ? "503 unhealthy"
                                    : Integer.toString(r.statusCode());
                            if (!outcome.equals("200")) {
                                examples.putIfAbsent(phase + " " + outcome, r.body());
                            }
                        } catch (ConnectException e) {
                            outcome = "not accepted (connection refused)";
                        } catch (HttpTimeoutException e) {
                            outcome = "HUNG";
                        } catch (IOException e) {
                            outcome = System.nanoTime() > drainedAt.get() ? "closing (sent after the drain ended)"
                                    : "CUT OFF (" + e.getClass().getSimpleName() + ")";
                            examples.putIfAbsent(phase + " " + outcome, String.valueOf(e.getMessage()));
                        }
                        outcomes.computeIfAbsent(phase + ": " + outcome, k -> new AtomicLong()).incrementAndGet();
                        if (outcome.startsWith("not accepted") || outcome.startsWith("closing")) {
                            Thread.sleep(20);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
            t.setDaemon(true);
            t.start();
        }
        Thread.sleep((long) (before * 1000));
        signalledAt.set(System.nanoTime());
        server.destroy(); // SIGTERM on Linux
        long start = System.nanoTime();
        while (server.isAlive()) {
            if (log != null && drainedAt.get() == Long.MAX_VALUE
                    && java.nio.file.Files.readString(log).contains("Every accepted request was answered")) {
                drainedAt.set(System.nanoTime());
            }
            Thread.sleep(5);
        }
        double exitSeconds = (System.nanoTime() - start) / 1e9;
        done.await();

        boolean pass = exitSeconds <= drain + 1;
        System.out.printf(Locale.ROOT, "SIGTERM after %.1f s of load; process exited %.2f s later (drain-timeout %.0f s)%n",
                before, exitSeconds, drain);
        for (Map.Entry<String, AtomicLong> e : new TreeMap<>(outcomes).entrySet()) {
            String outcome = e.getKey();
            boolean ok = outcome.equals("before: 200") || outcome.equals("after: 200")
                    || outcome.equals("after: 503 unhealthy") || outcome.startsWith("after: not accepted")
                    || outcome.startsWith("after: closing");
            pass &= ok;
            System.out.printf(Locale.ROOT, "  %-48s %6d %s%n", outcome, e.getValue().get(), ok ? "" : "<-- FAIL");
        }
        examples.forEach((k, v) -> System.out.println("  example " + k + ": " + v));
        System.out.println(pass ? "DRAIN PASS" : "DRAIN FAIL");
        System.exit(pass ? 0 : 1);
    }
}
