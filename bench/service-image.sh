#!/usr/bin/env bash
# Lays the packaged service out as the container image (Dockerfile.jvm) has it, without a container engine:
# the application from target/quarkus-app, its native libraries extracted (deploy/container/extract-natives.sh)
# and a JDK 25 AOT cache trained on the embedded demo model (deploy/container/train.sh). Prints the directory.
# Redone only when target/quarkus-app changed. Benchmarks then start the service as the image does:
#
#   app=$(bench/service-image.sh)
#   APP_HOME=$app PATH=$JDK25/bin:$PATH DJL_CACHE_DIR=$app/native/djl MALLOC_ARENA_MAX=2 \
#     RERANKER_MODEL_PATH=... deploy/container/run.sh
#
# Options (or the environment variable of the same name in capitals):
#   --out DIR     where to lay it out (bench/.peer/service-image)
#   --jdk25 DIR   a JDK 25 home (/usr/lib/jvm/temurin-25-jdk-amd64)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/bench/options.sh"
OUT=${OUT:-$root/bench/.peer/service-image}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
parse_options "OUT JDK25" "$@"
app="$root/target/quarkus-app"
[ -f "$app/quarkus-run.jar" ] || { echo "no $app/quarkus-run.jar: ./mvnw -q package -DskipTests" >&2; exit 2; }
[ -x "$JDK25/bin/java" ] || { echo "no JDK 25 at $JDK25 (--jdk25 DIR)" >&2; exit 2; }
stamp=$(cd "$app" && find . -type f -printf '%p %s %T@\n' | sort | sha256sum | cut -c1-16)
if [ "$(cat "$OUT/.stamp" 2> /dev/null)" != "$stamp" ] || [ ! -s "$OUT/app.aot" ]; then
  rm -rf "$OUT" && mkdir -p "$OUT/bin"
  cp -a "$app/lib" "$app/app" "$app/quarkus" "$app/quarkus-run.jar" "$OUT/"
  cp "$root/deploy/container/run.sh" "$root/deploy/container/train.sh" "$OUT/bin/"
  PATH="$JDK25/bin:$PATH" "$root/deploy/container/extract-natives.sh" "$OUT/lib/main" "$OUT/native" cpu > /dev/null
  # the image's environment (Dockerfile.jvm) for the training run; the demo model, as the image build trains it
  env -u RERANKER_MODEL_PATH -u RERANKER_MODEL_ID APP_HOME="$OUT" PATH="$JDK25/bin:$PATH" \
    DJL_CACHE_DIR="$OUT/native/djl" MALLOC_ARENA_MAX=2 "$OUT/bin/train.sh" "$OUT/app.aot" > "$OUT/train.log" 2>&1 \
    || { echo "AOT training run failed, see $OUT/train.log" >&2; exit 1; }
  echo "$stamp" > "$OUT/.stamp"
fi
echo "$OUT"
