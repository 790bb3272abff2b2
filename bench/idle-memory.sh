#!/usr/bin/env bash
# Memory at rest after a storm: does the JVM give heap back once the service idles? Starts the packaged service
# (demo model) with JAVA_OPTS, overloads it for STORM seconds (32 clients, DOCS documents of WORDS words, bodies
# of ~0.5 MB: most requests get 429, the queue stays full), then samples the Java heap (used and committed, from
# /q/metrics) and RSS every STEP seconds for IDLE seconds of idleness. Not a test: compare GC settings measured in one sitting
# (bench/idle-memory-gc.sh runs them all).
#
#   ./mvnw -q package -DskipTests
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java JAVA_OPTS="-XX:+UseSerialGC" bench/idle-memory.sh
#
# Env: JAVA (java), JAVA_OPTS (the GC flags under test), CORPUS (a text file the workload draws words from;
#      default: the repository's README and docs), STORM (30), DOCS (500), WORDS (120), IDLE (60), STEP (15),
#      PORT (8080), MANAGEMENT_PORT (PORT + 1: /q/metrics), APP (target/quarkus-app), MALLOC_ARENA_MAX (2).
# Output: one line per sample, "<when> heap_used_mb=.. heap_committed_mb=.. rss_mb=..", the storm's status counts.
set -euo pipefail
if [ "${1:-}" = --help ] || [ "${1:-}" = -h ]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
JAVA="${JAVA:-java}" JAVA_OPTS="${JAVA_OPTS:-}"
STORM="${STORM:-30}" DOCS="${DOCS:-500}" WORDS="${WORDS:-120}" IDLE="${IDLE:-60}" STEP="${STEP:-15}" PORT="${PORT:-8080}" APP="${APP:-$root/target/quarkus-app}"
MANAGEMENT_PORT="${MANAGEMENT_PORT:-$((PORT + 1))}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
[ -f "$APP/quarkus-run.jar" ] || { echo "no $APP/quarkus-run.jar: ./mvnw -q package -DskipTests" >&2; exit 1; }
work="$(mktemp -d)"
CORPUS="${CORPUS:-}"
if [ -z "$CORPUS" ]; then
  CORPUS="$work/corpus.txt"
  cat "$root/README.md" "$root"/docs/*.md > "$CORPUS"
fi
base="http://127.0.0.1:$PORT"
management="http://127.0.0.1:$MANAGEMENT_PORT"
# shellcheck disable=SC2086
QUARKUS_HTTP_PORT="$PORT" QUARKUS_MANAGEMENT_PORT="$MANAGEMENT_PORT" "$JAVA" $JAVA_OPTS -jar "$APP/quarkus-run.jar" > "$work/service.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
trap 'exit 143' TERM INT
for _ in $(seq 1 600); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/health")" = 200 ] && break
  kill -0 "$pid" 2>/dev/null || { echo "service exited:" >&2; tail -20 "$work/service.log" >&2; exit 1; }
  sleep 0.2
done
sample() {
  local m heap_used heap_committed rss
  m=$(curl -s "$management/q/metrics")
  heap_used=$(echo "$m" | awk '/^jvm_memory_used_bytes\{area="heap"/ { s += $NF } END { printf "%.1f", s / 1048576 }')
  heap_committed=$(echo "$m" | awk '/^jvm_memory_committed_bytes\{area="heap"/ { s += $NF } END { printf "%.1f", s / 1048576 }')
  rss=$(awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status")
  printf '%-14s heap_used_mb=%-8s heap_committed_mb=%-8s rss_mb=%s\n' "$1" "$heap_used" "$heap_committed" "$rss"
}
echo "java: $("$JAVA" -version 2>&1 | head -1)  JAVA_OPTS: ${JAVA_OPTS:-(none)}"
# shellcheck disable=SC2086
echo "gc: $("$JAVA" $JAVA_OPTS -XX:+PrintFlagsFinal -version 2>/dev/null \
  | awk '/ Use(Serial|Parallel|G1|Shenandoah|Z)GC .*= true/ { gc = $2 } / MaxHeapSize / { mb = $4 / 1048576 }
         END { printf "%s, max heap %.0f MB", gc, mb }')"
sample "ready"
"$JAVA" "$root/bench/Load.java" --corpus "$CORPUS" --url "$base/rerank" --concurrency 32 \
    --docs "$DOCS" --doc-words "$WORDS" --duration "$STORM" --warmup 0 --seed 3 | grep -E '^(status|STATUS|RESULT)' || true
sample "storm end"
for t in $(seq "$STEP" "$STEP" "$IDLE"); do
  sleep "$STEP"
  sample "idle ${t}s"
done
