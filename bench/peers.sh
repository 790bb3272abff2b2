#!/usr/bin/env bash
# Benchmark of this service against the FastAPI + transformers wrapper and Infinity (torch and optimum
# engines), one after the other on this machine. `bench/peers.sh --help` for the options.
#
#   ./mvnw -q package -DskipTests && bench/peers.sh --small-model DIR --full-model DIR
#
# Creates on first use, under bench/.peer (ignored by git): the benchmark's environment (matplotlib),
# the peers' environments (bench/peers/*/setup.sh; several GB: torch) and ONNX exports where needed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python=${PYTHON:-$(command -v python3.11 || command -v python3)}
for a in "$@"; do
  case $a in -h|--help) exec "$python" "$here/peers/bench.py" --help ;; esac
done
"$here/peers/venv.sh" "$here/.peer/bench" "$here/peers/requirements-bench.txt"
"$here/peers/fastapi/setup.sh"
"$here/peers/infinity/setup.sh"
exec "$here/.peer/bench/bin/python" "$here/peers/bench.py" "$@"
