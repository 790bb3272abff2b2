#!/bin/sh
# Entry point of the image (Dockerfile.jvm). JAVA_OPTS replaces the default JVM flags below; JAVA_OPTS_APPEND adds
# to them. The AOT cache made at image build time is used when this JVM can use it (same JDK build, same class path,
# same flags that matter); otherwise the JVM says so in one line and starts without it.
# -XX:TieredStopAtLevel=1 (C1 only): C2 compiling at boot cost ~1 s of CPU and ~0.5 s of time to ready on 2 cores,
# while throughput did not suffer (the work is in ONNX Runtime's and the tokenizer's native code): docs/benchmarks.md.
# G1 with a periodic collection after 15 s without one, and at most 30 % of the heap left free after it: the heap a
# burst grew goes back within ~30 s of idleness (Serial GC, and G1 without these, kept it): docs/security.md.
set -eu
app=${APP_HOME:-/app}
: "${JAVA_OPTS:=-XX:+UseG1GC -XX:G1PeriodicGCInterval=15000 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 \
-XX:TieredStopAtLevel=1 -XX:InitialRAMPercentage=5 -XX:MaxRAMPercentage=40 -XX:+ExitOnOutOfMemoryError \
-XX:-UsePerfData -Djava.io.tmpdir=/tmp --enable-native-access=ALL-UNNAMED \
-Donnxruntime.native.path=$app/native/onnxruntime -Djna.boot.library.path=$app/native/jna -Djna.nounpack=true}"
aot=""
if [ -f "$app/app.aot" ] && [ "${AOT_CACHE:-on}" != off ]; then
  aot="-XX:AOTCache=$app/app.aot"
fi
# shellcheck disable=SC2086
exec java $JAVA_OPTS ${JAVA_OPTS_APPEND:-} $aot -jar "$app/quarkus-run.jar" "$@"
