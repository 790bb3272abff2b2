"""Markdown table and PNG plot of a bench/peers.sh results file."""
import os
import shutil

ORDER = ["service-fp32", "service-int8", "fastapi", "infinity-torch", "infinity-optimum"]
SERVICES = ("service-fp32", "service-int8")
DESCRIPTIONS = {
    "service-fp32": "this service, fp32",
    "service-int8": "this service, int8",
    "fastapi": "FastAPI + transformers wrapper",
    "infinity-torch": "Infinity, torch engine",
    "infinity-optimum": "Infinity, optimum (ONNX Runtime) engine",
}
MODEL_TITLES = {"small": "small model", "full": "full-size bge-reranker-v2-m3"}


def _f(v, fmt="{:.1f}"):
    return "—" if v is None else fmt.format(v)


def _ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def _reason(text):
    """The first line of a failure and, when there is one, the last line naming an error."""
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    if not lines:
        return ""
    errors = [l for l in lines[1:] if "Error" in l or "error" in l]
    out = lines[0].rstrip(":") + (f" ({errors[-1]})" if errors else "")
    return out.replace("|", "\\|")[:400]


def _scenario(run, label):
    for s in run.get("scenarios", []):
        if s["scenario"] == label:
            return s
    return None


def _counts(run):
    """A peer counts only with its parity passed and its runs done."""
    return run["status"] == "ok"


def goals(runs, c8="C=8 N=20 W=40"):
    """The benchmark's goals for one model: service vs the best peer, each measure the best peer reached."""
    by = {r["target"]: r for r in runs}
    peers = [r for r in runs if r["target"] not in SERVICES and _counts(r)]
    out = []
    if not peers:
        return out
    best_pps = max((_scenario(p, c8) or {}).get("pairs_per_s") or 0 for p in peers)
    best_p99 = min(((_scenario(p, c8) or {}).get("p99_ms") or float("inf")) for p in peers)
    best_start = min(p.get("first_200_s", float("inf")) for p in peers)
    fp32, int8 = by.get("service-fp32"), by.get("service-int8")

    def row(what, goal, value, ok):
        out.append((what, goal, value, "—" if ok is None else ("met" if ok else "**missed**")))

    if fp32 and _counts(fp32):
        r = _ratio((_scenario(fp32, c8) or {}).get("pairs_per_s"), best_pps)
        row("C=8 pairs/s, fp32 ÷ best peer", "≥ 1.3", _f(r, "{:.2f}"), None if r is None else r >= 1.3)
        r = _ratio((_scenario(fp32, c8) or {}).get("p99_ms"), best_p99)
        row("C=8 p99, fp32 ÷ best peer", "≤ 0.7", _f(r, "{:.2f}"), None if r is None else r <= 0.7)
        r = _ratio(fp32.get("first_200_s"), best_start)
        row("time to first 200, fp32 ÷ best peer", "≤ 0.5", _f(r, "{:.2f}"), None if r is None else r <= 0.5)
        sl = (fp32.get("soak") or {}).get("slope_mb_per_min")
        row("RSS slope in the C=8 soak, fp32", "< 1 MB/min", _f(sl, "{:+.2f} MB/min"), None if sl is None else sl < 1)
    if int8 and _counts(int8):
        r = _ratio((_scenario(int8, c8) or {}).get("pairs_per_s"), best_pps)
        row("C=8 pairs/s, int8 ÷ best peer", "≥ 3", _f(r, "{:.2f}"), None if r is None else r >= 3)
        r = _ratio((_scenario(int8, c8) or {}).get("p99_ms"), best_p99)
        row("C=8 p99, int8 ÷ best peer", "≤ 0.7", _f(r, "{:.2f}"), None if r is None else r <= 0.7)
        sl = (int8.get("soak") or {}).get("slope_mb_per_min")
        row("RSS slope in the C=8 soak, int8", "< 1 MB/min", _f(sl, "{:+.2f} MB/min"), None if sl is None else sl < 1)
    return out


def markdown(results):
    m = results["machine"]
    lines = []
    kind = "DRY RUN (short durations, figures not comparable to a full run). " if results.get("dry_run") else ""
    lines.append(f"{kind}Measured {results['started'][:16].replace('T', ' ')} UTC on {m['cpus']} cores "
                 f"({m['cpu']}), {m['memory_gb']} GB, load average before {' '.join(m['loadavg_before'])}, "
                 f"after {' '.join(m.get('loadavg_after', ['?']))}; seed {results['settings']['seed']}.")
    lines.append(f"Command: `{results['command']}`")
    pv = results.get("versions", {}).get("python_peer_versions", {})
    if pv:
        lines.append("Peers: " + "; ".join(f"{venv}: " + ", ".join(f"{k} {v}" for k, v in pkgs.items())
                                           for venv, pkgs in pv.items()) + ".")
    lines.append("")
    for model, meta in results["models"].items():
        runs = sorted((r for r in results["runs"] if r["model"] == model),
                      key=lambda r: ORDER.index(r["target"]))
        d = meta["durations"]
        served = {"as-is": "the directory as it is", "onnx-export": "an ONNX export of the same weights"}.get(
            meta.get("service_model"), "—")
        lines.append(f"### {MODEL_TITLES.get(model, model)}: `{os.path.basename(meta['dir'])}`")
        lines.append("")
        soak = (f"the {results['settings']['soak']} column is the soak: {d['soak']:g} s from a fresh start, "
                f"after the same warm-up" if d["soak"] else "no soak")
        lines.append(f"{d['duration']:g} s per scenario after {d['warmup']:g} s of warm-up; {soak}; "
                     f"the service was given {served}.")
        lines.append("")
        labels = results["settings"]["scenarios"]
        cols = ["target", "first 200 s"]
        for l in labels:
            cols += [f"{l}: pairs/s", "p50 / p99 ms"]
        cols += ["errors", "RSS MB at the end", "soak RSS slope MB/min", "parity max \\|Δ logit\\|"]
        lines.append("| " + " | ".join(cols) + " |")
        lines.append("|" + "---|" * len(cols))

        def note_row(first, text):
            lines.append(f"| {first} | {text} |" + " |" * (len(cols) - 2))

        for r in runs:
            if r["status"] == "failed":
                note_row(r["description"], "failed: " + _reason(r.get("reason", "")))
                continue
            cells = [r["description"], _f(r.get("first_200_s"), "{:.2f}")]
            errors, rss_end = 0, None
            for l in labels:
                s = _scenario(r, l)
                if s is None:
                    cells += ["—", "—"]
                    continue
                cells += [_f(s["pairs_per_s"]), f"{_f(s['p50_ms'], '{:.0f}')} / {_f(s['p99_ms'], '{:.0f}')}"]
                errors += s["errors"]
                rss_end = s["rss_mb_end"]
            soak = r.get("soak") or {}
            cells += [str(errors) if r.get("scenarios") else "—", _f(rss_end, "{:.0f}"),
                      _f(soak.get("slope_mb_per_min"), "{:+.2f}")]
            par = r.get("parity", {})
            if r["target"] == "service-fp32":
                cells.append("reference")
            else:
                cells.append(_f(par.get("max_abs_diff"), "{:.1e}") +
                             (" (failed: not measured)" if r["status"] == "parity-failed" else "") +
                             (" (vs fp32)" if r["target"] == "service-int8" else ""))
            lines.append("| " + " | ".join(cells) + " |")
        for s in results.get("skipped", []):
            if s["model"] == model:
                note_row(DESCRIPTIONS.get(s["target"], s["target"]), s["reason"].split(": ", 1)[-1])
        g = goals(runs)
        if g:
            lines.append("")
            lines.append("| goal (same run) | target | measured | |")
            lines.append("|---|---|---|---|")
            for what, goal, value, ok in g:
                lines.append(f"| {what} | {goal} | {value} | {ok} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def plot(results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    models = list(results["models"])
    fig, axes = plt.subplots(len(models), 2, figsize=(13, 4.2 * len(models)), squeeze=False)
    colors = {"service-fp32": "#1f77b4", "service-int8": "#17becf", "fastapi": "#d62728",
              "infinity-torch": "#ff7f0e", "infinity-optimum": "#2ca02c"}
    labels = results["settings"]["scenarios"]
    for row, model in enumerate(models):
        runs = sorted((r for r in results["runs"] if r["model"] == model), key=lambda r: ORDER.index(r["target"]))
        title = MODEL_TITLES.get(model, model)
        ax = axes[row][0]
        for r in runs:
            samples = (r.get("soak") or {}).get("samples")
            if samples:
                ax.plot([t / 60 for t, _ in samples], [m for _, m in samples], label=r["description"],
                        color=colors.get(r["target"]))
        if not ax.lines:  # no soak on this model: say so rather than draw empty axes
            ax.text(0.5, 0.5, "no 10-minute run on this model", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
        ax.set_title(f"{title}: RSS under C=8 N=20 W=40")
        ax.set_xlabel("minutes since the first request")
        ax.set_ylabel("RSS (MB)")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        if ax.lines:
            ax.legend(fontsize=8)
        ax = axes[row][1]
        measured = [r for r in runs if r.get("scenarios")]
        width = 0.8 / max(1, len(measured))
        for i, r in enumerate(measured):
            ys = [(_scenario(r, l) or {}).get("pairs_per_s") or 0 for l in labels]
            xs = [j + (i - (len(measured) - 1) / 2) * width for j in range(len(labels))]
            ax.bar(xs, ys, width, label=r["description"], color=colors.get(r["target"]))
        ax.set_xticks(range(len(labels)))
        ax.set_xticklabels(labels)
        ax.set_title(f"{title}: throughput")
        ax.set_ylabel("pairs/s")
        ax.grid(axis="y", alpha=0.3)
        if measured:
            ax.set_ylim(top=1.3 * max(max((s.get("pairs_per_s") or 0) for s in r["scenarios"]) for r in measured) or 1)
            ax.legend(fontsize=8, ncol=2, loc="upper center")
    dry = " (DRY RUN)" if results.get("dry_run") else ""
    fig.suptitle(f"reranker-service and its peers, {results['started'][:10]}, {results['machine']['cpus']} cores{dry}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(results, out):
    with open(os.path.join(out, "table.md"), "w") as f:
        f.write(markdown(results))
    plot(results, os.path.join(out, "peers.png"))


def publish(out, docs):
    os.makedirs(docs, exist_ok=True)
    for src, dst in (("results.json", "benchmark-peers.json"), ("table.md", "benchmark-peers.md"),
                     ("peers.png", "benchmark-peers.png")):
        shutil.copy(os.path.join(out, src), os.path.join(docs, dst))
