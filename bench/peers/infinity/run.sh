#!/usr/bin/env bash
# Starts Infinity as its users start it, on 127.0.0.1:PORT, serving MODEL_DIR on the CPU with ENGINE
# (torch, the default, or optimum). Run setup.sh first.
#
#   bench/peers/infinity/run.sh PORT MODEL_DIR [torch|optimum]
#
# torch:   MODEL_DIR in Hugging Face layout (config.json, model.safetensors, tokenizer); sentence-transformers'
#          CrossEncoder loads it.
# optimum: MODEL_DIR must also hold an ONNX export (e.g. onnx/model.onnx; bench/peers/export_onnx.py makes
#          one). Infinity takes the ONNX file it finds in the directory (a name with "quantize" first on CPU),
#          optimises it with ONNX Runtime's transformer optimizer on the first start, and writes the result,
#          *_optimized.onnx, into MODEL_DIR itself (a local path replaces its cache folder), where later
#          starts find it: give it a directory it may write to.
#
# Routes (--url-prefix /v1): POST /v1/rerank (Cohere-shaped: query, documents, raw_scores, top_n),
# GET /v1/health. Telemetry is off (DO_NOT_TRACK=1) and nothing is fetched from a hub (HF_HUB_OFFLINE=1).
set -euo pipefail
[ $# -ge 2 ] && [ $# -le 3 ] || { echo "usage: $0 PORT MODEL_DIR [torch|optimum]" >&2; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"
venv="${VENV:-$here/../../.peer/infinity}"
[ -x "$venv/bin/infinity_emb" ] || { echo "no environment at $venv: run $here/setup.sh" >&2; exit 1; }
port=$1 model="$(cd "$2" && pwd)" engine=${3:-torch}
case $engine in
  torch) ;;
  optimum) find "$model" -name '*.onnx' | grep -q . || { echo "no .onnx file under $model (optimum needs an ONNX export)" >&2; exit 1; } ;;
  *) echo "engine must be torch or optimum" >&2; exit 2 ;;
esac
export DO_NOT_TRACK=1 INFINITY_ANONYMOUS_USAGE_STATS=0 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
export HF_HOME="${HF_HOME:-$here/../../.peer/hf}"
exec "$venv/bin/infinity_emb" v2 --model-id "$model" --engine "$engine" --device cpu \
  --host 127.0.0.1 --port "$port" --url-prefix /v1 --log-level warning
