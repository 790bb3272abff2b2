#!/usr/bin/env bash
# Serves MODEL_DIR (Hugging Face layout: config.json, model.safetensors, tokenizer) with the FastAPI +
# transformers wrapper of server.py on 127.0.0.1:PORT, one uvicorn worker, CPU. Run setup.sh first.
#
#   bench/peers/fastapi/run.sh PORT MODEL_DIR
#
# Routes: POST /rerank (TEI body), GET /health. Nothing is fetched from a hub (HF_HUB_OFFLINE=1).
case "${1:-}" in -h|--help) awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; exit 0 ;; esac
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 PORT MODEL_DIR" >&2; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"
venv="${VENV:-$here/../../.peer/fastapi}"
[ -x "$venv/bin/uvicorn" ] || { echo "no environment at $venv: run $here/setup.sh" >&2; exit 1; }
export MODEL_DIR="$(cd "$2" && pwd)" HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec "$venv/bin/uvicorn" server:app --app-dir "$here" --host 127.0.0.1 --port "$1" --workers 1 --log-level warning
