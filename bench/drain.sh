#!/usr/bin/env bash
# Graceful shutdown under load, on the packaged service: 16 clients keep sending, SIGTERM arrives, and
# every accepted request must get its 200, late ones 503 {error_type: unhealthy}, and the process must
# exit cleanly (0 or 143) within reranker.shutdown.drain-timeout. Not a unit test: a script.
#
#   ./mvnw -q package -DskipTests && bench/drain.sh [options]
#
# Options (or the environment variable of the same name in capitals):
#   --model-dir DIR   model served (bench/.models/small-xlmr when it exists, else the embedded demo model;
#                     make it with tools/oracle/python.sh tools/oracle/make_bench_model.py bench/.models/small-xlmr)
#   --clients N       clients sending without pause (16)
#   --before S        seconds of load before SIGTERM (3)
#   --pre-stop D      reranker.shutdown.pre-stop-delay (3s)
#   --drain S         reranker.shutdown.drain-timeout in seconds (25)
#   --port N          service port (8080)
#   --management-port N  the management interface's port (probes, metrics; service port + 1)
#   --help            this text; runs nothing
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/bench/options.sh"
parse_options "MODEL_DIR CLIENTS BEFORE PRE_STOP DRAIN PORT MANAGEMENT_PORT" "$@"
MODEL_DIR="${MODEL_DIR:-$root/bench/.models/small-xlmr}"
CLIENTS="${CLIENTS:-16}" BEFORE="${BEFORE:-3}" PRE_STOP="${PRE_STOP:-3s}" DRAIN="${DRAIN:-25}" PORT="${PORT:-8080}"
MANAGEMENT_PORT="${MANAGEMENT_PORT:-$((PORT + 1))}"
JAR="$root/target/quarkus-app/quarkus-run.jar"
[ -f "$JAR" ] || { echo "build first: ./mvnw -q package -DskipTests" >&2; exit 1; }
model_env=()
[ -f "$MODEL_DIR/model.onnx" ] && model_env=(RERANKER_MODEL_PATH="$MODEL_DIR")
log="$(mktemp /tmp/drain-server.XXXXXX.log)"

env "${model_env[@]}" QUARKUS_HTTP_PORT="$PORT" QUARKUS_MANAGEMENT_PORT="$MANAGEMENT_PORT" \
    RERANKER_SHUTDOWN_PRE_STOP_DELAY="$PRE_STOP" \
    RERANKER_SHUTDOWN_DRAIN_TIMEOUT="${DRAIN}s" java -jar "$JAR" > "$log" 2>&1 &
pid=$!
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health")" = 200 ]; do
  kill -0 "$pid" 2>/dev/null || { echo "server died:"; cat "$log"; exit 1; }
  sleep 0.05
done
java "$root/bench/DrainCheck.java" --url "http://127.0.0.1:$PORT/rerank" --pid "$pid" --clients "$CLIENTS" \
    --before "$BEFORE" --drain "$DRAIN" --log "$log" &
checker=$!
wait "$pid"; code=$?
wait "$checker"; verdict=$?
echo "server exit code: $code"
grep -E "Shutting down|Every accepted|Drain timeout|Released model|HTTP requests complete|stopped in" "$log" | sed 's/^/  log: /'
if [ "$verdict" -eq 0 ] && { [ "$code" -eq 0 ] || [ "$code" -eq 143 ]; }; then
  echo "PASS"; rm -f "$log"
else
  echo "FAIL (server log: $log)"; exit 1
fi
