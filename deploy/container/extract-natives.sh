#!/bin/sh
# Extracts the native libraries the service loads from the application's jars into an image directory, so that
# nothing is extracted at run time (read-only root filesystem) and no start pays for it (Dockerfile.jvm).
#   extract-natives.sh <target/quarkus-app/lib/main> <out> <cpu|cuda>
# ONNX Runtime: every file of its linux-x64 folder (the GPU build adds the CUDA provider libraries), loaded through
# -Donnxruntime.native.path=<out>/onnxruntime. JNA (DJL probes CUDA with it): libjnidispatch.so through
# -Djna.boot.library.path=<out>/jna. DJL tokenizers: libtokenizers.so in DJL's cache layout
# (DJL_CACHE_DIR=<out>/djl: tokenizers/<version>-cpu-linux-x86_64/libtokenizers.so).
set -eu
flavor=$3
lib=$(cd "$1" && pwd)
mkdir -p "$2" && out=$(cd "$2" && pwd)
ort=$(ls "$lib"/com.microsoft.onnxruntime.onnxruntime*.jar)
case "$flavor:$ort" in
  cuda:*onnxruntime_gpu*|cpu:*onnxruntime-[0-9]*) ;;
  *) echo "FLAVOR=$flavor but the application has $ort: package with -Pgpu for cuda, without for cpu" >&2; exit 1 ;;
esac
work=$(mktemp -d)
mkdir -p "$out/onnxruntime" "$out/jna" "$out/djl"
cd "$work"
jar xf "$ort" ai/onnxruntime/native/linux-x64
cp ai/onnxruntime/native/linux-x64/* "$out/onnxruntime/"
jar xf "$(ls "$lib"/net.java.dev.jna.jna-*.jar)" com/sun/jna/linux-x86-64/libjnidispatch.so
cp com/sun/jna/linux-x86-64/libjnidispatch.so "$out/jna/"
jar xf "$(ls "$lib"/ai.djl.huggingface.tokenizers-*.jar)" native/lib/tokenizers.properties native/lib/linux-x86_64/cpu/libtokenizers.so
version=$(sed -n 's/^version=//p' native/lib/tokenizers.properties)
mkdir -p "$out/djl/tokenizers/$version-cpu-linux-x86_64"
cp native/lib/linux-x86_64/cpu/libtokenizers.so "$out/djl/tokenizers/$version-cpu-linux-x86_64/"
cd / && rm -rf "$work"
find "$out" -type f | sort
