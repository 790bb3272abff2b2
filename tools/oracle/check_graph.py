"""Validates graphs the service built from safetensors with ONNX's own checker (full check: types and shapes).

    tools/oracle/python.sh tools/oracle/check_graph.py GRAPH.onnx [GRAPH.onnx ...]

A graph lies beside the safetensors files it refers to (reranker-graph.onnx in a model directory, or
reranker-graph-<commit>.onnx in a huggingface_hub cache's blobs/), so the checker also verifies that every
external data reference exists and fits its file. Prints the operators each graph uses.
"""
import collections
import sys

import onnx


def main(paths):
    for path in paths:
        onnx.checker.check_model(path, full_check=True)
        model = onnx.load(path, load_external_data=False)
        ops = collections.Counter((n.domain or "ai.onnx") + "." + n.op_type for n in model.graph.node)
        external = sum(1 for t in model.graph.initializer if t.data_location == onnx.TensorProto.EXTERNAL)
        opsets = ", ".join(f"{o.domain or 'ai.onnx'} {o.version}" for o in model.opset_import)
        print(f"{path}: valid (IR {model.ir_version}, opsets {opsets}); "
              f"{len(model.graph.node)} nodes, {external} external initializers; "
              + ", ".join(f"{op} x{n}" for op, n in sorted(ops.items())))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
