"""The embedded demo model (tiny-xlmr) with an int8 export beside it, for benchmarks with reranker.precision=int8.

    tools/oracle/python.sh tools/oracle/make_demo_int8.py OUT_DIR

The embedded demo model ships float32 only, so reranker.precision=int8 needs a model directory. This writes one:
the demo model's files (model.onnx, tokenizer.json, config.json) and onnx/model_quantized.onnx, its graph quantized
the way Hugging Face repositories ship their int8 exports and the way the tiny-bert-int8 test fixture is made
(onnxruntime.quantization.quantize_dynamic: int8 weights per channel, activations quantized per run). Serve it with
reranker.model.path=OUT_DIR; it picks model.onnx for fp32 and onnx/model_quantized.onnx for int8. Not a fixture: the
output stays outside the repository.
"""
import shutil
import sys
from pathlib import Path

from onnxruntime.quantization import QuantType, quantize_dynamic

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "src/main/resources/demo-model"


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    out = Path(sys.argv[1])
    (out / "onnx").mkdir(parents=True, exist_ok=True)
    for name in ("model.onnx", "tokenizer.json", "config.json"):
        shutil.copy(DEMO / name, out / name)
    quantize_dynamic(DEMO / "model.onnx", out / "onnx/model_quantized.onnx", weight_type=QuantType.QInt8,
                     per_channel=True)
    ops = sorted({n.op_type for n in __import__("onnx").load(out / "onnx/model_quantized.onnx").graph.node})
    print(f"{out}/onnx/model_quantized.onnx: {(out / 'onnx/model_quantized.onnx').stat().st_size} bytes,"
          f" operators {ops}")


if __name__ == "__main__":
    main()
