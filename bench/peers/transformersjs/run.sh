#!/usr/bin/env bash
# Starts the transformers.js peer (server.mjs) in the foreground on 127.0.0.1. Run setup.sh first.
# Env: PORT (8091), MODEL (small-xlmr: a folder under models/),
# MAX_LENGTH (512), INTRA_OP_THREADS (onnxruntime default when unset).
case "${1:-}" in -h|--help) awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; exit 0 ;; esac
set -euo pipefail
cd "$(dirname "$0")"
exec node server.mjs
