#!/usr/bin/env bash
# Creates bench/.peer/infinity: Python with the exact versions of requirements.txt (infinity-emb with
# its torch and optimum engines). Safe to run again; does nothing while requirements.txt is unchanged.
case "${1:-}" in -h|--help) awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; exit 0 ;; esac
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/../venv.sh" "${VENV:-$here/../../.peer/infinity}" "$here/requirements.txt"
