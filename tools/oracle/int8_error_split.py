"""Where int8's error comes from: rounding the weights or rounding the activations. Not a test: prints figures.

    tools/oracle/python.sh tools/oracle/int8_error_split.py

For each safetensors fixture trained with transformers (st-xlmr, st-bert), the model is exported to ONNX by
torch.onnx (float32), and every linear layer of the encoder (the MatMul of attention's query, key, value and output,
and of the feed-forward pair: not the pooler, the classifier or query x key) is rewritten, in ONNX Runtime, as:

- fp32: untouched: the reference every other variant is compared with.
- weights only: the weight quantized and dequantized back to float32 (rounding as the int8 kernel sees it), the
  product in float32.
- activations only: the activation quantized and dequantized per run (DynamicQuantizeLinear + DequantizeLinear:
  uint8, one scale and zero point over the whole batch), the weight float32.
- weights + activations, in float: both of the above, the product still float32.
- dynamic int8 (ORT): com.microsoft.DynamicQuantizeMatMul over the quantized weight, as the service's int8 graph
  runs it: the integer kernel of this CPU (on AVX2 without VNNI: vpmaddubsw for int8 weights, saturating int16
  pair sums; a uint8 x uint8 kernel for uint8 weights).

Weight formats: s7 (symmetric per output channel within +-63, int8: the service's default) and u8-asym (uint8 per
output channel spanning [min(lo, 0), max(hi, 0)], with a zero point, as DynamicQuantizeLinear rounds). Each query's
documents are scored in one batch. Query sets: the fixtures' pairs in src/test/resources/safetensors/reference.json
(token ids as recorded there) and safetensors/int8-queries.json (40 queries x 20 documents). Printed per model, set
and variant: top-1 agreement (the same first document), top-3 (the same three first), mean and least Spearman,
largest |delta logit|, and the largest float32 lead (first over second document) among the top-1 misses.
"""
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx import helper, numpy_helper
from transformers import AutoModelForSequenceClassification, AutoTokenizer

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "src/test/resources/safetensors"
MODELS = ["st-xlmr", "st-bert"]
FORMATS = ["s7", "u8-asym"]


# ---- weight formats: w is [in, out] (ONNX MatMul's B); channels are output columns -------------------------------

def quantize(w, fmt):
    """(q, scale, zero_point) per output column, as Int8Weights writes them (round half to even, like Math.rint)."""
    if fmt == "s7":
        peak = np.abs(w).max(axis=0)
        scale = np.where(peak == 0, 1, peak / 63).astype(np.float32)
        q = np.clip(np.rint(w / scale), -63, 63).astype(np.int8)
        return q, scale, None
    lo = np.minimum(w.min(axis=0), 0)
    hi = np.maximum(w.max(axis=0), 0)
    scale = np.where(hi == lo, 1, (hi - lo) / 255).astype(np.float32)
    zero = np.clip(np.rint(-lo / scale), 0, 255)
    q = np.clip(np.rint(w / scale) + zero, 0, 255).astype(np.uint8)
    return q, scale, zero.astype(np.uint8)


def dequantize(q, scale, zero):
    return ((q.astype(np.float32) - (0 if zero is None else zero.astype(np.float32))) * scale).astype(np.float32)


# ---- graphs ---------------------------------------------------------------------------------------------------------

def export(model, has_types, path):
    ids = torch.ones(2, 8, dtype=torch.long)
    inputs = (ids, torch.ones_like(ids)) + ((torch.zeros_like(ids),) if has_types else ())
    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if has_types else [])
    axes = {n: {0: "batch", 1: "sequence"} for n in names}
    torch.onnx.export(model, inputs, str(path), input_names=names, output_names=["logits"], dynamic_axes=axes,
                      opset_version=17, dynamo=False)


def encoder_linears(graph):
    """The MatMul nodes of the encoder's linear layers: a constant [in, out] weight, inside /encoder/layer."""
    consts = {t.name: t for t in graph.initializer}
    return [n for n in graph.node if n.op_type == "MatMul" and "/encoder/layer" in n.name and n.input[1] in consts]


def variant(base, name, fmt):
    """A copy of the float32 graph with every encoder linear rewritten as `name` says."""
    m = onnx.ModelProto()
    m.CopyFrom(base)
    g = m.graph
    consts = {t.name: t for t in g.initializer}
    linears = {n.name for n in encoder_linears(g)}
    nodes = []
    for n in g.node:
        if n.name not in linears:
            nodes.append(n)
            continue
        x, wname = n.input[0], n.input[1]
        w = numpy_helper.to_array(consts[wname])
        q, scale, zero = quantize(w, fmt)
        if name in ("weights", "both"):
            consts[wname].CopyFrom(numpy_helper.from_array(dequantize(q, scale, zero), wname))
        if name in ("activations", "both"):
            t = n.name
            nodes.append(helper.make_node("DynamicQuantizeLinear", [x], [t + "_xq", t + "_xs", t + "_xz"]))
            nodes.append(helper.make_node("DequantizeLinear", [t + "_xq", t + "_xs", t + "_xz"], [t + "_xd"]))
            x = t + "_xd"
        if name == "int8":
            t = wname
            g.initializer.append(numpy_helper.from_array(q, t + "_q"))
            g.initializer.append(numpy_helper.from_array(scale, t + "_s"))
            zp = [] if zero is None else [t + "_z"]
            if zero is not None:
                g.initializer.append(numpy_helper.from_array(zero, t + "_z"))
            nodes.append(helper.make_node("DynamicQuantizeMatMul", [x, t + "_q", t + "_s"] + zp, list(n.output),
                                          domain="com.microsoft"))
            continue
        nodes.append(helper.make_node("MatMul", [x, wname], list(n.output), name=n.name))
    del g.node[:]
    g.node.extend(nodes)
    if name == "int8":
        m.opset_import.append(helper.make_opsetid("com.microsoft", 1))
        used = {i for n in g.node for i in n.input}
        kept = [t for t in g.initializer if t.name in used]
        del g.initializer[:]
        g.initializer.extend(kept)
    return m


def session(model):
    options = ort.SessionOptions()
    # Basic optimizations only: no fusion may fold a Quantize/Dequantize pair back into an integer kernel.
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.intra_op_num_threads = 2
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


# ---- queries --------------------------------------------------------------------------------------------------------

def reference_queries(model):
    cases = json.loads((FIXTURES / "reference.json").read_text())["cases"]
    return [(c["input_ids"], c.get("token_type_ids")) for c in cases if c["model"] == model]


def fidelity_queries(model, tokenizer):
    sets = json.loads((FIXTURES / "int8-queries.json").read_text())["sets"][model[len("st-"):]]
    out = []
    for q in sets:
        enc = tokenizer([q["query"]] * len(q["documents"]), q["documents"], truncation=True, max_length=512)
        out.append((enc["input_ids"], enc.get("token_type_ids")))
    return out


def feeds(query, pad, has_types):
    ids, types = query
    width = max(len(i) for i in ids)
    feed = {"input_ids": np.array([i + [pad] * (width - len(i)) for i in ids], dtype=np.int64),
            "attention_mask": np.array([[1] * len(i) + [0] * (width - len(i)) for i in ids], dtype=np.int64)}
    if has_types:
        types = types or [[0] * len(i) for i in ids]
        feed["token_type_ids"] = np.array([t + [0] * (width - len(t)) for t in types], dtype=np.int64)
    return feed


# ---- figures --------------------------------------------------------------------------------------------------------

def ranks(v):
    order = np.argsort(v, kind="stable")
    r = np.empty(len(v))
    i = 0
    while i < len(v):
        j = i
        while j + 1 < len(v) and v[order[j + 1]] == v[order[i]]:
            j += 1
        r[order[i:j + 1]] = (i + j) / 2
        i = j + 1
    return r


def spearman(x, y):
    if len(x) < 2:
        return 1.0
    rx, ry = ranks(x), ranks(y)
    if rx.std() == 0 or ry.std() == 0:
        return 1.0 if rx.std() == ry.std() else 0.0
    return float(np.corrcoef(rx, ry)[0, 1])


def top(v, k):
    return sorted(np.argsort(-v, kind="stable")[:k].tolist())


def figures(reference, other):
    rho = [spearman(x, y) for x, y in zip(reference, other)]
    top1 = [top(x, 1) == top(y, 1) for x, y in zip(reference, other)]
    top3 = [top(x, 3) == top(y, 3) for x, y in zip(reference, other)]
    missed = [np.sort(x)[-1] - np.sort(x)[-2] for x, same in zip(reference, top1) if not same and len(x) > 1]
    delta = max(float(np.abs(x - y).max()) for x, y in zip(reference, other))
    return (f"top-1 {100 * np.mean(top1):5.1f}% ({sum(top1):2d}/{len(top1):2d})  top-3 {100 * np.mean(top3):5.1f}%"
            f"  Spearman mean {np.mean(rho):.4f} min {min(rho):.4f}  max |d logit| {delta:.4f}"
            f"  largest fp32 lead missed {max(missed) if missed else 0:.4f}"), sum(top1), len(top1)


def main():
    print(f"onnxruntime {ort.__version__}, torch {torch.__version__}")
    totals = {}
    with tempfile.TemporaryDirectory() as work:
        for name in MODELS:
            directory = FIXTURES / name
            model = AutoModelForSequenceClassification.from_pretrained(directory, dtype=torch.float32).eval()
            tokenizer = AutoTokenizer.from_pretrained(directory)
            has_types = model.config.model_type == "bert"
            path = Path(work) / f"{name}.onnx"
            export(model, has_types, path)
            base = onnx.load(path)
            assert len(encoder_linears(base.graph)) == 6 * model.config.num_hidden_layers, "encoder linears"
            variants = {"fp32": base}
            for fmt in FORMATS:
                for kind in ("weights", "activations", "both", "int8"):
                    if kind == "activations" and fmt != FORMATS[0]:
                        continue  # activations alone do not depend on the weight format
                    label = "activations only" if kind == "activations" else {
                        "weights": f"{fmt} weights only", "both": f"{fmt} weights + activations, in float",
                        "int8": f"{fmt} dynamic int8 (ORT kernel)"}[kind]
                    variants[label] = variant(base, kind, fmt)
            sessions = {label: session(m) for label, m in variants.items()}
            pad = model.config.pad_token_id
            for set_name, queries in (("reference pairs", reference_queries(name)),
                                      ("fidelity set", fidelity_queries(name, tokenizer))):
                logits = {label: [s.run(None, feeds(q, pad, has_types))[0][:, 0] for q in queries]
                          for label, s in sessions.items()}
                with torch.no_grad():
                    check = max(float(np.abs(model(**{k: torch.from_numpy(v) for k, v in feeds(q, pad, has_types)
                                                      .items()}).logits[:, 0].numpy() - x).max())
                                for q, x in zip(queries, logits["fp32"]))
                print(f"\n{name} {set_name}: {len(queries)} queries (fp32 ONNX within {check:.1e} of transformers)")
                for label in variants:
                    if label == "fp32":
                        continue
                    text, agree, n = figures(logits["fp32"], logits[label])
                    a, b = totals.get(label, (0, 0))
                    totals[label] = (a + agree, b + n)
                    print(f"  {label:40s} {text}")
    print("\nall sets: top-1 agreement")
    for label, (agree, n) in totals.items():
        print(f"  {label:40s} {agree}/{n} ({100 * agree / n:.1f}%)")


if __name__ == "__main__":
    sys.exit(main())
