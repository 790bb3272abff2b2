"""Admission by time, measured: does the service take only the work it can finish within its timeout, refuse the
rest at once, and compute nothing for clients that are gone? Not a test: it prints figures (and a Markdown table)
for one model with the service's default settings.

    ./mvnw -q package -DskipTests
    python3 bench/admission.py                                        # the embedded demo model
    python3 bench/admission.py --model /models/bge-reranker-v2-m3-random   # full size, from its safetensors
    python3 bench/admission.py --set reranker.precision=int8 --model ...    # any setting, by its property name

Scenarios, each from an idle service (the previous one's work finished):
  users       C closed-loop users (default 8), N=10 documents of W=40 words, 16 requests in all: every answer
              should be 200.
  burst       40 requests of N=20 x W=40 sent at once: only 200 and 429, every 429 within 1 s with Retry-After >= 1,
              and the pairs scored for requests that got no 200 at most one request's worth.
  disconnect  two requests occupy the model, then a third client sends N=20 x W=40 and goes away after 1 s: at most
              half of its pairs are scored. The two are sized from /info's pairs/s so that together they occupy the
              model for about 4 s whatever its speed (at least N=20 x W=40 each; a fast model gets more documents,
              then longer ones, up to 200 words, within the per-request limits).
  estimate    the scheduler's pairs/s (/info) after the burst against the burst's measured pairs/s (pairs of the
              200s / the slowest 200), once ten batches were measured: the estimate judged against the load it was
              measured on, a backlog, which is what admission predicts. The same after the users scenario is shown
              too, not judged: a closed loop also counts the clients' own turnaround, when nothing is queued.

The model folder is never written to: the service reads a copy made of hard links in --work (kept between runs,
so the graph built from safetensors is built once). Env: JAVA (java), JAR (target/quarkus-app/quarkus-run.jar).
Standard library only.
"""
import argparse
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORDS = ("license software kernel process memory network query document ranking model service request batch "
         "token cache weights graph runtime server client latency throughput vector search index retrieval "
         "answer question language german chinese english text score relevant passage context window").split()


class Service:
    def __init__(self, args, env):
        self.port = args.port
        self.url = f"http://127.0.0.1:{args.port}"
        # /q/metrics answers on the management interface.
        self.management_url = f"http://127.0.0.1:{args.management_port}"
        self.log_path = os.path.join(args.work, f"service-{args.port}.log")
        self.log = open(self.log_path, "w")
        full = {k: v for k, v in os.environ.items() if not k.startswith(("RERANKER_", "QUARKUS_"))}
        full.update(QUARKUS_HTTP_PORT=str(args.port), QUARKUS_HTTP_HOST="127.0.0.1",
                    QUARKUS_MANAGEMENT_PORT=str(args.management_port), QUARKUS_MANAGEMENT_HOST="127.0.0.1", **env)
        self.proc = subprocess.Popen([os.environ.get("JAVA", "java"), "-jar", args.jar], env=full, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        started = time.monotonic()
        while time.monotonic() - started < args.start_timeout:
            if self.proc.poll() is not None:
                raise SystemExit(f"the service exited with {self.proc.returncode}; see {self.log_path}")
            try:
                if self.get("/health")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise SystemExit(f"not ready in {args.start_timeout} s; see {self.log_path}")

    def get(self, path):
        base = self.management_url if path.startswith(("/q/health", "/q/metrics")) else self.url
        with urllib.request.urlopen(base + path, timeout=30) as r:
            return r.status, r.read().decode()

    def info(self):
        return json.loads(self.get("/info")[1])

    def metric(self, name, labels=""):
        text = self.get("/q/metrics")[1]
        m = re.search("^" + re.escape(name) + (re.escape("{" + labels + "}") if labels else r"(?:\{[^}]*\})?")
                      + r" (\S+)$", text, re.M)
        return float(m.group(1)) if m else float("nan")

    def rerank(self, body, timeout=600):
        data = json.dumps(body).encode()
        req = urllib.request.Request(self.url + "/rerank", data=data, method="POST",
                                     headers={"Content-Type": "application/json"})
        start = time.monotonic()
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                r.read()
                return r.status, time.monotonic() - start, None, ""
        except urllib.error.HTTPError as e:
            text = e.read().decode(errors="replace")
            return e.code, time.monotonic() - start, e.headers.get("Retry-After"), text

    def idle(self, limit=600):
        until = time.monotonic() + limit
        while time.monotonic() < until:
            if self.metric("reranker_admitted_pairs") == 0:
                return
            time.sleep(0.2)
        raise SystemExit("the service did not become idle")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(90)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


OCCUPY_SECONDS = 4.0
OCCUPY_MAX_WORDS = 200


def env_name(name):
    """reranker.precision -> RERANKER_PRECISION (MicroProfile Config's environment mapping); env names stay."""
    return re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def occupying_size(info, args):
    """Documents and words of each of the two occupying requests: about OCCUPY_SECONDS of work for both together."""
    if args.occupy_docs:
        return args.occupy_docs, args.occupy_words or 40
    t = info["throughput"]
    per_pair_tokens = t["tokens_per_pair"] or 104.0  # a 40-word pair, before any batch was measured
    seconds_per_token = t["seconds_per_token"] or t["seconds_per_padded_token"]
    limit = min(info["max_client_batch_size"], info["max_pairs_per_request"],
                (info["batch"]["max_queued_pairs"] - 20) // 2)
    docs, words = 20, 40
    for words in range(40, OCCUPY_MAX_WORDS + 1, 20):
        # Tokens grow with the document; the query and special tokens (about 8) do not.
        pair_seconds = seconds_per_token * per_pair_tokens * (words + 8) / 48
        docs = max(20, int(OCCUPY_SECONDS / 2 / pair_seconds) + 1)
        if docs <= limit:
            break
    return min(docs, limit), words


def body(rng, docs, words):
    query = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 8)))
    return {"query": query, "texts": [" ".join(rng.choice(WORDS) for _ in range(words)) + "." for _ in range(docs)]}


def scenario_users(svc, args, rng):
    """C closed-loop users, 16 requests in all."""
    bodies = [body(rng, 10, 40) for _ in range(args.requests)]
    lock = threading.Lock()
    results = []
    next_index = [0]

    def user():
        while True:
            with lock:
                if next_index[0] >= len(bodies):
                    return
                b = bodies[next_index[0]]
                next_index[0] += 1
            results.append(svc.rerank(b))

    scored0 = svc.metric("reranker_pairs_scored_total")
    start = time.monotonic()
    threads = [threading.Thread(target=user) for _ in range(args.users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - start
    scored = svc.metric("reranker_pairs_scored_total") - scored0
    statuses = sorted({r[0] for r in results})
    latencies = sorted(r[1] for r in results)
    return {
        "requests": len(results), "ok": sum(1 for r in results if r[0] == 200), "statuses": statuses,
        "p50_s": statistics.median(latencies), "max_s": latencies[-1], "wall_s": wall,
        "pairs_scored": scored, "measured_pairs_per_s": scored / wall,
        "errors": [r[3][:160] for r in results if r[0] != 200][:3],
    }


def scenario_burst(svc, args, rng):
    bodies = [body(rng, 20, 40) for _ in range(40)]
    results = [None] * len(bodies)
    barrier = threading.Barrier(len(bodies))
    scored0 = svc.metric("reranker_pairs_scored_total")

    def send(i):
        barrier.wait()
        results[i] = svc.rerank(bodies[i])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    svc.idle()
    scored = svc.metric("reranker_pairs_scored_total") - scored0
    ok = [r for r in results if r[0] == 200]
    refused = [r for r in results if r[0] == 429]
    retry_after = [int(r[2]) for r in refused if r[2] is not None]
    return {
        "ok": len(ok), "429": len(refused), "other": sorted(r[0] for r in results if r[0] not in (200, 429)),
        "slowest_429_s": max((r[1] for r in refused), default=0.0),
        "retry_after_min": min(retry_after, default=None), "retry_after_max": max(retry_after, default=None),
        "retry_after_missing": len(refused) - len(retry_after),
        "wasted_pairs": scored - 20 * len(ok), "one_request_pairs": 20,
        "slowest_200_s": max((r[1] for r in ok), default=0.0),
        # The admitted backlog computed with the model saturated: the speed admission must predict.
        "measured_pairs_per_s": 20 * len(ok) / max((r[1] for r in ok), default=float("nan")),
    }


def scenario_disconnect(svc, args, rng):
    docs, words = occupying_size(svc.info(), args)
    occupying = [body(rng, docs, words) for _ in range(2)]
    leaving = body(rng, 20, 40)
    scored0 = svc.metric("reranker_pairs_scored_total")
    dropped0 = svc.metric("reranker_pairs_dropped_total", 'reason="disconnected"')
    answers = []
    threads = [threading.Thread(target=lambda b=b: answers.append(svc.rerank(b))) for b in occupying]
    for t in threads:
        t.start()
    until = time.monotonic() + 30
    while svc.metric("reranker_admitted_pairs") < 2 * docs and time.monotonic() < until:
        time.sleep(0.01)
    data = json.dumps(leaving).encode()
    sock = socket.create_connection(("127.0.0.1", svc.port))
    sock.sendall(b"POST /rerank HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 b"Content-Length: %d\r\n\r\n" % len(data) + data)
    time.sleep(1.0)
    sock.close()
    for t in threads:
        t.join()
    svc.idle()
    scored = svc.metric("reranker_pairs_scored_total") - scored0
    return {
        "occupying_docs": docs, "occupying_words": words,
        "occupying_ok": sum(1 for a in answers if a[0] == 200),
        "occupied_s": max(a[1] for a in answers),
        "leaver_pairs_scored": scored - docs * sum(1 for a in answers if a[0] == 200),
        "leaver_pairs": 20,
        "dropped_disconnected": svc.metric("reranker_pairs_dropped_total", 'reason="disconnected"') - dropped0,
    }


def prepare(model, work):
    """A copy of the model folder made of hard links, so that the graph the service builds lands in --work."""
    copy = os.path.join(work, os.path.basename(os.path.normpath(model)))
    for folder, _, files in os.walk(model):  # with subfolders: an ONNX export's onnx/model_quantized.onnx
        into = os.path.join(copy, os.path.relpath(folder, model))
        os.makedirs(into, exist_ok=True)
        for name in files:
            target = os.path.join(into, name)
            if not os.path.exists(target):
                try:
                    os.link(os.path.join(folder, name), target)
                except OSError:
                    shutil.copy(os.path.join(folder, name), target)
    return copy


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--model", help="model directory (safetensors or ONNX); default: the embedded demo model")
    parser.add_argument("--port", type=int, default=18200)
    parser.add_argument("--management-port", type=int, default=None,
                        help="probes' and metrics' port, the management interface (default: --port + 1)")
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--requests", type=int, default=16)
    parser.add_argument("--occupy-docs", type=int, default=0,
                        help="documents of each of the two requests that occupy the model in the disconnect scenario"
                             " (default: sized from /info's pairs/s for about 4 s of work)")
    parser.add_argument("--occupy-words", type=int, default=0,
                        help="words of their documents, with --occupy-docs (default 40)")
    parser.add_argument("--scenarios", default="users,burst,disconnect",
                        help="comma-separated subset of users,burst,disconnect")
    parser.add_argument("--work", default=os.path.join("/tmp", "reranker-admission-bench"))
    parser.add_argument("--jar", default=os.environ.get("JAR", os.path.join(ROOT, "target/quarkus-app/quarkus-run.jar")))
    parser.add_argument("--start-timeout", type=float, default=900)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a setting for the service, by its property or environment name, e.g."
                             " reranker.precision=int8 or RERANKER_REQUEST_TIMEOUT=45s")
    args = parser.parse_args()
    if args.management_port is None:
        args.management_port = args.port + 1
    if not os.path.isfile(args.jar):
        raise SystemExit(f"{args.jar} is missing: ./mvnw -q package -DskipTests")
    os.makedirs(args.work, exist_ok=True)
    env = {}
    for kv in args.set:
        if "=" not in kv:
            raise SystemExit(f"--set {kv}: expected NAME=VALUE")
        name, value = kv.split("=", 1)
        env[env_name(name)] = value
    if args.model:
        env["RERANKER_MODEL_PATH"] = prepare(args.model, args.work)
    rng = random.Random(1)
    started = time.monotonic()
    svc = Service(args, env)
    print(f"# admission bench: {args.model or 'demo model'}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())},"
          f" {os.cpu_count()} cores, ready in {time.monotonic() - started:.1f} s, settings {env or 'default'}")
    try:
        info = svc.info()
        seed = info["throughput"]
        print(f"precision {info['precision']}; warm-up seed: {seed['seconds_per_padded_token']:.3g} s per padded token;"
              f" request-timeout {info['batch']['request_timeout_ms']} ms,"
              f" max-queued-time {info['batch']['max_queued_time_ms']} ms")
        report = {}
        for name in args.scenarios.split(","):
            svc.idle()
            estimate_before = svc.info()["throughput"]
            result = {"users": scenario_users, "burst": scenario_burst, "disconnect": scenario_disconnect}[name](
                svc, args, rng)
            report[name] = result
            print(f"{name}: {json.dumps(result)}")
            if name in ("users", "burst"):
                # The estimate as it stood when the scenario began to be measured against it.
                t = estimate_before
                report["estimate_" + name] = {
                    "batches_measured": t["batches_measured"], "estimated_pairs_per_s": t["pairs_per_second"],
                    "measured_pairs_per_s": result["measured_pairs_per_s"],
                    "ratio": (t["pairs_per_second"] or float("nan")) / result["measured_pairs_per_s"],
                    "seconds_per_padded_token": t["seconds_per_padded_token"], "padding_ratio": t["padding_ratio"],
                    "overhead_ratio": t["overhead_ratio"], "tokens_per_pair": t["tokens_per_pair"]}
                print(f"estimate_{name}: {json.dumps(report['estimate_' + name])}")
                after = svc.info()["throughput"]
                report["estimate_after_" + name] = {
                    "batches_measured": after["batches_measured"], "estimated_pairs_per_s": after["pairs_per_second"],
                    "seconds_per_padded_token": after["seconds_per_padded_token"],
                    "padding_ratio": after["padding_ratio"], "overhead_ratio": after["overhead_ratio"],
                    "tokens_per_pair": after["tokens_per_pair"],
                    "measured_pairs_per_s": result["measured_pairs_per_s"],
                    "ratio": (after["pairs_per_second"] or float("nan")) / result["measured_pairs_per_s"]}
                print(f"estimate_after_{name}: {json.dumps(report['estimate_after_' + name])}")
        verdict(report)
    finally:
        svc.stop()


def estimate_row(rows, e, load):
    """The estimate after a scenario against the pairs/s measured in it: the load it was measured on."""
    if e and e["estimated_pairs_per_s"]:
        judged = load == "burst"
        rows.append((f"estimate within 20 % of the {load}'s pairs/s (after it)" if judged else
                     f"estimate after the {load} against their pairs/s (closed loop, not judged)",
                     f"{e['estimated_pairs_per_s']:.4g} vs {e['measured_pairs_per_s']:.4g} ({e['ratio'] - 1:+.0%},"
                     f" {e['batches_measured']} batches measured, overhead ratio {e['overhead_ratio']:.2f})",
                     None if e["batches_measured"] < 10 or not judged else abs(e["ratio"] - 1) <= 0.2))


def verdict(report):
    rows = []
    if "users" in report:
        u = report["users"]
        rows.append(("users: every request 200", f"{u['ok']}/{u['requests']} (p50 {u['p50_s']:.1f} s, max"
                     f" {u['max_s']:.1f} s)", u["ok"] == u["requests"]))
        rows.append(("users: pairs/s (closed loop, wall time)", f"{u['measured_pairs_per_s']:.2f}", None))
        estimate_row(rows, report.get("estimate_after_users"), "users")
    if "burst" in report:
        b = report["burst"]
        rows.append(("burst: only 200/429", f"{b['ok']} x 200, {b['429']} x 429, other {b['other']}",
                     not b["other"]))
        rows.append(("burst: 429 within 1 s, Retry-After >= 1", f"slowest {b['slowest_429_s']:.2f} s, Retry-After"
                     f" {b['retry_after_min']}..{b['retry_after_max']}",
                     None if not b["429"] else
                     b["slowest_429_s"] <= 1 and (b["retry_after_min"] or 0) >= 1 and not b["retry_after_missing"]))
        estimate_row(rows, report.get("estimate_after_burst"), "burst")
        rows.append(("burst: wasted pairs <= one request's", f"{b['wasted_pairs']:.0f} (<= {b['one_request_pairs']})",
                     b["wasted_pairs"] <= b["one_request_pairs"]))
    if "disconnect" in report:
        d = report["disconnect"]
        rows.append(("disconnect: <= half its pairs scored", f"{d['leaver_pairs_scored']:.0f} of {d['leaver_pairs']}"
                     f" (dropped as disconnected {d['dropped_disconnected']:.0f}; two requests of {d['occupying_docs']}"
                     f" x {d['occupying_words']} words occupied the model {d['occupied_s']:.1f} s)",
                     # A leaver that was refused (429) or whose pairs were all computed before it left proves nothing.
                     None if d["dropped_disconnected"] == 0 and d["leaver_pairs_scored"] == 0
                     else d["leaver_pairs_scored"] <= d["leaver_pairs"] / 2))
    print()
    print("| criterion | figure | holds |")
    print("|---|---|---|")
    for name, figure, holds in rows:
        print(f"| {name} | {figure} | {'n/a' if holds is None else 'yes' if holds else 'NO'} |")


if __name__ == "__main__":
    sys.exit(main())
