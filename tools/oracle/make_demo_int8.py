"""The embedded demo model (tiny-xlmr) with an int8 export beside it, for benchmarks with reranker.precision=int8.

    tools/oracle/python.sh tools/oracle/make_demo_int8.py OUT_DIR

The embedded demo model ships float32 only, so reranker.precision=int8 needs a model directory. This writes one:
the demo model's files (model.onnx, tokenizer.json, config.json) and onnx/model_quantized.onnx, its graph quantized
the way Hugging Face repositories ship their int8 exports and the way the tiny-bert-int8 test fixture is made
(onnxruntime.quantization.quantize_dynamic: int8 weights per channel, activations quantized per run). Serve it with
reranker.model.path=OUT_DIR; it picks model.onnx for fp32 and onnx/model_quantized.onnx for int8. Not a fixture: the
output stays outside the repository.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_int8_fixtures import ROOT, write_quantized_copy  # noqa: E402

DEMO = ROOT / "src/main/resources/demo-model"


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    write_quantized_copy(DEMO, Path(sys.argv[1]), ["model.onnx", "tokenizer.json", "config.json"])


if __name__ == "__main__":
    main()
