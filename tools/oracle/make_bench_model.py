"""The benchmarks' model, small-xlmr: an XLM-RoBERTa cross-encoder of the compute of a MiniLM-L6-sized reranker
(6 layers, hidden 384, 12 heads, intermediate 1536, 514 positions, one logit), made from nothing but this repository.

    tools/oracle/python.sh tools/oracle/make_bench_model.py bench/.models/small-xlmr

Writes, in Hugging Face layout: config.json, model.safetensors (save_pretrained), model.onnx (torch.onnx.export,
opset 17, inputs input_ids and attention_mask, output logits [batch, 1], batch and sequence dynamic: what the service
serves by default and what the transformers.js peer reads), and the tokenizer files of the repository's test model tiny-xlmr
(an 8,000-piece XLM-R sentencepiece tokenizer: <s>=0 <pad>=1 </s>=2 <unk>=3). The weights are random
(torch.manual_seed(0), transformers' own init): scores mean nothing, compute per token is that of the shape, which is
all a throughput, latency or memory benchmark measures. The folder is written under a temporary name and renamed at
the end. About 56 MB; a few seconds.
"""
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch
from transformers import AutoTokenizer, XLMRobertaConfig, XLMRobertaForSequenceClassification

ROOT = Path(__file__).resolve().parents[2]
TOKENIZER_FROM = ROOT / "src/test/resources/models/tiny-xlmr-external"
TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]

CONFIG = dict(vocab_size=8000, hidden_size=384, num_hidden_layers=6, num_attention_heads=12,
              intermediate_size=1536, hidden_act="gelu", max_position_embeddings=514, type_vocab_size=1,
              layer_norm_eps=1e-5, pad_token_id=1, bos_token_id=0, eos_token_id=2, num_labels=1,
              architectures=["XLMRobertaForSequenceClassification"])


def main(target: Path) -> None:
    if target.exists():
        sys.exit(f"{target} exists; remove it first")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="." + target.name + ".tmp-", dir=target.parent))
    try:
        torch.manual_seed(0)
        model = XLMRobertaForSequenceClassification(XLMRobertaConfig(**CONFIG)).eval()
        model.save_pretrained(tmp, safe_serialization=True)
        for name in TOKENIZER_FILES:
            shutil.copy(TOKENIZER_FROM / name, tmp / name)
        tokenizer = AutoTokenizer.from_pretrained(tmp)
        pairs = [["what is a cross encoder", "A cross-encoder scores a query and a document together."],
                 ["什么是重排序模型", "重排序模型对查询和文档一起打分。"]]
        sample = tokenizer(pairs, padding=True, return_tensors="pt")
        with torch.no_grad():
            torch.onnx.export(model, (sample["input_ids"], sample["attention_mask"]), str(tmp / "model.onnx"),
                              dynamo=False, opset_version=17, input_names=["input_ids", "attention_mask"],
                              output_names=["logits"],
                              dynamic_axes={"input_ids": {0: "batch", 1: "sequence"},
                                            "attention_mask": {0: "batch", 1: "sequence"},
                                            "logits": {0: "batch"}})
            expected = model(**sample).logits.numpy()
        session = ort.InferenceSession(str(tmp / "model.onnx"), providers=["CPUExecutionProvider"])
        got = session.run(["logits"], {"input_ids": sample["input_ids"].numpy(),
                                       "attention_mask": sample["attention_mask"].numpy()})[0]
        diff = float(np.max(np.abs(got - expected)))
        if diff > 1e-4:
            sys.exit(f"the ONNX export differs from transformers by {diff}")
        os.chmod(tmp, 0o755)
        tmp.rename(target)
        size = (target / "model.onnx").stat().st_size
        print(f"wrote {target}: model.onnx {size / 1e6:.1f} MB, model.safetensors; export within {diff:.1e} of "
              f"transformers")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        sys.exit(__doc__)
    main(Path(sys.argv[1]).resolve())
