"""Exports a Hugging Face sequence-classification model directory (config.json + safetensors +
tokenizer) to ONNX, for a service build that reads only ONNX and for Infinity's optimum engine.

    python bench/peers/export_onnx.py MODEL_DIR OUT_DIR

OUT_DIR gets onnx/model.onnx (inputs input_ids and attention_mask, output logits [batch, labels],
batch and sequence dynamic), its weights as external data in onnx/model.onnx_data when the graph is
over 2 GB, and links to MODEL_DIR's config and tokenizer files. Needs torch, transformers and onnx
(the repository's tooling environment has them). Prints the largest |logit difference| between the
export, run by onnxruntime, and transformers on a few pairs.
"""
import os
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer

SIDE_FILES = ("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
              "sentencepiece.bpe.model", "vocab.txt")


def main(model_dir, out_dir):
    model_dir, out_dir = os.path.abspath(model_dir), os.path.abspath(out_dir)
    os.makedirs(os.path.join(out_dir, "onnx"), exist_ok=True)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir, torch_dtype=torch.float32).eval()
    sample = tokenizer([["a query", "a document to score"], ["q", "d"]], padding=True, return_tensors="pt")
    target = os.path.join(out_dir, "onnx", "model.onnx")
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        raw = os.path.join(tmp, "model.onnx")
        with torch.no_grad():
            torch.onnx.export(model, (sample["input_ids"], sample["attention_mask"]), raw, dynamo=False,
                              input_names=["input_ids", "attention_mask"], output_names=["logits"],
                              dynamic_axes={"input_ids": {0: "batch", 1: "sequence"},
                                            "attention_mask": {0: "batch", 1: "sequence"},
                                            "logits": {0: "batch"}},
                              opset_version=17, do_constant_folding=True)
        graph = onnx.load(raw, load_external_data=True)
        for stale in (target, target + "_data"):
            if os.path.exists(stale):
                os.remove(stale)
        if sum(t.ByteSize() for t in graph.graph.initializer) > 1_900_000_000:
            onnx.save_model(graph, target, save_as_external_data=True, all_tensors_to_one_file=True,
                            location="model.onnx_data", size_threshold=1024)
        else:
            onnx.save_model(graph, target)
        del graph
    for name in SIDE_FILES:
        src, dst = os.path.join(model_dir, name), os.path.join(out_dir, name)
        if os.path.exists(src) and not os.path.lexists(dst):
            os.symlink(src, dst)

    pairs = [["what is panda?", "The giant panda is a bear species endemic to China."],
             ["how do I reset my password", "Open settings, choose Security, then Reset password."],
             ["熊猫", "大熊猫是中国特有的熊科动物。"]]
    enc = tokenizer(pairs, padding=True, truncation=True, max_length=512, return_tensors="pt")
    with torch.no_grad():
        expected = model(**enc).logits.view(-1).numpy()
    session = ort.InferenceSession(target, providers=["CPUExecutionProvider"])
    got = session.run(["logits"], {"input_ids": enc["input_ids"].numpy().astype(np.int64),
                                   "attention_mask": enc["attention_mask"].numpy().astype(np.int64)})[0].reshape(-1)
    print(f"exported {target}; max |logit difference| vs transformers on {len(pairs)} pairs: "
          f"{float(np.max(np.abs(expected - got))):.2e}")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        sys.exit(0 if len(sys.argv) == 2 else 2)
    main(sys.argv[1], sys.argv[2])
