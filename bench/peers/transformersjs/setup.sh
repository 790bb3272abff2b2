#!/usr/bin/env bash
# Installs @huggingface/transformers from package-lock.json into this folder and lays out one model the way
# transformers.js looks for it: models/<name>/onnx/model.onnx and the JSON files beside, as links to MODEL_DIR.
#
#   MODEL_DIR=bench/.models/small-xlmr bench/peers/transformersjs/setup.sh
#
# bench/matrix.sh runs it on a copy of this folder under bench/.peer/transformersjs (node_modules is ~470 MB).
case "${1:-}" in -h|--help) awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; exit 0 ;; esac
set -euo pipefail
cd "$(dirname "$0")"
[ -n "${MODEL_DIR:-}" ] && [ -f "$MODEL_DIR/model.onnx" ] || { echo "MODEL_DIR must name a folder with model.onnx" >&2; exit 1; }
MODEL_DIR="$(cd "$MODEL_DIR" && pwd)"

# onnxruntime-node's postinstall would download CUDA binaries; the CPU binaries are in the npm package, so skip it
# (also set in .npmrc).
export ONNXRUNTIME_NODE_INSTALL=skip
npm ci --no-audit --no-fund

name="$(basename "$MODEL_DIR")"
rm -rf "models/$name" && mkdir -p "models/$name/onnx"
for f in config.json tokenizer.json tokenizer_config.json special_tokens_map.json; do
  if [ -f "$MODEL_DIR/$f" ]; then ln -s "$MODEL_DIR/$f" "models/$name/$f"; fi
done
ln -s "$MODEL_DIR/model.onnx" "models/$name/onnx/model.onnx"
echo "prepared: models/$name"
