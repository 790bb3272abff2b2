#!/usr/bin/env bash
# Speed of the int8 weight formats against float32 in bare ONNX Runtime (no service, no HTTP): the graph the service
# builds from a safetensors directory, once in float32 and once per weight format, one batch of 20 pairs x 64
# tokens, median of five runs after a warm-up (GraphTool --load --bench), every format in each of ROUNDS rounds so
# that all ratios come from the same minutes of a noisy machine. Not a test: it prints each run and the ratios.
#   bench/int8_weights_speed.sh /models/bge-reranker-v2-m3-random [per-channel/63 per-channel/u8-asym ...]
# The model folder is never written to: the graphs are built (once, not timed) in WORK, a folder of hard links to
# the model's files (default: target/int8-weights-speed, kept between runs so that a rerun finds them built).
# Env: ROUNDS (2), WORK.
set -euo pipefail
cd "$(dirname "$0")/.."
model="$(cd "$1" && pwd)"
shift
schemes=("$@")
[ ${#schemes[@]} -gt 0 ] || schemes=(per-channel/63 per-channel/u8-asym)
rounds="${ROUNDS:-2}"
work="${WORK:-target/int8-weights-speed}"
mkdir -p "$work/model"
for f in "$model"/*; do
  case "$(basename "$f")" in reranker-graph*) continue ;; esac
  [ -e "$work/model/$(basename "$f")" ] || ln "$f" "$work/model/" 2>/dev/null || cp "$f" "$work/model/"
done
./mvnw -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
cp="target/classes:target/test-classes:$(cat target/test-classpath.txt)"
tool() {
  # -Xss16m: ONNX Runtime's session creation overflows the default stack of the JVM's main thread.
  java -Xss16m -cp "$cp" dev.reranker.model.graph.GraphTool "$work/model" "$work/cache" "$@" 2>/dev/null
}
formats=(fp32 "${schemes[@]}")
for s in "${formats[@]}"; do
  if [ "$s" = fp32 ]; then tool | sed 's/^/build: /'; else tool "--int8=$s" | sed 's/^/build: /'; fi
done
[ "$rounds" -gt 0 ] || exit 0
declare -A median
for ((r = 1; r <= rounds; r++)); do
  for s in "${formats[@]}"; do
    if [ "$s" = fp32 ]; then line="$(tool --load --bench | grep '^20 x 64')"; else
      line="$(tool "--int8=$s" --load --bench | grep '^20 x 64')"; fi
    ms="$(sed -E 's/.*median ([0-9]+) ms.*/\1/' <<<"$line")"
    median[$s]="${median[$s]:-} $ms"
    printf 'round %d  %-20s %s\n' "$r" "$s" "$line"
  done
done
echo
printf '%-20s %-24s %s\n' format "medians (ms), per round" "fp32 / format, per round"
read -ra base <<<"${median[fp32]}"
for s in "${formats[@]}"; do
  read -ra m <<<"${median[$s]}"
  ratios=""
  for i in "${!m[@]}"; do ratios+="$(awk -v a="${base[$i]}" -v b="${m[$i]}" 'BEGIN { printf "%.2fx ", a / b }')"; done
  printf '%-20s %-24s %s\n' "$s" "${m[*]}" "$ratios"
done
