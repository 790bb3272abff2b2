"""reranker.precision=int8 against fp32, the same model served by the same build, in one run: pairs per second and
RSS once ready at full size (C=1: one client, requests of 20 documents x 40 words, one after another) and for a small
model (C=8: eight clients at once), then 50 unload/load cycles of the full-size int8 model. Not a test: it prints a
Markdown report.

    ./mvnw -q package -DskipTests
    /work/bin/machine-exclusive python3 bench/int8.py FULL_SIZE_DIR SMALL_DIR

FULL_SIZE_DIR: a save_pretrained directory of bge-reranker-v2-m3's size (tools/oracle/make_full_size.py makes one
with random weights); SMALL_DIR: a small one (src/test/resources/safetensors/st-xlmr). Both are served through
hard-link copies in a fresh work folder; graphs are built by a first start that is not measured, so every measured
start finds its graph cached. Env: PORT (18110), CYCLES (50), FULL_REQUESTS (5), SMALL_SECONDS (15), JAVA, JAR.
Standard library only.
"""
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time

os.environ.setdefault("PORT", "18110")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fullsize  # noqa: E402  (its Service, call, rss and documents)
from fullsize import Service, call, documents  # noqa: E402

CYCLES = int(os.environ.get("CYCLES", "50"))
FULL_REQUESTS = int(os.environ.get("FULL_REQUESTS", "5"))
SMALL_SECONDS = float(os.environ.get("SMALL_SECONDS", "15"))
QUERY = "which license allows redistribution of the kernel"


def linked_copy(model, target):
    os.makedirs(target)
    for name in os.listdir(model):
        if name.startswith("reranker-graph") or os.path.isdir(os.path.join(model, name)):
            continue
        try:
            os.link(os.path.join(model, name), os.path.join(target, name))
        except OSError:
            shutil.copy(os.path.join(model, name), os.path.join(target, name))
    return target


def one_client(requests):
    """Pairs per second of one client sending requests of 20 documents one after another."""
    latencies = []
    for i in range(requests):
        t0 = time.monotonic()
        status, body = call("POST", "/rerank", {"query": QUERY, "texts": documents(i)})
        latencies.append(time.monotonic() - t0)
        assert status == 200 and len(body) == 20, body
    return 20 * len(latencies) / sum(latencies), latencies


def clients(n, seconds):
    """Pairs per second of n clients sending requests of 20 documents for `seconds`."""
    done = [0] * n
    stop = time.monotonic() + seconds

    def client(k):
        i = k * 100_000
        while time.monotonic() < stop:
            status, body = call("POST", "/rerank", {"query": QUERY, "texts": documents(i)})
            assert status == 200 and len(body) == 20, body
            done[k] += 20
            i += 1

    t0 = time.monotonic()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.monotonic() - t0)


def serve(model, precision, log):
    s = Service({"RERANKER_MODEL_PATH": model, "RERANKER_PRECISION": precision}, log)
    ready = s.await_ready()
    status, info = call("GET", "/info")
    assert status == 200 and info["precision"] == precision, info
    return s, ready


def main(full, small):
    work = tempfile.mkdtemp(prefix="int8-bench-")
    full_copy = linked_copy(full, os.path.join(work, "full"))
    small_copy = linked_copy(small, os.path.join(work, "small"))
    results = {}
    try:
        for model in (full_copy, small_copy):
            for precision in ("fp32", "int8"):  # build and cache every graph first, unmeasured
                s, _ = serve(model, precision, os.path.join(work, f"build-{os.path.basename(model)}-{precision}.log"))
                s.stop()
        for precision in ("fp32", "int8"):
            s, ready = serve(full_copy, precision, os.path.join(work, f"full-{precision}.log"))
            rss_ready = s.rss()
            call("POST", "/rerank", {"query": QUERY, "texts": documents(999)})  # one request unmeasured
            rate, latencies = one_client(FULL_REQUESTS)
            results[("full", precision)] = dict(ready=ready, rss=rss_ready, after=s.rss(), rate=rate,
                                                p50=statistics.median(latencies) * 1000)
            if precision == "int8":
                cycle = []
                for i in range(CYCLES):
                    assert call("POST", "/admin/model/unload")[0] == 200
                    assert call("POST", "/admin/model/load")[0] == 200
                    if i in (0, CYCLES - 1):
                        call("POST", "/rerank", {"query": QUERY, "texts": documents(i)})
                        time.sleep(1)
                        cycle.append(s.rss())
                results["cycles"] = cycle
            s.stop()
        for precision in ("fp32", "int8"):
            s, ready = serve(small_copy, precision, os.path.join(work, f"small-{precision}.log"))
            rss_ready = s.rss()
            clients(8, 2)  # warm
            rate = clients(8, SMALL_SECONDS)
            results[("small", precision)] = dict(ready=ready, rss=rss_ready, after=s.rss(), rate=rate, p50=None)
            s.stop()
    finally:
        for service in list(Service.running):
            service.stop()
    print(f"Measured {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())}, {os.cpu_count()} cores; full size: {full};"
          f" small: {small}.\n")
    print("| model, load | precision | pairs/s | p50 of a request | RSS once ready | RSS after the requests |")
    print("|---|---|---|---|---|---|")
    for size, label in (("full", "full size, C=1 N=20 W=40"), ("small", "small, C=8 N=20 W=40")):
        for precision in ("fp32", "int8"):
            r = results[(size, precision)]
            p50 = f"{r['p50']:.0f} ms" if r["p50"] else "-"
            print(f"| {label} | {precision} | {r['rate']:.1f} | {p50} | {r['rss']:.0f} MB | {r['after']:.0f} MB |")
    print()
    for size in ("full", "small"):
        a, b = results[(size, "fp32")], results[(size, "int8")]
        print(f"- {size}: int8 / fp32 pairs/s = {b['rate'] / a['rate']:.2f}x; RSS once ready int8 / fp32 ="
              f" {b['rss'] / a['rss']:.2f}")
    c = results["cycles"]
    print(f"- full size int8, {CYCLES} unload/load cycles: RSS after the 1st {c[0]:.0f} MB, after the {CYCLES}th"
          f" {c[-1]:.0f} MB ({c[-1] - c[0]:+.0f} MB)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    fullsize.PORT = int(os.environ["PORT"])
    main(os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]))
