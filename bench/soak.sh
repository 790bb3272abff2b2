#!/usr/bin/env bash
# Memory soak of the packaged service: constant load (C=8, N=20, W=40) for DURATION seconds with RSS sampled
# every 10 s, then the slope after the first 2 minutes; then 50 unload/load cycles through the admin API
# with RSS after the 1st and the 50th; and how far RSS falls when the model is unloaded. Not a test.
#
#   tools/oracle/python.sh tools/oracle/make_bench_model.py bench/.models/small-xlmr   # once
#   ./mvnw -q package -DskipTests && bench/soak.sh [options]
#
# Options (or the environment variable of the same name in capitals):
#   --model-dir DIR   model served (bench/.models/small-xlmr)    --corpus FILE   request words (bench/corpus.txt)
#   --duration S      seconds of constant load (600)             --cycles N      unload/load cycles (50)
#   --port N          service port (8080)                        --out DIR       bench/results/soak-<timestamp>
#   --management-port N  the management interface's port (probes, metrics; service port + 1)
#   --help            this text; runs nothing
# Any RERANKER_* or MALLOC_* variable set in the environment reaches the service, to compare memory settings.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/bench/options.sh"
parse_options "MODEL_DIR CORPUS DURATION CYCLES PORT MANAGEMENT_PORT OUT" "$@"
MODEL_DIR="${MODEL_DIR:-$root/bench/.models/small-xlmr}"
CORPUS="${CORPUS:-$root/bench/corpus.txt}"
DURATION="${DURATION:-600}" CYCLES="${CYCLES:-50}" PORT="${PORT:-8080}"
MANAGEMENT_PORT="${MANAGEMENT_PORT:-$((PORT + 1))}"
OUT="${OUT:-$root/bench/results/soak-$(date -u +%Y%m%dT%H%M%SZ)}"
JAR="$root/target/quarkus-app/quarkus-run.jar"
KEY=soak-admin-key
mkdir -p "$OUT"
[ -f "$JAR" ] || { echo "build first: ./mvnw -q package -DskipTests" >&2; exit 1; }
[ -d "$MODEL_DIR" ] || { echo "no model at $MODEL_DIR; make it: tools/oracle/python.sh tools/oracle/make_bench_model.py bench/.models/small-xlmr" >&2; exit 1; }
base="http://127.0.0.1:$PORT"
rss_mb() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status"; }
admin() { curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $KEY" "$base/admin/model/$1"; }

RERANKER_MODEL_PATH="$MODEL_DIR" RERANKER_ADMIN_KEY="$KEY" QUARKUS_HTTP_PORT="$PORT" QUARKUS_MANAGEMENT_PORT="$MANAGEMENT_PORT" \
    java -jar "$JAR" > "$OUT/server.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
until [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/health")" = 200 ]; do sleep 0.1; done
echo "settings: $(env | grep -E '^(RERANKER_|MALLOC_)' | grep -v ADMIN_KEY | tr '\n' ' ')" | tee "$OUT/summary.txt"

echo "== soak: C=8 N=20 W=40 for ${DURATION}s, RSS every 10 s"
java "$root/bench/Load.java" --corpus "$CORPUS" --url "$base/rerank" --concurrency 8 --docs 20 --doc-words 40 \
    --duration "$DURATION" --warmup 0 --seed 7 > "$OUT/load.txt" &
load=$!
echo "seconds,rss_mb" > "$OUT/rss.csv"
start=$(date +%s)
while kill -0 "$load" 2>/dev/null; do
  echo "$(( $(date +%s) - start )),$(rss_mb)" >> "$OUT/rss.csv"
  sleep 10
done
grep -E "RESULT|STATUS" "$OUT/load.txt" | tee -a "$OUT/summary.txt"
# Least-squares slope of RSS over time after the first 120 s, in MB per minute.
awk -F, 'NR > 1 && $1 >= 120 { n++; x += $1; y += $2; xx += $1 * $1; xy += $1 * $2; if (!f) { f = $2 }; l = $2 }
  END { s = (n * xy - x * y) / (n * xx - x * x) * 60;
        printf "soak: %d samples after 120 s, RSS %.1f -> %.1f MB, slope %.2f MB/min\n", n, f, l, s }' \
  "$OUT/rss.csv" | tee -a "$OUT/summary.txt"

echo "== unload/load: $CYCLES cycles"
sleep 5
loaded=$(rss_mb)
[ "$(admin unload)" = 200 ] || { echo "unload failed"; exit 1; }
sleep 2
unloaded=$(rss_mb)
model_mb=$(du -Lm "$MODEL_DIR/model.onnx" | cut -f1)
awk -v a="$loaded" -v b="$unloaded" -v m="$model_mb" 'BEGIN {
  printf "unload: RSS %.1f -> %.1f MB, fell %.1f MB = %.0f%% of the %d MB model file\n", a, b, a - b, 100 * (a - b) / m, m }' \
  | tee -a "$OUT/summary.txt"
[ "$(admin load)" = 200 ] || { echo "load failed"; exit 1; }
body='{"query":"what license allows redistribution","texts":["You may redistribute modified versions.","The kernel schedules processes."]}'
for i in $(seq 1 "$CYCLES"); do
  [ "$(admin unload)" = 200 ] && [ "$(admin load)" = 200 ] || { echo "cycle $i failed"; exit 1; }
  curl -s -o /dev/null -H 'content-type: application/json' -d "$body" "$base/rerank"
  [ "$i" = 1 ] && first=$(rss_mb)
  echo "$i,$(rss_mb)" >> "$OUT/cycles.csv"
done
last=$(rss_mb)
awk -v a="$first" -v b="$last" -v n="$CYCLES" 'BEGIN {
  printf "cycles: RSS after the 1st %.1f MB, after the %dth %.1f MB (%+.1f MB)\n", a, n, b, b - a }' | tee -a "$OUT/summary.txt"
