#!/usr/bin/env bash
# Runs the standard load matrix against the packaged service (default settings, then max-wait=0) and,
# when it can be prepared (Node.js and npm), against the transformers.js peer of bench/peers/transformersjs,
# one after the other on this machine, then an overload storm, and writes a Markdown table. About 9 minutes.
# Not a test: it prints figures.
#
#   tools/oracle/python.sh tools/oracle/make_bench_model.py bench/.models/small-xlmr   # once
#   ./mvnw -q package -DskipTests && bench/matrix.sh [options]
#
# Options (or the environment variable of the same name in capitals, e.g. MODEL_DIR):
#   --model-dir DIR    model served by both (bench/.models/small-xlmr; needs model.onnx)
#   --corpus FILE      words of the generated requests (bench/corpus.txt)
#   --peer run|skip    run the transformers.js peer (run; its copy is installed once in bench/.peer/transformersjs)
#   --duration S       seconds measured per scenario (20)      --warmup S   seconds not counted first (3)
#   --seed N           workload seed (1)
#   --port N           service port (8080)                     --peer-port N   peer port (8091)
#   --management-port N  the service's management interface, where /q/metrics is read (service port + 1)
#   --out DIR          where results go (bench/results/<timestamp>)
#   --help             this text; runs nothing
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/bench/options.sh"
parse_options "MODEL_DIR CORPUS PEER DURATION WARMUP SEED PORT MANAGEMENT_PORT PEER_PORT OUT" "$@"
MODEL_DIR="${MODEL_DIR:-$root/bench/.models/small-xlmr}"
CORPUS="${CORPUS:-$root/bench/corpus.txt}"
PEER_SRC="$root/bench/peers/transformersjs"
DURATION="${DURATION:-20}" WARMUP="${WARMUP:-3}" SEED="${SEED:-1}"
PORT="${PORT:-8080}" PEER_PORT="${PEER_PORT:-8091}" MANAGEMENT_PORT="${MANAGEMENT_PORT:-$((PORT + 1))}"
OUT="${OUT:-$root/bench/results/$(date -u +%Y%m%dT%H%M%SZ)}"
JAR="$root/target/quarkus-app/quarkus-run.jar"
mkdir -p "$OUT"
[ -f "$JAR" ] || { echo "build first: ./mvnw -q package -DskipTests" >&2; exit 1; }
[ -f "$MODEL_DIR/model.onnx" ] || { echo "no model at $MODEL_DIR; make it: tools/oracle/python.sh tools/oracle/make_bench_model.py bench/.models/small-xlmr" >&2; exit 1; }
[ -f "$CORPUS" ] || { echo "no corpus at $CORPUS (--corpus FILE)" >&2; exit 1; }

SCENARIOS=("a 1 20 40" "b 8 20 40" "c 4 100 80" "d 32 5 40")
pid=""
stop() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; fi; }
trap stop EXIT

wait_http() { # url pid log
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" = 200 ]; do
    kill -0 "$2" 2>/dev/null || { echo "server died:" >&2; tail -20 "$3" >&2; exit 1; }
    sleep 0.05
  done
}

start_service() { # name, then env assignments
  local name=$1; shift
  env RERANKER_MODEL_PATH="$MODEL_DIR" QUARKUS_HTTP_PORT="$PORT" QUARKUS_MANAGEMENT_PORT="$MANAGEMENT_PORT" "$@" \
    java -jar "$JAR" > "$OUT/$name.server.log" 2>&1 &
  pid=$!
  wait_http "http://127.0.0.1:$PORT/health" "$pid" "$OUT/$name.server.log"
}

metric() { # file name -> value (sum of all series with that exact name)
  awk -v n="$2" '$1 == n || index($1, n "{") == 1 { s += $NF } END { printf "%.6f", s + 0 }' "$1"
}

rerank_requests() { # file -> completed POST /rerank requests
  awk '/^http_server_requests_seconds_count/ && /uri="\/rerank"/ { s += $NF } END { printf "%d", s + 0 }' "$1"
}

rss_kb() { ps -o rss= -p "$pid" | tr -d ' '; }

load() { # name url c n w -> writes $OUT/name.txt
  java "$root/bench/Load.java" --corpus "$CORPUS" --url "$2" --concurrency "$3" --docs "$4" --doc-words "$5" \
    --duration "$DURATION" --warmup "$WARMUP" --seed "$SEED" > "$OUT/$1.txt"
  grep -E "^(RESULT|STATUS|latency_ms)" "$OUT/$1.txt" | sed "s/^/  $1 /"
}

load_backoff() { # as load, with clients that honour Retry-After
  java "$root/bench/Load.java" --corpus "$CORPUS" --url "$2" --concurrency "$3" --docs "$4" --doc-words "$5" \
    --duration "$DURATION" --warmup "$WARMUP" --seed "$SEED" --honor-retry-after > "$OUT/$1.txt"
  grep -E "^(RESULT|STATUS|latency_ms)" "$OUT/$1.txt" | sed "s/^/  $1 /"
}

field() { sed -n "s/.*$2=\([0-9.NaN-]*\).*/\1/p" "$1" | head -1; }

run_service() { # target-name, env assignments...
  local target=$1; shift
  echo "== $target"
  start_service "$target" "$@"
  for s in "${SCENARIOS[@]}"; do
    set -- $s
    curl -s "http://127.0.0.1:$MANAGEMENT_PORT/q/metrics" > "$OUT/$target.$1.before.prom"
    load "$target.$1" "http://127.0.0.1:$PORT/rerank" "$2" "$3" "$4"
    curl -s "http://127.0.0.1:$MANAGEMENT_PORT/q/metrics" > "$OUT/$target.$1.after.prom"
    echo "$(rss_kb)" > "$OUT/$target.$1.rss"
  done
  stop
}

run_peer() {
  local dir="$root/bench/.peer/transformersjs"
  if [ "${PEER:-}" = skip ] || ! command -v npm > /dev/null; then echo "== peer: skipped"; return; fi
  if [ ! -e "$dir/models/$(basename "$MODEL_DIR")/onnx/model.onnx" ]; then
    echo "== peer: preparing a copy of $PEER_SRC in $dir (npm ci)"
    mkdir -p "$dir" && cp -r "$PEER_SRC/." "$dir/"
    (cd "$dir" && MODEL_DIR="$MODEL_DIR" ./setup.sh > "$OUT/peer.setup.log" 2>&1) || {
      echo "== peer: setup failed (see $OUT/peer.setup.log)"; return; }
  fi
  echo "== peer (transformers.js)"
  (cd "$dir" && MODEL="$(basename "$MODEL_DIR")" PORT="$PEER_PORT" exec ./run.sh) > "$OUT/peer.server.log" 2>&1 &
  pid=$!
  wait_http "http://127.0.0.1:$PEER_PORT/health" "$pid" "$OUT/peer.server.log"
  for s in "${SCENARIOS[@]}"; do
    set -- $s
    load "peer.$1" "http://127.0.0.1:$PEER_PORT/rerank" "$2" "$3" "$4"
    echo "$(rss_kb)" > "$OUT/peer.$1.rss"
  done
  stop
}

run_overload() {
  echo "== overload: C=64 N=20 W=40, max-queued-pairs=160, request-timeout=5s"
  start_service overload RERANKER_BATCH_MAX_QUEUED_PAIRS=160 RERANKER_REQUEST_TIMEOUT=5s
  load overload.warm "http://127.0.0.1:$PORT/rerank" 8 20 40 > /dev/null
  echo "$(rss_kb)" > "$OUT/overload.rss.before"
  load_backoff overload "http://127.0.0.1:$PORT/rerank" 64 20 40
  echo "$(rss_kb)" > "$OUT/overload.rss.after"
  load overload.storm "http://127.0.0.1:$PORT/rerank" 64 20 40
  echo "$(rss_kb)" > "$OUT/overload.rss.storm"
  sleep 10
  echo "$(rss_kb)" > "$OUT/overload.rss.rest"
  load overload.calm "http://127.0.0.1:$PORT/rerank" 8 20 40 > /dev/null
  echo "$(rss_kb)" > "$OUT/overload.rss.calm"
  stop
}

run_service service
run_service maxwait0 RERANKER_BATCH_MAX_WAIT=0
run_peer
run_overload

# ---- table ----
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "—" }'; }
table="$OUT/table.md"
{
  echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs),"
  echo "model $(basename "$MODEL_DIR"), ${DURATION}s per scenario after ${WARMUP}s warm-up, seed $SEED."
  echo "Inference ms per request: the session runs of the service (its reranker_inference_seconds) divided by the"
  echo "requests it answered, i.e. the bare model time of a request measured in the same process."
  echo
  echo "| scenario | service pairs/s | p50 / p99 ms | max-wait=0 pairs/s | p50 / p99 ms | peer pairs/s | p50 / p99 ms | service ÷ peer | service ÷ max-wait=0 | padding ratio | inference ms per request | p50 ÷ inference | RSS MB |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  for s in "${SCENARIOS[@]}"; do
    set -- $s
    sv="$OUT/service.$1.txt" mw="$OUT/maxwait0.$1.txt" pe="$OUT/peer.$1.txt"
    s_pps=$(field "$sv" pairs_per_s) m_pps=$(field "$mw" pairs_per_s)
    p_pps=$( [ -f "$pe" ] && field "$pe" pairs_per_s || echo 0)
    b="$OUT/service.$1.before.prom" a="$OUT/service.$1.after.prom"
    padded=$(awk -v x="$(metric "$a" reranker_tokens_padded_total)" -v y="$(metric "$b" reranker_tokens_padded_total)" 'BEGIN{print x-y}')
    real=$(awk -v x="$(metric "$a" reranker_tokens_real_total)" -v y="$(metric "$b" reranker_tokens_real_total)" 'BEGIN{print x-y}')
    isum=$(awk -v x="$(metric "$a" reranker_inference_seconds_sum)" -v y="$(metric "$b" reranker_inference_seconds_sum)" 'BEGIN{print x-y}')
    reqs=$(( $(rerank_requests "$a") - $(rerank_requests "$b") ))
    inf_ms=$(awk -v s="$isum" -v r="$reqs" 'BEGIN{ if (r > 0) printf "%.1f", 1000*s/r; else print "—" }')
    echo "| ($1) C=$2 N=$3 W=$4 | $s_pps | $(field "$sv" p50_ms) / $(field "$sv" p99_ms) | $m_pps | $(field "$mw" p50_ms) / $(field "$mw" p99_ms) | $( [ -f "$pe" ] && echo "$p_pps | $(field "$pe" p50_ms) / $(field "$pe" p99_ms)" || echo "— | —") | $(ratio "$s_pps" "$p_pps") | $(ratio "$s_pps" "$m_pps") | $(ratio "$padded" "$real") | $inf_ms | $(ratio "$(field "$sv" p50_ms)" "$inf_ms") | $(( $(cat "$OUT/service.$1.rss") / 1024 )) |"
  done
  echo
  echo "Overload (C=64, N=20, W=40, max-queued-pairs=160, request-timeout=5s), clients honouring Retry-After:"
  echo "$(grep '^STATUS' "$OUT/overload.txt"), $(grep '^RESULT' "$OUT/overload.txt" | cut -d' ' -f2),"
  echo "accepted $(grep '^latency_ms' "$OUT/overload.txt" | cut -d' ' -f2-)."
  echo "Same storm, clients retrying at once (they share the 2 cores with the server): $(grep '^STATUS' "$OUT/overload.storm.txt"),"
  echo "$(grep '^RESULT' "$OUT/overload.storm.txt" | cut -d' ' -f2), accepted $(grep '^latency_ms' "$OUT/overload.storm.txt" | cut -d' ' -f2-)."
  echo "RSS MB before $(( $(cat "$OUT/overload.rss.before") / 1024 )), after the storm with backoff $(( $(cat "$OUT/overload.rss.after") / 1024 )),"
  echo "after the storm without $(( $(cat "$OUT/overload.rss.storm") / 1024 )), after 10 s rest $(( $(cat "$OUT/overload.rss.rest") / 1024 )), after 20 s of normal load again $(( $(cat "$OUT/overload.rss.calm") / 1024 ))."
} > "$table"
echo
cat "$table"
