#!/usr/bin/env bash
# Creates (or brings up to date) a virtual environment with exactly the versions of a requirements file.
#
#   bench/peers/venv.sh VENV_DIR REQUIREMENTS_FILE
#
# Idempotent: the environment records the checksum of the requirements it was made from and is left
# alone while that file is unchanged; otherwise it is made again from scratch. Wheels are downloaded once
# into a wheelhouse shared by the environments (bench/.peer/wheels, WHEELHOUSE to change) and installed
# from there, so the torch wheels (several GB with the CUDA libraries PyPI's Linux torch depends on) are
# fetched once for every environment that pins the same version, even where pip's HTTP cache stores
# nothing.
# PYTHON picks the interpreter (default python3.11, else python3).
case "${1:-}" in -h|--help) awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; exit 0 ;; esac
set -euo pipefail
venv=$1 reqs=$2
here="$(cd "$(dirname "$0")" && pwd)"
wheels="${WHEELHOUSE:-$here/../.peer/wheels}"
python=${PYTHON:-$(command -v python3.11 || command -v python3)}
sum=$(sha256sum "$reqs" | cut -d' ' -f1)
if [ -f "$venv/.requirements.sha256" ] && [ "$(cat "$venv/.requirements.sha256")" = "$sum" ]; then
  exit 0
fi
echo "creating $venv from $reqs (wheels in $wheels)" >&2
rm -rf "$venv"    # made from other requirements: start afresh, so that nothing else stays installed
"$python" -m venv "$venv"
mkdir -p "$wheels"
"$venv/bin/pip" download --quiet --disable-pip-version-check -d "$wheels" -r "$reqs"
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-index --find-links "$wheels" -r "$reqs"
echo "$sum" > "$venv/.requirements.sha256"
