#!/usr/bin/env bash
# Memory at rest after a storm: does the JVM give heap back once the service idles? Starts the packaged service
# (demo model) with JAVA_OPTS, overloads it for STORM seconds (C=32 clients, 200 documents of 80 words: most
# requests get 429, the queue stays full), then samples the Java heap (used and committed, from /q/metrics) and RSS
# every 15 s for IDLE seconds of idleness. Not a test: compare GC settings measured in one sitting.
#
#   ./mvnw -q package -DskipTests
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java JAVA_OPTS="-XX:+UseSerialGC" bench/idle-memory.sh
#
# Env: JAVA (java), JAVA_OPTS (the GC flags under test), CORPUS (../shared/bench/corpus.txt), STORM (30),
#      IDLE (90), PORT (8080), APP (target/quarkus-app).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
JAVA="${JAVA:-java}" JAVA_OPTS="${JAVA_OPTS:-}"
CORPUS="${CORPUS:-$(cd "$root/.." && pwd)/shared/bench/corpus.txt}"
STORM="${STORM:-30}" IDLE="${IDLE:-90}" PORT="${PORT:-8080}" APP="${APP:-$root/target/quarkus-app}"
base="http://127.0.0.1:$PORT"
# shellcheck disable=SC2086
QUARKUS_HTTP_PORT="$PORT" "$JAVA" $JAVA_OPTS -jar "$APP/quarkus-run.jar" > /tmp/idle-memory-$PORT.log 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
until [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/health")" = 200 ]; do sleep 0.2; done
sample() {
  local m heap_used heap_committed rss
  m=$(curl -s "$base/q/metrics")
  heap_used=$(echo "$m" | awk '/^jvm_memory_used_bytes\{area="heap"/ { s += $2 } END { printf "%.1f", s / 1048576 }')
  heap_committed=$(echo "$m" | awk '/^jvm_memory_committed_bytes\{area="heap"/ { s += $2 } END { printf "%.1f", s / 1048576 }')
  rss=$(awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status")
  printf '%-14s heap_used_mb=%-8s heap_committed_mb=%-8s rss_mb=%s\n' "$1" "$heap_used" "$heap_committed" "$rss"
}
echo "java: $("$JAVA" -version 2>&1 | head -1)  JAVA_OPTS: ${JAVA_OPTS:-(none)}"
sample "ready"
"$JAVA" "$root/bench/Load.java" --corpus "$CORPUS" --url "$base/rerank" --concurrency 32 --docs 200 \
    --doc-words 80 --duration "$STORM" --warmup 0 --seed 3 | grep -E '^(STATUS|RESULT)' || true
sample "storm end"
for t in $(seq 15 15 "$IDLE"); do
  sleep 15
  sample "idle ${t}s"
done
