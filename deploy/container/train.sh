#!/bin/bash
# AOT training run at image build time (Dockerfile.jvm): starts the service with the embedded demo model and the
# image's own flags plus -XX:AOTCacheOutput, waits for readiness, sends a few requests through every scoring route,
# health and metrics, and stops it with SIGTERM; the JVM writes the cache as it exits. Uses bash's /dev/tcp, so the
# image needs no curl.
set -euo pipefail
app=${APP_HOME:-/app}
out=${1:-$app/app.aot}
port=18080
management=18081   # the management interface: probes and metrics
export QUARKUS_HTTP_PORT=$port QUARKUS_MANAGEMENT_PORT=$management RERANKER_SHUTDOWN_PRE_STOP_DELAY=0s AOT_CACHE=off
export JAVA_OPTS_APPEND="${JAVA_OPTS_APPEND:-} -XX:AOTCacheOutput=$out"
"$app/bin/run.sh" &
pid=$!

request() { # method path body -> prints the status code
  local body=${3:-} line to=$port
  case $2 in /q/health*|/q/metrics*) to=$management ;; esac
  exec 3<>"/dev/tcp/127.0.0.1/$to" || { echo 000; return; }
  printf '%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
    "$1" "$2" "${#body}" "$body" >&3
  IFS= read -r line <&3 || line=""
  cat <&3 > /dev/null || true
  exec 3<&- 3>&-
  line=${line#HTTP/1.1 }; echo "${line:0:3}"
}

for _ in $(seq 1 600); do
  kill -0 "$pid" 2> /dev/null || { echo "training run: the service exited" >&2; exit 1; }
  [ "$(request GET /q/health/ready 2> /dev/null)" = 200 ] && break
  sleep 0.1
done
tei='{"query":"what is a cross encoder","texts":["A cross-encoder scores a query and a document together.","The kernel schedules processes."],"return_text":true}'
cohere='{"model":"m","query":"what is a cross encoder","documents":["A cross-encoder scores pairs.",{"text":"The kernel schedules."}],"top_n":1,"return_documents":true}'
for _ in $(seq 1 20); do
  [ "$(request POST /rerank "$tei")" = 200 ]
  [ "$(request POST /v1/rerank "$cohere")" = 200 ]
  [ "$(request POST /v2/rerank "$cohere")" = 200 ]
done
request GET /info > /dev/null; request GET /health > /dev/null; request GET /q/health/started > /dev/null
request GET /q/health/live > /dev/null; request GET /q/metrics > /dev/null
request POST /rerank '{"query":"","texts":[]}' > /dev/null   # an error path
kill -TERM "$pid"
wait "$pid" || true
[ -s "$out" ] || { echo "training run: no AOT cache written to $out" >&2; exit 1; }
echo "AOT cache: $(du -h "$out" | cut -f1) at $out"
