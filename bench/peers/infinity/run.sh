#!/usr/bin/env bash
# Starts Infinity as its users start it, on 127.0.0.1:PORT, serving MODEL_DIR on the CPU with ENGINE
# (torch, the default, or optimum). Run setup.sh first.
#
#   bench/peers/infinity/run.sh PORT MODEL_DIR [torch|optimum [INFINITY_OPTIONS...]]
#
# torch:   MODEL_DIR in Hugging Face layout (config.json, model.safetensors, tokenizer); sentence-transformers'
#          CrossEncoder loads it.
# optimum: MODEL_DIR must also hold an ONNX export as model.onnx at its top (bench/peers/export_onnx.py makes
#          one). Infinity takes the ONNX file it finds in the directory (a name with "quantize" first on CPU),
#          optimises it with ONNX Runtime's transformer optimizer on the first start and caches the result.
#          With optimum 2, infinity-emb 0.0.78 hands optimum the file's path as it found it while optimum
#          matches base names, so only a top-level model.onnx found from a relative --model-id loads: this
#          script starts Infinity inside MODEL_DIR with --model-id . and keeps its optimised graph in
#          MODEL_DIR/.infinity-cache (the cache path is made from the model id, so "." must not share it).
#          The optimum engine truncates pairs at config.json's max_position_embeddings, and so does its
#          start-up warm-up, a long input: with 514 (2 more than an XLM-R model takes, its positions start
#          after the padding id) the warm-up fails ("indices element out of data bounds, idx=514"); with
#          bge-reranker-v2-m3's 8194 it asks ONNX Runtime for a 34 GB attention buffer. Start it with
#          --no-model-warmup.
#
# Routes (--url-prefix /v1): POST /v1/rerank (Cohere-shaped: query, documents, raw_scores, top_n),
# GET /health (not under the prefix). Telemetry is off (DO_NOT_TRACK=1) and nothing is fetched from a hub (HF_HUB_OFFLINE=1).
case "${1:-}" in -h|--help) awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; exit 0 ;; esac
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 PORT MODEL_DIR [torch|optimum [INFINITY_OPTIONS...]]" >&2; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"
venv="${VENV:-$here/../../.peer/infinity}"
[ -x "$venv/bin/infinity_emb" ] || { echo "no environment at $venv: run $here/setup.sh" >&2; exit 1; }
port=$1 model="$(cd "$2" && pwd)" engine=${3:-torch}
shift $(( $# < 3 ? $# : 3 ))
case $engine in
  torch) ;;
  optimum) [ -f "$model/model.onnx" ] || { echo "no model.onnx at the top of $model (optimum needs an ONNX export there)" >&2; exit 1; } ;;
  *) echo "engine must be torch or optimum" >&2; exit 2 ;;
esac
export DO_NOT_TRACK=1 INFINITY_ANONYMOUS_USAGE_STATS=0 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
export HF_HOME="${HF_HOME:-$here/../../.peer/hf}"
model_id=$model
if [ "$engine" = optimum ]; then
  cd "$model" && model_id=. && export HF_HUB_CACHE="$model/.infinity-cache"
fi
exec "$venv/bin/infinity_emb" v2 --model-id "$model_id" --engine "$engine" --device cpu \
  --host 127.0.0.1 --port "$port" --url-prefix /v1 --log-level warning "$@"
