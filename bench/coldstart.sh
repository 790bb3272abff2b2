#!/usr/bin/env bash
# Cold start of the packaged service: milliseconds from launching `java` to the first 200 from
# /q/health/ready, and to the first 200 from POST /rerank, for each JVM configuration and model,
# RUNS times each, with the median. Not a test: it prints a Markdown table.
#
#   ./mvnw -q package -DskipTests && bench/coldstart.sh [options]
#
# Configurations (CONFIGS, space separated; default all of them that the JDKs present allow):
#   jdk17        JDK 17, plain
#   jdk17-cds    JDK 17 with a dynamic AppCDS archive (-XX:ArchiveClassesAtExit on a training run)
#   jdk25        JDK 25, plain
#   jdk25-aot    JDK 25 with an AOT cache (-XX:AOTCacheOutput on a training run, then -XX:AOTCache)
#   jdk25-aot-image  as jdk25-aot with the container image's flags (deploy/container/run.sh: Serial GC, no perf
#                data file, heap percentages), natives pre-extracted as the image has them
# Models (MODELS, default "demo small-xlmr"): demo = the embedded demo model, small-xlmr = MODEL_DIR (made by
# tools/oracle/python.sh tools/oracle/make_bench_model.py bench/.models/small-xlmr).
# A training run starts the service, waits for readiness, sends a few /rerank requests and stops it,
# as the container build does (deploy/container/train.sh).
#
# Options (or the environment variable of the same name in capitals):
#   --runs N          starts per configuration (5)
#   --configs "..."   configurations, space separated (see above)     --models "..."   demo and/or small-xlmr
#   --model-dir DIR   the small-xlmr model (bench/.models/small-xlmr)
#   --jdk17 DIR       JDK 17 home (java on PATH)                       --jdk25 DIR      (/usr/lib/jvm/temurin-25-jdk-amd64)
#   --port N          service port (18080)                             --java-opts "..." extra JVM flags for every run
#   --management-port N  probes' port, the management interface (service port + 1)
#   --out DIR         bench/results/coldstart-<timestamp>              --jar FILE       another build to compare
#   --help            this text; runs nothing
# Requests use bash's /dev/tcp and polls sleep with `read -t`, so measuring forks no process that
# would compete with the JVM for the two cores.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/bench/options.sh"
parse_options "RUNS CONFIGS MODELS MODEL_DIR JDK17 JDK25 PORT MANAGEMENT_PORT JAVA_OPTS OUT JAR" "$@"
RUNS="${RUNS:-5}" PORT="${PORT:-18080}" HZ=$(getconf CLK_TCK)
MANAGEMENT_PORT="${MANAGEMENT_PORT:-$((PORT + 1))}"
MODEL_DIR="${MODEL_DIR:-$root/bench/.models/small-xlmr}"
JDK25="${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA17="${JDK17:+$JDK17/bin/java}"; JAVA17="${JAVA17:-java}"
JAVA25="$JDK25/bin/java"
MODELS="${MODELS:-demo small-xlmr}"
OUT="${OUT:-$root/bench/results/coldstart-$(date -u +%Y%m%dT%H%M%SZ)}"
JAR="${JAR:-$root/target/quarkus-app/quarkus-run.jar}"
read -r -a EXTRA <<< "${JAVA_OPTS:-}"
[ -f "$JAR" ] || { echo "build first: ./mvnw -q package -DskipTests" >&2; exit 1; }
if [ -z "${CONFIGS:-}" ]; then
  CONFIGS="jdk17 jdk17-cds"
  [ -x "$JAVA25" ] && CONFIGS="$CONFIGS jdk25 jdk25-aot jdk25-aot-image"
fi
mkdir -p "$OUT"
BODY='{"query":"what is a cross encoder","texts":["A cross-encoder scores a query and a document together.","The kernel schedules processes."]}'

tick_fifo="$OUT/.tick"; rm -f "$tick_fifo"; mkfifo "$tick_fifo"; exec 9<>"$tick_fifo"
nap() { read -r -t "$1" -u 9 || true; }     # sleep without forking
now_us() { local t=${EPOCHREALTIME/./}; echo "${t#0}"; }

status=000
request() { # method path [body] -> sets $status (000 when nothing listens)
  local body=${3:-} line port=$PORT
  case $2 in /q/health*|/q/metrics*) port=$MANAGEMENT_PORT ;; esac   # the management interface
  status=000
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 0
  printf '%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
    "$1" "$2" "${#body}" "$body" >&3
  IFS= read -r -t 30 line <&3 || line=""
  exec 3<&- 3>&-
  line=${line#HTTP/1.1 }; status=${line:0:3}
}

pid=""
stop() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; fi; }
trap 'stop; exec 9<&-; rm -f "$tick_fifo"' EXIT

model_env() { # model -> env assignments
  case $1 in
    demo) echo "RERANKER_SHUTDOWN_PRE_STOP_DELAY=0s" ;;
    *) echo "RERANKER_SHUTDOWN_PRE_STOP_DELAY=0s RERANKER_MODEL_PATH=$MODEL_DIR" ;;
  esac
}

launch() { # log java flags... (env from $menv)
  local log=$1; shift
  request GET /q/health/live
  [ "$status" = 000 ] || { echo "something already answers on port $MANAGEMENT_PORT: set MANAGEMENT_PORT" >&2; exit 1; }
  request GET /health
  [ "$status" = 000 ] || { echo "something already answers on port $PORT: set PORT" >&2; exit 1; }
  # shellcheck disable=SC2086
  env $menv $cenv QUARKUS_HTTP_PORT="$PORT" QUARKUS_MANAGEMENT_PORT="$MANAGEMENT_PORT" "$@" "${EXTRA[@]}" -jar "$JAR" > "$log" 2>&1 &
  pid=$!
}

wait_status() { # method path body deadline_s -> returns when 200; fails when the server dies
  local deadline=$(( $(now_us) + $4 * 1000000 ))
  while :; do
    request "$1" "$2" "$3"
    [ "$status" = 200 ] && return 0
    kill -0 "$pid" 2>/dev/null || { echo "server died, see its log" >&2; return 1; }
    [ "$(now_us)" -lt "$deadline" ] || { echo "timed out waiting for $2" >&2; return 1; }
    nap 0.005
  done
}

train() { # log java flags... : start, serve a little, stop (archives are written at exit)
  launch "$@"
  wait_status GET /q/health/ready "" 120
  for _ in 1 2 3 4 5; do request POST /rerank "$BODY"; done
  stop
}

flags_for() { # config model -> sets $java, $flags and $cenv (training first when the config needs a cache)
  local archive="$OUT/$1-$2"
  cenv=""
  case $1 in
    jdk17) java=$JAVA17 flags=() ;;
    jdk25) java=$JAVA25 flags=() ;;
    jdk17-cds)
      java=$JAVA17
      [ -f "$archive.jsa" ] || train "$OUT/$1-$2.train.log" "$java" -XX:ArchiveClassesAtExit="$archive.jsa"
      flags=(-XX:SharedArchiveFile="$archive.jsa") ;;
    jdk25-aot)
      java=$JAVA25
      [ -f "$archive.aot" ] || train "$OUT/$1-$2.train.log" "$java" -XX:AOTCacheOutput="$archive.aot"
      flags=(-XX:AOTCache="$archive.aot") ;;
    jdk25-aot-image)
      java=$JAVA25
      local image=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:InitialRAMPercentage=5 -XX:MaxRAMPercentage=40 -XX:-UsePerfData
        --enable-native-access=ALL-UNNAMED -Donnxruntime.native.path="$OUT/native/onnxruntime"
        -Djna.boot.library.path="$OUT/native/jna" -Djna.nounpack=true)
      [ -d "$OUT/native" ] || PATH="$JDK25/bin:$PATH" "$root/deploy/container/extract-natives.sh" \
        "$root/target/quarkus-app/lib/main" "$OUT/native" cpu > /dev/null
      cenv="DJL_CACHE_DIR=$OUT/native/djl"
      [ -f "$archive.aot" ] || train "$OUT/$1-$2.train.log" "$java" "${image[@]}" \
        -XX:AOTCacheOutput="$archive.aot"
      flags=("${image[@]}" -XX:AOTCache="$archive.aot") ;;
    *) echo "unknown config $1" >&2; exit 1 ;;
  esac
}

cpu_ms() { # pid -> user+system CPU milliseconds of the process so far (from /proc, no fork)
  local stat rest
  read -r stat < "/proc/$1/stat" || { echo 0; return; }
  rest=${stat##*) }; set -- $rest
  echo $(( (${12} + ${13}) * 1000 / HZ ))
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "—"; else if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
{
echo "| model | JVM | ready ms (median) | first /rerank ms (median) | CPU ms to ready (median) | ready ms, all runs | first /rerank ms, all runs |"
echo "|---|---|---|---|---|---|---|"
for model in $MODELS; do
  menv=$(model_env "$model")
  for config in $CONFIGS; do
    flags_for "$config" "$model"
    : > "$OUT/$config-$model.ready"; : > "$OUT/$config-$model.first"; : > "$OUT/$config-$model.cpu"
    for run in $(seq 1 "$RUNS"); do
      log="$OUT/$config-$model.$run.log"
      t0=$(now_us)
      launch "$log" "$java" "${flags[@]}"
      wait_status GET /q/health/ready "" 120
      t1=$(now_us)
      cpu_ms "$pid" >> "$OUT/$config-$model.cpu"
      wait_status POST /rerank "$BODY" 30
      t2=$(now_us)
      stop
      echo $(( (t1 - t0) / 1000 )) >> "$OUT/$config-$model.ready"
      echo $(( (t2 - t0) / 1000 )) >> "$OUT/$config-$model.first"
    done
    echo "| $model | $config | $(median < "$OUT/$config-$model.ready") | $(median < "$OUT/$config-$model.first") | $(median < "$OUT/$config-$model.cpu") |" \
      "$(paste -sd' ' "$OUT/$config-$model.ready") | $(paste -sd' ' "$OUT/$config-$model.first") |"
  done
done
} | tee "$OUT/table.md"
echo
echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load average before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg); logs in $OUT" | tee -a "$OUT/table.md"
