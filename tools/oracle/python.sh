#!/usr/bin/env bash
# Runs a Python script of this folder in an environment with the pinned requirements.txt.
#   tools/oracle/python.sh tools/oracle/make_fixtures.py
# ORACLE_PYTHON names an interpreter that already has them (e.g. a shared virtualenv); otherwise a virtualenv is
# created once in tools/oracle/.venv (ignored by git). torch from PyPI is large (~1 GB with its CUDA libraries).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ -n "${ORACLE_PYTHON:-}" ]; then
  python="$ORACLE_PYTHON"
else
  venv="$here/.venv"
  python="$venv/bin/python"
  stamp="$venv/.requirements.sha256"
  want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
  if [ ! -x "$python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet -r "$here/requirements.txt"
    echo "$want" > "$stamp"
  fi
fi
exec "$python" "$@"
