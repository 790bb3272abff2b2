#!/usr/bin/env bash
# Which GC settings give heap back after a storm? Runs bench/idle-memory.sh (30 s storm of ~0.5 MB requests, 60 s
# idle, demo model) once per setting below, one after the other in one sitting, and prints each run's samples. The figures in
# docs/security.md ("Memory at rest") come from this script.
#
#   ./mvnw -q package -DskipTests && bench/idle-memory-gc.sh
#
# Settings compared (all with the image's other flags: C1 only, heap 5% initial / 40% max of a 2 GiB container):
#   jar-default    no flags at all, as `java -jar` ran before (on this machine: G1, max heap 1/4 of RAM)
#   serial         the image's flags before: -XX:+UseSerialGC
#   g1-periodic    G1, a concurrent cycle after 15 s without a collection (heap shrinks to G1's default 70% free)
#   g1-periodic-30 the same, free heap above 30% given back (-XX:MaxHeapFreeRatio=30 -XX:MinHeapFreeRatio=10)
#   shenandoah     Shenandoah, a cycle at least every 30 s, free regions uncommitted after 15 s (experimental flags)
# Env: JAVA (temurin 25 if present, else java), PORT (8080; each setting uses the next two ports: service and
#      management interface), STORM, IDLE, STEP.
set -euo pipefail
if [ "${1:-}" = --help ] || [ "${1:-}" = -h ]; then
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
here="$(cd "$(dirname "$0")" && pwd)"
if [ -z "${JAVA:-}" ]; then
  JAVA=java
  [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ] && JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
fi
export JAVA
port="${PORT:-8080}"
image="-XX:TieredStopAtLevel=1 -XX:MaxRAM=2g -XX:InitialRAMPercentage=5 -XX:MaxRAMPercentage=40"
names=(jar-default serial g1-periodic g1-periodic-30 shenandoah)
flags=(
  ""
  "-XX:+UseSerialGC $image"
  "-XX:+UseG1GC -XX:G1PeriodicGCInterval=15000 $image"
  "-XX:+UseG1GC -XX:G1PeriodicGCInterval=15000 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 $image"
  "-XX:+UseShenandoahGC -XX:+UnlockExperimentalVMOptions -XX:ShenandoahGuaranteedGCInterval=30000 \
-XX:ShenandoahUncommitDelay=15000 $image"
)
echo "date: $(date -u '+%Y-%m-%dT%H:%M:%SZ')  host: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
for i in "${!names[@]}"; do
  echo
  echo "== ${names[$i]}"
  JAVA_OPTS="${flags[$i]}" PORT=$((port + 2 * i)) MANAGEMENT_PORT=$((port + 2 * i + 1)) "$here/idle-memory.sh"
done
