"""bge-reranker-v2-m3 at full size, served straight from its safetensors: time to ready (graph built, graph cached),
RSS once ready, after 20 requests, after unload and after 50 unload/load cycles, latency of 20 documents x ~40
words, and 8 pairs' logits against transformers. Not a test: it prints a Markdown report.

    tools/oracle/python.sh tools/oracle/make_full_size.py /models/bge-reranker-v2-m3-random   # once, 2.3 GB
    ./mvnw -q package -DskipTests && python3 bench/fullsize.py /models/bge-reranker-v2-m3-random

The model folder is never written to: the service gets a copy made of hard links (same filesystem) in a fresh
work folder, so every run starts without a cached graph. Phases: the folder as RERANKER_MODEL_PATH (cold, then
warm), then the same files as BAAI/bge-reranker-v2-m3 from bench/fakehub.py into an empty huggingface_hub cache
(cold: download, digest check, graph; warm: from the cache). Options below (each also read from the environment
variable of the same name in capitals). Standard library only.
"""
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PORT = int(os.environ.get("PORT", "18101"))
HUB_PORT = int(os.environ.get("HUB_PORT", "18102"))
# The management interface (probes, metrics), unused here: a free port the system picks, so that it collides with
# nothing (the Hub and its CDN take HUB_PORT and the next one).
MANAGEMENT_PORT = int(os.environ.get("MANAGEMENT_PORT", "0"))
CYCLES = int(os.environ.get("CYCLES", "50"))
REQUESTS = int(os.environ.get("REQUESTS", "20"))
JAVA = os.environ.get("JAVA", "java")
JAR = os.environ.get("JAR", os.path.join(ROOT, "target/quarkus-app/quarkus-run.jar"))
KEY = "bench-admin-key"
WORDS = ("license software kernel process memory network query document ranking model service request batch "
         "token cache weights graph runtime server client latency throughput vector search index retrieval "
         "answer question language german chinese english text score relevant passage context window").split()


def call(method, path, body=None, timeout=600):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", data=data, method=method)
    req.add_header("Content-Type", "application/json")
    req.add_header("Authorization", "Bearer " + KEY)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except OSError:
        return 0, None


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Service:
    running = []

    def __init__(self, env, log):
        self.log = open(log, "w")
        # A long request timeout: on a busy machine a request must be measured, not refused.
        full = dict(os.environ, QUARKUS_HTTP_PORT=str(PORT), QUARKUS_MANAGEMENT_PORT=str(MANAGEMENT_PORT),
                    RERANKER_ADMIN_KEY=KEY, RERANKER_REQUEST_TIMEOUT="600s", **env)
        self.started = time.monotonic()
        self.proc = subprocess.Popen([JAVA, "-jar", JAR], env=full, stdout=self.log, stderr=subprocess.STDOUT)
        Service.running.append(self)

    def await_ready(self, limit=900):
        while time.monotonic() - self.started < limit:
            if self.proc.poll() is not None:
                raise SystemExit(f"the service exited with {self.proc.returncode}; see {self.log.name}")
            if call("GET", "/health", timeout=5)[0] == 200:
                return time.monotonic() - self.started
            time.sleep(0.02)
        raise SystemExit("not ready in time")

    def rss(self):
        return rss_mb(self.proc.pid)

    def stop(self):
        if self in Service.running:
            Service.running.remove(self)
        self.proc.terminate()
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def documents(seed, n=20, words=40):
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(words)) + "." for _ in range(n)]


def written_files(folder, since):
    """Files under folder created or modified by the service (after `since`), with their sizes."""
    out = []
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            st = os.lstat(path)
            if st.st_mtime >= since and not os.path.islink(path):
                out.append((os.path.relpath(path, folder), st.st_size))
    return sorted(out)


def main(model):
    reference = json.load(open(os.path.join(model, "reference.json")))["cases"]
    weights = sum(os.path.getsize(os.path.join(model, f)) for f in os.listdir(model) if f.endswith(".safetensors"))
    work = tempfile.mkdtemp(prefix="fullsize-")
    copy = os.path.join(work, "bge-reranker-v2-m3")
    os.makedirs(copy)
    for name in os.listdir(model):
        if name.startswith("reranker-graph"):
            continue
        try:
            os.link(os.path.join(model, name), os.path.join(copy, name))
        except OSError:
            shutil.copy(os.path.join(model, name), os.path.join(copy, name))
    report = [f"Model: {model} ({weights / 1e6:,.0f} MB of float32 safetensors), "
              f"measured {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())}, {os.cpu_count()} cores.", ""]
    rows = []
    hub = None
    try:
        # 1. From a directory, no graph yet.
        since = time.time() - 1
        s = Service({"RERANKER_MODEL_PATH": copy}, os.path.join(work, "dir-cold.log"))
        cold = s.await_ready()
        ready_rss = s.rss()
        written = written_files(copy, since)
        worst = 0.0
        for c in reference:
            status, body = call("POST", "/rerank", {"query": c["query"], "texts": [c["document"]], "raw_scores": True})
            assert status == 200, body
            worst = max(worst, abs(body[0]["score"] - c["logit"]))
        latencies = []
        for i in range(REQUESTS):
            t0 = time.monotonic()
            status, body = call("POST", "/rerank", {"query": "which license allows redistribution of the kernel",
                                                    "texts": documents(i)})
            latencies.append((time.monotonic() - t0) * 1000)
            assert status == 200 and len(body) == 20, body
        after_requests = s.rss()
        status, _ = call("POST", "/admin/model/unload")
        assert status == 200
        time.sleep(1)
        unloaded = s.rss()
        cycle_rss = []
        for i in range(CYCLES):
            assert call("POST", "/admin/model/load")[0] == 200
            assert call("POST", "/admin/model/unload")[0] == 200
            if i in (0, CYCLES - 1):
                time.sleep(1)
                cycle_rss.append(s.rss())
        s.stop()
        # 2. From the same directory, graph cached.
        s = Service({"RERANKER_MODEL_PATH": copy}, os.path.join(work, "dir-warm.log"))
        warm = s.await_ready()
        warm_rss = s.rss()
        s.stop()
        built = any("Built the ONNX graph" in line for line in open(os.path.join(work, "dir-cold.log")))
        reused = any("Using the cached ONNX graph" in line for line in open(os.path.join(work, "dir-warm.log")))
        # 3. As BAAI/bge-reranker-v2-m3 from a Hub, into an empty cache; then again from that cache.
        hub = subprocess.Popen([sys.executable, os.path.join(ROOT, "bench/fakehub.py"), str(HUB_PORT),
                                "BAAI/bge-reranker-v2-m3", copy], stdout=subprocess.PIPE, text=True)
        hub.stdout.readline()
        cache = os.path.join(work, "hub-cache")
        hub_env = {"RERANKER_MODEL_ID": "BAAI/bge-reranker-v2-m3", "RERANKER_HUB_ENDPOINT": f"http://127.0.0.1:{HUB_PORT}",
                   "RERANKER_CACHE_DIR": cache, "RERANKER_HUB_TOKEN": "", "RERANKER_HUB_OFFLINE": "false"}
        s = Service(hub_env, os.path.join(work, "hub-cold.log"))
        hub_cold = s.await_ready()
        hub_rss = s.rss()
        hub_diff = 0.0
        for c in reference:
            status, body = call("POST", "/rerank", {"query": c["query"], "texts": [c["document"]], "raw_scores": True})
            assert status == 200, body
            hub_diff = max(hub_diff, abs(body[0]["score"] - c["logit"]))
        s.stop()
        s = Service(hub_env, os.path.join(work, "hub-warm.log"))
        hub_warm = s.await_ready()
        s.stop()
        s = Service(dict(hub_env, RERANKER_HUB_VERIFY_CACHE="false"), os.path.join(work, "hub-warm-noverify.log"))
        hub_warm_noverify = s.await_ready()
        s.stop()
        hub_files = [(n, b) for n, b in written_files(os.path.join(cache, "models--BAAI--bge-reranker-v2-m3"), 0)]
    finally:
        for service in list(Service.running):
            service.stop()
        if hub:
            hub.terminate()
            hub.wait()
    goal = weights / 1e6 * 1.15 + 250
    returned = after_requests - unloaded
    rows = [
        ("time to ready, directory, graph built (cold)", f"{cold:.1f} s", ""),
        ("time to ready, directory, graph cached (warm)", f"{warm:.1f} s", "≤ 5 s"),
        ("time to ready, Hub id, empty cache (download, SHA-256, graph)", f"{hub_cold:.1f} s", ""),
        ("time to ready, Hub id, cached (re-hashes the cache: reranker.hub.verify-cache)", f"{hub_warm:.1f} s", ""),
        ("time to ready, Hub id, cached, verify-cache=false", f"{hub_warm_noverify:.1f} s", "≤ 5 s"),
        ("RSS once ready (directory, cold / warm; Hub, cold)", f"{ready_rss:.0f} / {warm_rss:.0f} / {hub_rss:.0f} MB",
         f"≤ {goal:.0f} MB"),
        (f"RSS after {REQUESTS} requests of 20 documents x 40 words", f"{after_requests:.0f} MB", f"≤ {goal:.0f} MB"),
        ("RSS after unload (returned)", f"{unloaded:.0f} MB ({returned:.0f} MB)", f"≥ {weights / 1e6 * 0.9:.0f} MB"),
        (f"RSS after the 1st and the {CYCLES}th unload/load cycle", f"{cycle_rss[0]:.0f} -> {cycle_rss[-1]:.0f} MB "
         f"({cycle_rss[-1] - cycle_rss[0]:+.0f} MB)", "< +50 MB"),
        (f"latency, one request of 20 documents x 40 words (p50, min-max of {REQUESTS})",
         f"{statistics.median(latencies):.0f} ms ({min(latencies):.0f}-{max(latencies):.0f})", ""),
        ("8 pairs' logits against transformers (largest difference)", f"{worst:.2e} (Hub: {hub_diff:.2e})", "≤ 1e-3"),
        ("graph built at the first start / reused at the second", f"{built} / {reused}", ""),
        ("files the service wrote beside the weights (directory)", ", ".join(f"{n} ({b:,} B)" for n, b in written),
         "no copy of the weights"),
        ("files in the Hub cache's repository folder (the download itself, and the graph)",
         ", ".join(f"{n if 'reranker' in n else n[:18] + '…'} ({b:,} B)" for n, b in hub_files), ""),
    ]
    report += ["| measure | result | goal |", "|---|---|---|"] + [f"| {a} | {b} | {c} |" for a, b, c in rows]
    print("\n".join(report))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    import argparse
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="folder of the full-size model (make_full_size.py's output); never written to")
    parser.add_argument("--port", type=int, default=PORT, help="service port (env PORT, default %(default)s)")
    parser.add_argument("--hub-port", type=int, default=HUB_PORT,
                        help="fake Hub port; its CDN takes the next one (env HUB_PORT, default %(default)s)")
    parser.add_argument("--cycles", type=int, default=CYCLES, help="unload/load cycles (env CYCLES, %(default)s)")
    parser.add_argument("--requests", type=int, default=REQUESTS,
                        help="timed requests of 20 documents (env REQUESTS, %(default)s)")
    parser.add_argument("--java", default=JAVA, help="java executable (env JAVA, %(default)s)")
    parser.add_argument("--jar", default=JAR, help="the packaged service (env JAR, %(default)s)")
    args = parser.parse_args()
    PORT, HUB_PORT, CYCLES, REQUESTS, JAVA, JAR = (args.port, args.hub_port, args.cycles, args.requests, args.java,
                                                   args.jar)
    main(os.path.abspath(args.model))
