"""A random-initialised model with BAAI/bge-reranker-v2-m3's exact config.json, saved as its Hub repository is laid
out (model.safetensors, config.json, tokenizer files), for measuring the service at real size without the Hub.

    tools/oracle/python.sh tools/oracle/make_full_size.py /models/bge-reranker-v2-m3-random
    tools/oracle/python.sh tools/oracle/make_full_size.py --reference-only /models/bge-reranker-v2-m3-random

Not a test and not committed output: 2.27 GB of float32 weights that mean nothing (scores are noise), in exactly
the shapes, names and dtype of the real checkpoint. The folder is written under a temporary name and renamed at the
end, so nobody sees a half-written model.

Tokenizer: the real one (250,002 sentencepiece pieces) is not on any package registry reachable here, so the folder
gets the repository's demo XLM-R tokenizer (8,000 pieces, the same special tokens <s>=0 <pad>=1 </s>=2 <unk>=3). Its
ids are all valid rows of the 250,002-row embedding; token counts per word differ from the real tokenizer's.

It also writes reference.json: transformers' fp32 eval-mode logits for 8 pairs (one pair at a time, no padding),
to check the service's scores at full size.
"""
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import torch
from transformers import AutoTokenizer, XLMRobertaConfig, XLMRobertaForSequenceClassification

ROOT = Path(__file__).resolve().parents[2]
TOKENIZER_FROM = ROOT / "src/test/resources/models/tiny-xlmr-external"
TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]

# BAAI/bge-reranker-v2-m3's config.json, field for field.
CONFIG = {
    "_name_or_path": "BAAI/bge-m3",
    "architectures": ["XLMRobertaForSequenceClassification"],
    "attention_probs_dropout_prob": 0.1,
    "bos_token_id": 0,
    "classifier_dropout": None,
    "eos_token_id": 2,
    "hidden_act": "gelu",
    "hidden_dropout_prob": 0.1,
    "hidden_size": 1024,
    "id2label": {"0": "LABEL_0"},
    "initializer_range": 0.02,
    "intermediate_size": 4096,
    "label2id": {"LABEL_0": 0},
    "layer_norm_eps": 1e-05,
    "max_position_embeddings": 8194,
    "model_type": "xlm-roberta",
    "num_attention_heads": 16,
    "num_hidden_layers": 24,
    "output_past": True,
    "pad_token_id": 1,
    "position_embedding_type": "absolute",
    "torch_dtype": "float32",
    "type_vocab_size": 1,
    "use_cache": True,
    "vocab_size": 250002,
}

PAIRS = [
    ("what is panda?", "The giant panda is a bear species endemic to China."),
    ("what is panda?", "hi"),
    ("how do I reset my password", "Open settings, choose Security, then Reset password and follow the e-mail link."),
    ("wie funktioniert ein Kreuzencoder", "Ein Cross-Encoder bewertet Anfrage und Dokument gemeinsam in einem Durchlauf."),
    ("什么是重排序模型", "重排序模型对查询和文档一起打分。"),
    ("license for redistribution", ""),
    ("kernel scheduling", "The scheduler picks the next runnable process on every core. " * 12),
    ("naïve café résumé 😀", "Full-width ＡＢＣ text and emoji 🚀 mixed with accents: déjà vu."),
]

README = """bge-reranker-v2-m3-random: a random-initialised model with BAAI/bge-reranker-v2-m3's exact config.json

What: XLMRobertaForSequenceClassification, 24 layers, hidden 1024, 16 heads, intermediate 4096, vocab 250002,
max_position_embeddings 8194, 1 label, float32; model.safetensors holds the same tensor names, shapes and dtype as
the real checkpoint ({size:,} bytes). The weights are random (torch.manual_seed(0), transformers' own init): the
scores mean nothing; use it to measure load time, memory and speed, never ranking quality.

Tokenizer: NOT the real one. The real 250,002-piece sentencepiece model is not on any package registry reachable
here, so this folder has the reranker-service demo model's XLM-R tokenizer (8,000 pieces, same special tokens
<s>=0 <pad>=1 </s>=2 <unk>=3). Every id it produces is a valid embedding row; texts tokenize into more, shorter
pieces than with the real tokenizer.

reference.json: transformers {transformers} fp32 eval-mode logits for 8 pairs (one pair at a time, no padding,
max_length 512), to compare the service's scores at full size.

Made {date} with: tools/oracle/python.sh tools/oracle/make_full_size.py {target}
(reranker-service repository; torch {torch}).
"""


def write_reference(folder: Path, model) -> None:
    """transformers' logits for PAIRS; batched tokenizer calls, so an empty document still makes a pair (as the
    service and CrossEncoder encode it; a lone call would encode the query alone)."""
    import transformers
    tokenizer = AutoTokenizer.from_pretrained(folder)
    cases = []
    with torch.inference_mode():
        for query, document in PAIRS:
            enc = tokenizer([query], [document], truncation=True, max_length=512, return_tensors="pt")
            logit = model(**enc).logits[0, 0].item()
            cases.append({"query": query, "document": document, "input_ids": enc["input_ids"][0].tolist(),
                          "logit": logit})
    tmp = folder / "reference.json.tmp"
    tmp.write_text(json.dumps({
        "about": "transformers fp32 eval-mode logits of this folder's model.safetensors, one pair at a time, "
                 "tokenized by this folder's tokenizer.json with truncation to 512 tokens",
        "transformers": transformers.__version__, "torch": torch.__version__, "cases": cases},
        indent=1, ensure_ascii=False) + "\n")
    tmp.rename(folder / "reference.json")


def main(target: Path) -> None:
    if target.exists():
        sys.exit(f"{target} exists; remove it first")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="." + target.name + ".tmp-", dir=target.parent))
    try:
        started = time.time()
        torch.manual_seed(0)
        config = XLMRobertaConfig(**{k: v for k, v in CONFIG.items() if k not in ("_name_or_path", "torch_dtype")})
        model = XLMRobertaForSequenceClassification(config).eval()
        model.save_pretrained(tmp, safe_serialization=True)
        # save_pretrained writes its own config.json; keep the real repository's fields and order.
        (tmp / "config.json").write_text(json.dumps(CONFIG, indent=2) + "\n")
        for name in TOKENIZER_FILES:
            shutil.copy(TOKENIZER_FROM / name, tmp / name)
        write_reference(tmp, model)
        import transformers
        size = (tmp / "model.safetensors").stat().st_size
        (tmp / "README.txt").write_text(README.format(size=size, transformers=transformers.__version__,
                                                      torch=torch.__version__, target=target,
                                                      date=time.strftime("%Y-%m-%d", time.gmtime())))
        os.chmod(tmp, 0o755)
        tmp.rename(target)
        print(f"wrote {target} ({size / 1e9:.2f} GB of weights) in {time.time() - started:.0f} s")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--reference-only":
        folder = Path(sys.argv[2]).resolve()
        write_reference(folder, XLMRobertaForSequenceClassification.from_pretrained(folder).eval())
    elif len(sys.argv) == 2:
        main(Path(sys.argv[1]).resolve())
    else:
        sys.exit(__doc__)
