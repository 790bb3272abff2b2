"""Benchmark of this service against what users run instead, one target after the other on this machine.

Run it through bench/peers.sh, which prepares the Python environments first. See --help.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import report
from report import DESCRIPTIONS

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PEER = os.path.join(ROOT, "bench", ".peer")

SCENARIOS = [  # name, concurrency, documents per request, words per document
    ("C=1 N=20 W=40", 1, 20, 40),
    ("C=8 N=20 W=40", 8, 20, 40),
    ("C=32 N=5 W=40", 32, 5, 40),
]
SOAK = (8, 20, 40)

# Short pairs (far below every target's truncation limit, see README) on which each peer must give this
# service's logits before its speed counts.
PARITY_PAIRS = [
    ("what is panda?", "The giant panda is a bear species endemic to China."),
    ("what is panda?", "hi"),
    ("how do I reset my password", "Open settings, choose Security, then Reset password and follow the e-mail link."),
    ("license for redistribution", "Redistribution and use in source and binary forms, with or without modification, "
                                   "are permitted provided that the following conditions are met."),
    ("熊猫吃什么", "大熊猫主要以竹子为食，偶尔也吃小型动物。"),
    ("café au lait", "Le café au lait est une boisson composée de café et de lait chaud."),
]

TARGETS = ["service-fp32", "service-int8", "fastapi", "infinity-torch", "infinity-optimum"]


def log(msg):
    print(f"[{datetime.datetime.now(datetime.timezone.utc).strftime('%H:%M:%S')}] {msg}", flush=True)


# ---------------------------------------------------------------- processes and memory

def descendants(pid):
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def rss_mb(pid):
    """Resident memory of a process and all its descendants, in MB (MiB)."""
    total = 0
    for p in descendants(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024.0


class Server:
    """One target process; its whole process group is stopped at the end."""

    def __init__(self, name, argv, env, log_path):
        self.name, self.log_path = name, log_path
        self.log = open(log_path, "ab")
        self.log.write(f"\n==== {datetime.datetime.now().isoformat()} {shlex.join(argv)}\n".encode())
        self.log.flush()
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(argv, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)

    def alive(self):
        return self.proc.poll() is None

    def rss(self):
        return rss_mb(self.proc.pid)

    def stop(self):
        if self.alive():
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()

    def tail(self, n=15):
        try:
            with open(self.log_path, "rb") as f:
                return b"\n".join(f.read().splitlines()[-n:]).decode("utf-8", "replace")
        except OSError:
            return ""


def post_json(url, body, timeout=600):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.status, json.loads(resp.read())


def get_json(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return json.loads(resp.read())


# ---------------------------------------------------------------- targets

class Target:
    def __init__(self, name, shape, route, argv, env, model_dir):
        self.name, self.shape, self.route, self.argv, self.env, self.model_dir = name, shape, route, argv, env, model_dir

    def url(self, port):
        return f"http://127.0.0.1:{port}{self.route}"

    def body(self, query, docs, raw=False):
        key = "texts" if self.shape == "tei" else "documents"
        return {"query": query, key: docs, "raw_scores": raw}

    def logits(self, reply):
        items = reply if self.shape == "tei" else reply["results"]
        score = "score" if self.shape == "tei" else "relevance_score"
        out = [None] * len(items)
        for item in items:
            out[item["index"]] = float(item[score])
        return out


def first_200(server, target, port, deadline_s):
    """Seconds from launch to the first 200 of a real scoring request, or raises."""
    url = target.url(port)
    body = json.dumps(target.body("what is a cross encoder", ["A cross-encoder scores a pair.", "Kernels."])).encode()
    while True:
        if not server.alive():
            raise RuntimeError(f"{target.name} exited with {server.proc.returncode} before answering:\n{server.tail()}")
        try:
            req = urllib.request.Request(url, data=body, headers={"content-type": "application/json"})
            with urllib.request.urlopen(req, timeout=120) as resp:
                if resp.status == 200:
                    return time.monotonic() - server.t0
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        if time.monotonic() - server.t0 > deadline_s:
            raise RuntimeError(f"{target.name} did not answer 200 within {deadline_s} s:\n{server.tail()}")
        time.sleep(0.05)


# ---------------------------------------------------------------- load generator

def compile_load():
    out = os.path.join(PEER, "load")
    src = os.path.join(ROOT, "bench", "Load.java")
    stamp = os.path.join(out, "Load.class")
    if not os.path.exists(stamp) or os.path.getmtime(stamp) < os.path.getmtime(src):
        os.makedirs(out, exist_ok=True)
        subprocess.run(["javac", "-nowarn", "-d", out, src], check=True)
    return out


def run_load(args, target, port, c, n, w, duration, warmup, out_path, background=False):
    argv = ["java", "-cp", args.load_classes, "Load", "--corpus", args.corpus, "--url", target.url(port),
            "--shape", target.shape, "--concurrency", str(c), "--docs", str(n), "--doc-words", str(w),
            "--duration", str(duration), "--warmup", str(warmup), "--seed", str(args.seed), "--timeout", "900"]
    f = open(out_path, "w")
    p = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    if background:
        return p, f
    p.wait()
    f.close()
    return parse_load(out_path)


def parse_load(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    res = {}
    m = re.search(r"^RESULT pairs_per_s=(\S+) p50_ms=(\S+) p99_ms=(\S+) errors=(\d+)", text, re.M)
    if not m:
        raise RuntimeError(f"load generator failed, see {path}:\n{text[-800:]}")
    res["pairs_per_s"], res["p50_ms"], res["p99_ms"] = (float(x) if x != "NaN" else None for x in m.groups()[:3])
    res["errors"] = int(m.group(4))
    m = re.search(r"^requests=(\d+)", text, re.M)
    res["requests"] = int(m.group(1)) if m else None
    m = re.search(r"^STATUS (.*)$", text, re.M)
    res["status"] = m.group(1) if m else ""
    m = re.search(r"^first_error: (.*)$", text, re.M)
    if m:
        res["first_error"] = m.group(1)[:300]
    return res


def slope_mb_per_min(samples, skip_s):
    pts = [(t, m) for t, m in samples if t >= skip_s]
    if len(pts) < 3:
        return None
    n = len(pts)
    sx, sy = sum(t for t, _ in pts), sum(m for _, m in pts)
    sxx, sxy = sum(t * t for t, _ in pts), sum(t * m for t, m in pts)
    den = n * sxx - sx * sx
    return None if den == 0 else (n * sxy - sx * sy) / den * 60.0


# ---------------------------------------------------------------- models

def has_onnx(d):
    return os.path.exists(os.path.join(d, "model.onnx")) or os.path.exists(os.path.join(d, "onnx", "model.onnx"))


def onnx_export(args, name, model_dir):
    """An ONNX export of model_dir under bench/.peer/models, made once (bench/peers/export_onnx.py)."""
    if has_onnx(model_dir):
        return model_dir
    out = os.path.join(PEER, "models", f"{os.path.basename(model_dir)}-onnx")
    stamp = os.path.join(out, ".source")
    source = f"{os.path.realpath(model_dir)} {weights_signature(model_dir)}"
    if os.path.exists(os.path.join(out, "onnx", "model.onnx")) and os.path.exists(stamp) \
            and open(stamp).read() == source:
        return out
    log(f"exporting {model_dir} to ONNX in {out} (once)")
    subprocess.run([args.export_python, os.path.join(HERE, "export_onnx.py"), model_dir, out], check=True)
    with open(stamp, "w") as f:
        f.write(source)
    return out


def weights_signature(d):
    parts = []
    for f in sorted(os.listdir(d)):
        if f.endswith((".safetensors", ".bin")) or f in ("config.json", "tokenizer.json"):
            st = os.stat(os.path.join(d, f))
            parts.append(f"{f}:{st.st_size}:{int(st.st_mtime)}")
    return ",".join(parts)


def writable_copy(onnx_dir):
    """The layout Infinity's optimum engine can load (see bench/peers/infinity/run.sh): links to the export's
    config and tokenizer files and, at the top of the directory, to its model.onnx and external data, in a
    directory of its own that Infinity may write its optimised graph into."""
    out = os.path.join(PEER, "models", f"{os.path.basename(onnx_dir)}-infinity-optimum")
    os.makedirs(out, exist_ok=True)
    for root, _, files in os.walk(onnx_dir):
        for f in files:
            if f.startswith(".") or root.startswith(out):
                continue
            dst = os.path.join(out, f)
            if not os.path.lexists(dst):
                os.symlink(os.path.realpath(os.path.join(root, f)), dst)
    return out


def service_argv(args):
    if args.service_launch == "image":
        return [os.path.join(args.service_image, "bin", "run.sh")]
    return ["java", *shlex.split(args.service_java_opts), "-jar", args.jar]


def service_env(args, base):
    """The service's environment: with --service-launch image, the container image's (Dockerfile.jvm)."""
    if args.service_launch != "image":
        return dict(base)
    app = args.service_image
    return dict(base, APP_HOME=app, PATH=os.path.join(args.jdk25, "bin") + os.pathsep + base.get("PATH", ""),
                DJL_CACHE_DIR=os.path.join(app, "native", "djl"), MALLOC_ARENA_MAX="2",
                JAVA_OPTS_APPEND=args.service_java_opts)


def management_port(args, port):
    """The service's management interface (probes, metrics): --management-port, else the port after the targets'."""
    return args.management_port if args.management_port is not None else port + 1


def make_target(args, name, model_name, model_dir, port, service_dir):
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("RERANKER_", "QUARKUS_"))}
    if name.startswith("service"):
        # No peer gives up on a request; the service's default 75 s request timeout would refuse part of
        # the full-size model's longer queues (C=32 x 5 pairs at ~2 pairs/s is ~80 s of work) with 429s,
        # so it waits as long as the load generator does (--service-env overrides).
        # The connection's idle timeout (120 s by default, above the default request timeout) must outlast the
        # longest wait too, or Vert.x closes the connection of a request still queued.
        env = dict(service_env(args, base_env), RERANKER_MODEL_PATH=service_dir, QUARKUS_HTTP_PORT=str(port),
                   QUARKUS_MANAGEMENT_PORT=str(management_port(args, port)), RERANKER_SHUTDOWN_PRE_STOP_DELAY="0s", RERANKER_REQUEST_TIMEOUT="900s",
                   QUARKUS_HTTP_IDLE_TIMEOUT="960s")
        for kv in args.service_env:
            k, _, v = kv.partition("=")
            env[k] = v
        if name == "service-int8":
            env["RERANKER_PRECISION"] = "int8"
        return Target(name, "tei", "/rerank", service_argv(args), env, service_dir)
    if name == "fastapi":
        return Target(name, "tei", "/rerank", [os.path.join(HERE, "fastapi", "run.sh"), str(port), model_dir],
                      base_env, model_dir)
    engine = name.split("-", 1)[1]
    d = model_dir if engine == "torch" else writable_copy(onnx_export(args, model_name, model_dir))
    argv = [os.path.join(HERE, "infinity", "run.sh"), str(port), d, engine]
    if engine == "optimum":
        # its warm-up input is cut at max_position_embeddings: past the positions with 514, a 34 GB
        # attention buffer with bge-reranker-v2-m3's 8194 (see run.sh)
        argv.append("--no-model-warmup")
    return Target(name, "cohere", "/v1/rerank", argv, base_env, d)


# ---------------------------------------------------------------- one target

def check_parity(target, port, reference, tol):
    queries = {}
    for q, d in PARITY_PAIRS:
        queries.setdefault(q, []).append(d)
    got = []
    for q, docs in queries.items():
        _, reply = post_json(target.url(port), target.body(q, docs, raw=True))
        got.extend(target.logits(reply))
    res = {"logits": got}
    if reference is not None:
        diffs = [abs(a - b) for a, b in zip(got, reference)]
        res["max_abs_diff"] = max(diffs)
        res["passed"] = res["max_abs_diff"] <= tol
    return res


def bench_target(args, target, port, model_name, out_dir, reference, durations):
    name = target.name
    rec = {"target": name, "model": model_name, "description": DESCRIPTIONS[name], "model_dir": target.model_dir,
           "command": shlex.join(target.argv), "scenarios": [], "status": "ok"}
    logs = os.path.join(out_dir, f"{model_name}.{name}")
    deadline = args.start_timeout

    # 1. an untimed start: reads the model into the page cache and does any one-time work (Infinity's
    #    optimum engine optimises the graph and caches it), so that the timed start below is a warm restart
    #    for every target alike
    log(f"{model_name} / {name}: preparing start")
    s = Server(name, target.argv, target.env, logs + ".server.log")
    try:
        rec["prepare_first_200_s"] = round(first_200(s, target, port, deadline), 3)
        if name.startswith("service"):
            rec["info"] = get_json(f"http://127.0.0.1:{port}/info")
    finally:
        s.stop()

    # 2. timed start, parity, scenarios
    s = Server(name, target.argv, target.env, logs + ".server.log")
    try:
        rec["first_200_s"] = round(first_200(s, target, port, deadline), 3)
        rec["rss_mb_ready"] = round(s.rss(), 1)
        log(f"{model_name} / {name}: first 200 after {rec['first_200_s']:.2f} s, RSS {rec['rss_mb_ready']:.0f} MB")
        rec["parity"] = check_parity(target, port, reference, args.parity_tolerance)
        if "max_abs_diff" in rec["parity"]:
            verdict = "int8 against fp32, for information" if name == "service-int8" else \
                "ok" if rec["parity"]["passed"] else "FAILED"
            log(f"{model_name} / {name}: parity max |logit diff| {rec['parity']['max_abs_diff']:.2e} ({verdict})")
        if name not in ("service-fp32", "service-int8") and not rec["parity"].get("passed", True) \
                and not args.ignore_parity:
            rec["status"] = "parity-failed"
            log(f"{model_name} / {name}: scores differ from the service's: its speed is not measured")
            return rec
        for label, c, n, w in args.scenarios:
            if durations["soak"] > 0 and (c, n, w) == SOAK:
                continue  # measured by the soak below, over its whole length
            r = run_load(args, target, port, c, n, w, durations["duration"], durations["warmup"],
                         f"{logs}.load.{c}x{n}.txt")
            r.update(scenario=label, concurrency=c, docs=n, words=w, rss_mb_end=round(s.rss(), 1))
            rec["scenarios"].append(r)
            log(f"{model_name} / {name}: {label}: {r['pairs_per_s']} pairs/s, p50 {r['p50_ms']} ms, "
                f"p99 {r['p99_ms']} ms, errors {r['errors']}, RSS {r['rss_mb_end']:.0f} MB")
    finally:
        s.stop()

    # 3. memory over a long run at C=8, from a fresh start
    if durations["soak"] > 0:
        s, p = Server(name, target.argv, target.env, logs + ".server.log"), None
        try:
            first_200(s, target, port, deadline)
            c, n, w = SOAK
            log(f"{model_name} / {name}: soak C={c} N={n} W={w} for {durations['soak']} s, RSS every "
                f"{args.rss_interval} s")
            p, f = run_load(args, target, port, c, n, w, durations["soak"], durations["warmup"], f"{logs}.soak.txt",
                            background=True)
            t0, samples = time.monotonic(), []
            while p.poll() is None:
                samples.append((round(time.monotonic() - t0, 1), round(s.rss(), 1)))
                try:
                    p.wait(timeout=args.rss_interval)
                except subprocess.TimeoutExpired:
                    pass
            f.close()
            samples.append((round(time.monotonic() - t0, 1), round(s.rss(), 1)))
            r = parse_load(f"{logs}.soak.txt")
            skip = min(120.0, durations["soak"] / 5.0)
            r.update(seconds=durations["soak"], interval_s=args.rss_interval, samples=samples, slope_after_s=skip,
                     slope_mb_per_min=slope_mb_per_min(samples, skip))
            rec["soak"] = r
            for label, *shape in args.scenarios:
                if tuple(shape) == SOAK:  # the soak is this scenario's measurement
                    rec["scenarios"].append(dict({k: v for k, v in r.items() if k not in ("samples",)},
                                                 scenario=label, concurrency=c, docs=n, words=w,
                                                 rss_mb_end=samples[-1][1], from_soak=True))
            sl = r["slope_mb_per_min"]
            log(f"{model_name} / {name}: soak {r['pairs_per_s']} pairs/s, errors {r['errors']}, RSS "
                f"{samples[0][1]:.0f} -> {samples[-1][1]:.0f} MB, slope after {skip:.0f} s "
                f"{'n/a' if sl is None else f'{sl:+.2f}'} MB/min")
        finally:
            if p is not None and p.poll() is None:
                p.kill()
                p.wait()
            s.stop()
    return rec


# ---------------------------------------------------------------- service model selection

def service_model_dir(args, model_name, model_dir, port):
    """What RERANKER_MODEL_PATH gets: the directory itself when it has ONNX or the build reads safetensors,
    else an ONNX export of it."""
    if args.service_model == "as-is" or has_onnx(model_dir):
        return model_dir, "as-is"
    if args.service_model == "export":
        return onnx_export(args, model_name, model_dir), "onnx-export"
    # auto: try the directory as it is; a build that cannot read it exits at startup
    env = service_env(args, {k: v for k, v in os.environ.items() if not k.startswith(("RERANKER_", "QUARKUS_"))})
    env.update(RERANKER_MODEL_PATH=model_dir, QUARKUS_HTTP_PORT=str(port),
               QUARKUS_MANAGEMENT_PORT=str(management_port(args, port)), RERANKER_SHUTDOWN_PRE_STOP_DELAY="0s")
    probe = Target("service-fp32", "tei", "/rerank", service_argv(args), env, model_dir)
    s = Server("probe", probe.argv, env, os.path.join(args.out, f"{model_name}.service-probe.log"))
    try:
        first_200(s, probe, port, args.start_timeout)
        log(f"{model_name}: this build serves {model_dir} directly (safetensors)")
        return model_dir, "as-is"
    except RuntimeError as e:
        said = [l.strip() for l in str(e).splitlines() if "ERROR" in l or "Cannot" in l]
        log(f"{model_name}: this build cannot serve {model_dir} as it is"
            f"{': ' + said[0] if said else ''}; serving an ONNX export of the same weights")
        return onnx_export(args, model_name, model_dir), "onnx-export"
    finally:
        s.stop()


def _walk(o):
    if isinstance(o, dict):
        for k, v in o.items():
            yield k, v
            yield from _walk(v)


def int8_supported(info):
    """Whether the build has a precision setting: it reports one in /info."""
    return any(k == "precision" for k, _ in _walk(info or {}))


def int8_active(info):
    return any(k == "precision" and str(v).lower() == "int8" for k, v in _walk(info or {}))


# ---------------------------------------------------------------- environment facts

def versions(args):
    out = {"python_peer_versions": {}}
    for venv, pkgs in (("fastapi", ["torch", "transformers", "tokenizers", "fastapi", "uvicorn"]),
                       ("infinity", ["infinity-emb", "torch", "transformers", "sentence-transformers", "optimum",
                                     "optimum-onnx", "onnxruntime"])):
        py = os.path.join(PEER, venv, "bin", "python")
        if not os.path.exists(py):
            continue
        code = ("import importlib.metadata as m, json, sys; "
                "print(json.dumps({p: m.version(p) for p in sys.argv[1:]}))")
        try:
            out["python_peer_versions"][venv] = json.loads(subprocess.run([py, "-c", code, *pkgs], check=True,
                                                                          capture_output=True, text=True).stdout)
        except subprocess.CalledProcessError:
            pass
    try:
        out["java"] = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    except (OSError, IndexError):
        pass
    return out


def machine():
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gb": round(mem_kb / 1024 / 1024, 1),
            "kernel": platform.release(), "loadavg_before": open("/proc/loadavg").read().split()[:3]}


def outside_sources(model_dir):
    """A model inside the repository (a test fixture) is served from a copy under bench/.peer: the service writes
    the graph it builds from safetensors beside the weights, and the sources stay as they are."""
    if not model_dir.startswith(ROOT + os.sep) or model_dir.startswith(PEER + os.sep):
        return model_dir
    out = os.path.join(PEER, "models", os.path.basename(model_dir))
    shutil.copytree(model_dir, out, dirs_exist_ok=True, ignore=shutil.ignore_patterns("reranker-graph*"))
    return out


# ---------------------------------------------------------------- main

def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="bench/peers.sh",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="""\
Benchmarks this service against what users run instead, one after the other on this machine and with
the same load generator (bench/Load.java): this service in fp32 and in int8, a FastAPI + transformers
wrapper (bench/peers/fastapi) and Infinity with its torch and its optimum engine (bench/peers/infinity),
on each model given. Per target and model: time from launch to the first 200, a parity check (each
peer must give this service's logits on a few short pairs before its speed counts), the scenarios
C=1 N=20 W=40, C=8 N=20 W=40 and C=32 N=5 W=40 (pairs/s, p50, p99, errors, RSS at the end), then, from
a fresh start, a soak at C=8 N=20 W=40 with RSS sampled every 10 s.

Writes results.json, table.md, peers.png and every log under --out; without --dry-run also
docs/benchmark-peers.json, .md and .png. Build the service first (./mvnw -q package -DskipTests).
Peers' environments are created on first use under bench/.peer (several GB: torch).""",
        epilog="""\
examples:
  bench/peers.sh --small-model DIR --corpus FILE --dry-run                  # minutes: every target, short runs
  bench/peers.sh --small-model DIR --full-model DIR --corpus FILE           # the published run: ~95 minutes, with
                                                                            # nothing else running""")
    p.add_argument("--small-model", metavar="DIR", help="small trained cross-encoder, Hugging Face layout")
    p.add_argument("--full-model", metavar="DIR", help="full-size bge-reranker-v2-m3 (or its random-weight twin)")
    p.add_argument("--targets", default=",".join(TARGETS),
                   help="comma-separated, in order (default: %(default)s)")
    p.add_argument("--no-int8", action="store_true", help="leave out service-int8")
    p.add_argument("--service-model", choices=["auto", "as-is", "export"], default="auto",
                   help="what the service is given: auto = the directory itself when it holds ONNX or the build "
                        "reads safetensors (found by trying), else an ONNX export; as-is; export (default: auto)")
    p.add_argument("--duration", type=float, default=30, help="seconds measured per scenario, small model (30)")
    p.add_argument("--warmup", type=float, default=5, help="seconds not counted before each scenario, small model (5)")
    p.add_argument("--full-duration", type=float, default=120,
                   help="seconds measured per scenario, full-size model (120: one C=32 round takes up to 100 s there)")
    p.add_argument("--full-warmup", type=float, default=15, help="warm-up per scenario, full-size model (15)")
    p.add_argument("--scenarios", default=",".join(f"{c}x{n}x{w}" for _, c, n, w in SCENARIOS),
                   help="scenarios as CxNxW (concurrency x documents x words), comma-separated (default: %(default)s)")
    p.add_argument("--soak", type=float, default=600,
                   help="seconds of the C=8 memory run (600; 0 = none); on the models that get it, it is also the "
                        "measurement of the C=8 N=20 W=40 scenario, after the model's warm-up")
    p.add_argument("--soak-models", default="full",
                   help="models that get the soak (default: %(default)s: the growth users report is with the real "
                        "model); small,full for both")
    p.add_argument("--rss-interval", type=float, default=10, help="seconds between RSS samples in the soak (10)")
    p.add_argument("--dry-run", action="store_true",
                   help="shorter defaults (8 s scenarios and 2 s warm-up, 30 s and 5 s for the full-size model, 40 s soak; "
                        "options given explicitly win) and publish nothing under docs/")
    p.add_argument("--port", type=int, default=18400, help="port the targets listen on, one at a time (18400)")
    p.add_argument("--management-port", type=int, default=None,
                   help="the service's management interface (probes, metrics; default: --port + 1)")
    p.add_argument("--jar", default=os.path.join(ROOT, "target", "quarkus-app", "quarkus-run.jar"))
    p.add_argument("--service-launch", choices=["image", "jar"], default="image",
                   help="image: as the container image starts it (JDK 25, its AOT cache, its JVM flags, natives "
                        "extracted; laid out by bench/service-image.sh); jar: java -jar with the java on PATH "
                        "(default: %(default)s)")
    p.add_argument("--jdk25", default="/usr/lib/jvm/temurin-25-jdk-amd64", help="JDK 25 home for --service-launch image")
    p.add_argument("--service-java-opts", default="",
                   help="extra JVM options for the service, e.g. '-Xmx1g' (JAVA_OPTS_APPEND with the image launch)")
    p.add_argument("--service-env", action="append", default=[], metavar="K=V",
                   help="extra environment for the service (repeatable), e.g. RERANKER_BATCH_MAX_TOKENS=2048; "
                        "the service runs with its defaults except RERANKER_REQUEST_TIMEOUT=900s (the load "
                        "generator's own timeout: no peer gives up on a request) and QUARKUS_HTTP_IDLE_TIMEOUT=960s")
    p.add_argument("--corpus", default=os.path.join(ROOT, "bench", "corpus.txt"),
                   help="corpus the load generator draws words from (default: bench/corpus.txt)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--parity-tolerance", type=float, default=1e-3, help="largest |logit difference| (1e-3)")
    p.add_argument("--ignore-parity", action="store_true", help="measure a peer's speed even when its scores differ")
    p.add_argument("--start-timeout", type=float, default=900, help="seconds a target may take to answer (900)")
    p.add_argument("--export-python", default=os.path.join(PEER, "infinity", "bin", "python"),
                   help="Python with torch, transformers and onnx for ONNX exports (the Infinity environment)")
    p.add_argument("--out", help="results folder (default: bench/results/peers-<UTC timestamp>)")
    p.add_argument("--docs", default=os.path.join(ROOT, "docs"), help="where a full run publishes (docs/)")
    p.add_argument("--render", metavar="RESULTS_JSON", help="only redraw table.md and peers.png from a results file")
    a = p.parse_args(argv)
    try:
        a.scenarios = [(f"C={c} N={n} W={w}", c, n, w) for c, n, w in
                       (tuple(int(x) for x in sc.split("x")) for sc in a.scenarios.split(",") if sc)]
    except ValueError:
        p.error("--scenarios takes CxNxW,CxNxW,...")
    if a.dry_run:  # shorter defaults; what is given explicitly stays
        given = {x.split("=", 1)[0] for x in argv if x.startswith("--")}
        for opt, value in (("duration", 8), ("warmup", 2), ("full_duration", 30), ("full_warmup", 5), ("soak", 40)):
            if "--" + opt.replace("_", "-") not in given:
                setattr(a, opt, value)
    return a


def _interrupt(*_):
    """A SIGTERM unwinds like Ctrl-C, so that every target and load generator started here is stopped."""
    raise KeyboardInterrupt()


def main(argv):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    if args.render:
        results = json.load(open(args.render))
        out = os.path.dirname(os.path.abspath(args.render))
        report.write(results, out)
        return 0
    models = [(n, d) for n, d in (("small", args.small_model), ("full", args.full_model)) if d]
    if not models:
        print("give --small-model and/or --full-model (see --help)", file=sys.stderr)
        return 2
    for _, d in models:
        if not os.path.exists(os.path.join(d, "config.json")):
            print(f"{d}: no config.json (a Hugging Face model directory is expected)", file=sys.stderr)
            return 2
    if not os.path.exists(args.jar):
        print(f"no service jar at {args.jar}: ./mvnw -q package -DskipTests", file=sys.stderr)
        return 2
    if not os.path.exists(args.corpus):
        print(f"no corpus at {args.corpus} (--corpus)", file=sys.stderr)
        return 2
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    unknown = [t for t in targets if t not in TARGETS]
    if unknown:
        print(f"unknown targets {unknown}; known: {TARGETS}", file=sys.stderr)
        return 2
    if args.no_int8 and "service-int8" in targets:
        targets.remove("service-int8")
    args.out = args.out or os.path.join(ROOT, "bench", "results",
                                        "peers-" + datetime.datetime.utcnow().strftime("%Y%m%dT%H%M%SZ"))
    os.makedirs(args.out, exist_ok=True)
    args.load_classes = compile_load()
    if args.service_launch == "image" and any(t.startswith("service") for t in targets):
        log("laying the service out as the container image does (bench/service-image.sh)")
        args.service_image = subprocess.run([os.path.join(ROOT, "bench", "service-image.sh"), "--jdk25", args.jdk25],
                                            check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]

    results = {"started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               "command": "bench/peers.sh " + shlex.join(argv), "dry_run": args.dry_run,
               "machine": machine(), "versions": versions(args),
               "settings": {"scenarios": [s[0] for s in args.scenarios], "soak": f"C={SOAK[0]} N={SOAK[1]} W={SOAK[2]}",
                            "service_launch": args.service_launch,
                            "seed": args.seed, "parity_tolerance": args.parity_tolerance},
               "models": {}, "runs": [], "skipped": []}
    path = os.path.join(args.out, "results.json")

    def save():
        with open(path, "w") as f:
            json.dump(results, f, indent=1, ensure_ascii=False)

    for model_name, model_dir in models:
        model_dir = outside_sources(os.path.abspath(model_dir))
        full = model_name == "full"
        durations = {"duration": args.full_duration if full else args.duration,
                     "warmup": args.full_warmup if full else args.warmup,
                     "soak": args.soak if model_name in args.soak_models.split(",") else 0}
        service_dir, how = (None, None)
        if any(t.startswith("service") for t in targets):
            service_dir, how = service_model_dir(args, model_name, model_dir, args.port)
        results["models"][model_name] = {"dir": model_dir, "service_dir": service_dir, "service_model": how,
                                         "durations": durations}
        reference, info = None, None
        for name in targets:
            if name == "service-int8" and not int8_supported(info):
                line = ("service-int8: skipped: this build has no int8 setting (reranker.precision is not in /info)"
                        if info is not None else "service-int8: skipped: no service-fp32 run to learn the build's settings")
                log(f"{model_name} / {line}")
                results["skipped"].append({"model": model_name, "target": name, "reason": line})
                save()
                continue
            target = make_target(args, name, model_name, model_dir, args.port, service_dir)
            try:
                rec = bench_target(args, target, args.port, model_name, args.out,
                                   None if name == "service-fp32" else reference, durations)
            except (RuntimeError, subprocess.CalledProcessError, OSError, urllib.error.URLError) as e:
                log(f"{model_name} / {name}: FAILED: {e}")
                rec = {"target": name, "model": model_name, "description": DESCRIPTIONS[name],
                       "status": "failed", "reason": str(e)[-2000:], "scenarios": []}
            if name == "service-fp32" and rec["status"] == "ok":
                reference, info = rec["parity"]["logits"], rec.get("info")
            if name == "service-int8" and rec["status"] == "ok" and not int8_active(rec.get("info")):
                rec["status"] = "failed"
                rec["reason"] = "RERANKER_PRECISION=int8 was given but /info does not report precision int8"
            results["runs"].append(rec)
            save()
    results["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    results["machine"]["loadavg_after"] = open("/proc/loadavg").read().split()[:3]
    save()
    report.write(results, args.out)
    log(f"results in {args.out}: results.json, table.md, peers.png")
    if not args.dry_run:
        report.publish(args.out, args.docs)
        log(f"published to {args.docs}: benchmark-peers.json, benchmark-peers.md, benchmark-peers.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
