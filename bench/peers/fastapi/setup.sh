#!/usr/bin/env bash
# Creates bench/.peer/fastapi: Python with the exact versions of requirements.txt (torch, transformers,
# FastAPI, uvicorn). Safe to run again; does nothing while requirements.txt is unchanged.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/../venv.sh" "${VENV:-$here/../../.peer/fastapi}" "$here/requirements.txt"
