#!/usr/bin/env bash
# int8 against float32 on the safetensors fixtures (XLM-R and BERT): per query Spearman, top-1 and top-3 agreement,
# largest |delta| of a logit and of a score, for each quantization scheme named (default: the service's own).
# Each top-1 miss is listed with float32's lead of its first document over its second (a near-tie or not).
#   bench/int8_fidelity.sh per-channel/63 per-tensor/63 per-channel/127 per-tensor/127 per-channel/127/u8 \
#     per-channel/u8-asym per-tensor/u8-asym
# Not a test (Int8GraphTest asserts the figures of the service's scheme). -Xss16m: ONNX Runtime's session
# creation overflows the default stack of the JVM's main thread.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
exec java -Xss16m -cp "target/classes:target/test-classes:$(cat target/test-classpath.txt)" \
  dev.reranker.model.graph.Int8Fidelity "$@" 2> >(grep -v '^INFO\|^[A-Z][a-z][a-z] [0-9]' >&2)
