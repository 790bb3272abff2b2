#!/usr/bin/env bash
# Creates bench/.peer/fastapi: Python with the exact versions of requirements.txt (torch, transformers,
# FastAPI, uvicorn). Safe to run again; does nothing while requirements.txt is unchanged.
case "${1:-}" in -h|--help) awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; exit 0 ;; esac
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/../venv.sh" "${VENV:-$here/../../.peer/fastapi}" "$here/requirements.txt"
