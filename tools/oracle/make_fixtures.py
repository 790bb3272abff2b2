"""Test fixtures for serving safetensors checkpoints, and their oracle: Hugging Face transformers itself.

    tools/oracle/python.sh tools/oracle/make_fixtures.py [--references-only]

Builds small sequence classifiers of each architecture the service builds graphs for (XLMRobertaForSequenceClassification,
BertForSequenceClassification) with transformers, trains them for a few seconds on a toy task so that scores
spread, and saves them with save_pretrained(safe_serialization=True) into src/test/resources/safetensors/:

    st-xlmr/          XLM-R, float32, one model.safetensors
    st-bert/          BERT (token types, pooler), float32
    st-xlmr-sharded/  st-xlmr's weights in several shards with model.safetensors.index.json
    st-xlmr-bf16/     st-xlmr's weights saved as bfloat16
    st-bert-f16/      st-bert's weights saved as float16

Tokenizers are the repository's tiny-xlmr and tiny-bert ones (8,000 pieces). Then it records, in
src/test/resources/safetensors/reference.json, for a fixed list of pairs (multilingual, emoji, long, empty-ish,
query and document over max-length) and each truncation: the token ids, the logits transformers computes in fp32
eval mode (one pair at a time, no padding; F16/BF16 checkpoints are loaded as float32, an exact widening), their
sigmoid, and for longest_first the scores of sentence-transformers' CrossEncoder (which truncates that way).
Everything is seeded: the same pinned versions remake the same files. --references-only keeps the models and
rewrites reference.json.
"""
import json
import math
import random
import shutil
import sys
from pathlib import Path

import torch
import transformers
import sentence_transformers
from sentence_transformers import CrossEncoder
from transformers import (AutoModelForSequenceClassification, AutoTokenizer, BertConfig,
                          BertForSequenceClassification, XLMRobertaConfig, XLMRobertaForSequenceClassification)

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "src/test/resources/safetensors"
TOKENIZERS = {
    "xlmr": ROOT / "src/test/resources/models/tiny-xlmr-external",
    "bert": ROOT / "src/test/resources/models/tiny-bert",
}
TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]

LONG_DOC = " ".join([
    "The license grants every recipient the right to copy, modify and redistribute the program.",
    "Der Kernel verteilt Prozesse auf alle verfügbaren Prozessoren, während der Speicher knapp wird.",
    "重排序模型对查询和文档一起打分，然后按相关性排序。",
    "Full-width ＡＢＣ１２３ and emoji 🚀🔥 appear beside accents: naïve café résumé déjà vu.",
] * 40)
LONG_QUERY = "which license lets me redistribute modified copies of the program " * 70

CASES = [
    ("what license allows redistribution of modified versions", [
        "You may redistribute modified versions of this software under the same license.",
        "The kernel schedules processes on every available processor.",
        "",
        "   ",
        "Lizenz für die Weitergabe geänderter Fassungen — naïve café résumé",
        "许可证允许在相同条款下重新分发修改后的版本。",
        LONG_DOC,
    ]),
    ("什么是重排序模型 😀", [
        "重排序模型对查询和文档一起打分。",
        "A reranker scores the query and the document together. 🚀",
        "ＦＵＬＬ－ＷＩＤＴＨ ｔｅｘｔ",
    ]),
    (LONG_QUERY, [
        "Redistribution and use in source and binary forms, with or without modification, are permitted.",
        LONG_DOC,
    ]),
]
COMBOS = [(512, "flag"), (512, "longest_first"), (48, "flag"), (48, "longest_first")]


def toy_corpus(tokenizer, n, rng):
    """Sentences of whole-word vocabulary pieces; a query is three words of its sentence (relevant) or of another."""
    words = [p[1:] for p in tokenizer.get_vocab() if p.startswith("▁") and p[1:].isalpha() and len(p) > 3]
    if not words:  # WordPiece: whole words have no prefix
        words = [p for p in tokenizer.get_vocab() if p.isalpha() and len(p) > 3]
    words.sort()
    sentences = [" ".join(rng.choice(words) for _ in range(rng.randint(6, 20))) for _ in range(n)]
    pairs = []
    for i, s in enumerate(sentences):
        own = s.split()
        other = sentences[(i + 1 + rng.randrange(n - 1)) % n].split()
        pairs.append((" ".join(rng.sample(own, 3)), s, 1.0))
        pairs.append((" ".join(rng.sample(other, 3)), s, 0.0))
    return pairs


def train(model, tokenizer, seed, steps=400):
    rng = random.Random(seed)
    pairs = toy_corpus(tokenizer, 2000, rng)
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3)
    model.train()
    for step in range(steps):
        batch = rng.sample(pairs, 32)
        enc = tokenizer([p[0] for p in batch], [p[1] for p in batch], padding=True, truncation=True,
                        max_length=64, return_tensors="pt")
        labels = torch.tensor([p[2] for p in batch])
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(**enc).logits[:, 0], labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    print(f"  trained {steps} steps, last loss {loss.item():.3f}")


def flag_ids(tokenizer, query, document, max_length):
    """FlagEmbedding's reranker layout: the query cut to 3/4 of max_length, the document to what is left."""
    tk = tokenizer.backend_tokenizer
    q = tk.encode(query, add_special_tokens=False)
    q.truncate(max_length * 3 // 4)
    d = tk.encode(document, add_special_tokens=False)
    d.truncate(max(max_length - len(q.ids) - tk.num_special_tokens_to_add(True), 0))
    pair = tk.post_process(q, d, add_special_tokens=True)
    return pair.ids, pair.type_ids


def longest_first_ids(tokenizer, query, document, max_length):
    """As CrossEncoder encodes: batched, so an empty document still makes a pair (a lone call would drop it)."""
    enc = tokenizer([query], [document], truncation=True, max_length=max_length)
    ids = enc["input_ids"][0]
    return ids, enc["token_type_ids"][0] if "token_type_ids" in enc else [0] * len(ids)


def references(name, directory, combos, uses_type_ids):
    tokenizer = AutoTokenizer.from_pretrained(directory)
    model = AutoModelForSequenceClassification.from_pretrained(directory, dtype=torch.float32).eval()
    cases = []
    for max_length, truncation in combos:
        encode = flag_ids if truncation == "flag" else longest_first_ids
        cross_encoder = CrossEncoder(str(directory), max_length=max_length, device="cpu") \
            if truncation == "longest_first" else None
        for query, documents in CASES:
            ids, types, logits = [], [], []
            for document in documents:
                i, t = encode(tokenizer, query, document, max_length)
                assert len(i) <= max_length
                with torch.inference_mode():
                    feed = {"input_ids": torch.tensor([i]), "attention_mask": torch.ones(1, len(i), dtype=torch.long)}
                    if uses_type_ids:
                        feed["token_type_ids"] = torch.tensor([t])
                    logits.append(model(**feed).logits[0, 0].item())
                ids.append(i)
                types.append(t)
            case = {"model": name, "max_length": max_length, "truncation": truncation, "query": query,
                    "documents": documents, "input_ids": ids, "token_type_ids": types if uses_type_ids else None,
                    "logits": logits, "scores": [1 / (1 + math.exp(-x)) for x in logits]}
            if cross_encoder is not None:
                ce = [float(s) for s in cross_encoder.predict([(query, d) for d in documents], batch_size=1)]
                drift = max(abs(a - b) for a, b in zip(ce, case["scores"]))
                assert drift < 1e-5, f"CrossEncoder disagrees with transformers by {drift}"
                case["cross_encoder_scores"] = ce
            cases.append(case)
    return cases


def save(model, directory, tokenizer_from, **kwargs):
    if directory.exists():
        shutil.rmtree(directory)
    model.save_pretrained(directory, safe_serialization=True, **kwargs)
    for f in TOKENIZER_FILES:
        shutil.copy(tokenizer_from / f, directory / f)


def main(references_only=False):
    torch.manual_seed(0)
    torch.set_num_threads(2)
    OUT.mkdir(parents=True, exist_ok=True)
    if not references_only:
        make_models()
    write_references()


def make_models():
    common = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
                  vocab_size=8000, num_labels=1, hidden_act="gelu")
    print("st-xlmr")
    xlmr = XLMRobertaForSequenceClassification(XLMRobertaConfig(
        **common, max_position_embeddings=514, pad_token_id=1, bos_token_id=0, eos_token_id=2, type_vocab_size=1,
        layer_norm_eps=1e-5))
    train(xlmr, AutoTokenizer.from_pretrained(TOKENIZERS["xlmr"]), seed=1)
    save(xlmr, OUT / "st-xlmr", TOKENIZERS["xlmr"])
    save(xlmr, OUT / "st-xlmr-sharded", TOKENIZERS["xlmr"], max_shard_size="300KB")
    save(xlmr.to(torch.bfloat16), OUT / "st-xlmr-bf16", TOKENIZERS["xlmr"])
    print("st-bert")
    bert = BertForSequenceClassification(BertConfig(
        **common, max_position_embeddings=512, pad_token_id=0, type_vocab_size=2, layer_norm_eps=1e-12))
    train(bert, AutoTokenizer.from_pretrained(TOKENIZERS["bert"]), seed=2)
    save(bert, OUT / "st-bert", TOKENIZERS["bert"])
    save(bert.to(torch.float16), OUT / "st-bert-f16", TOKENIZERS["bert"])


def write_references():
    cases = []
    cases += references("st-xlmr", OUT / "st-xlmr", COMBOS, False)
    cases += references("st-bert", OUT / "st-bert", COMBOS, True)
    for name, uses_type_ids in (("st-xlmr-sharded", False), ("st-xlmr-bf16", False), ("st-bert-f16", True)):
        cases += references(name, OUT / name, [(512, "flag")], uses_type_ids)
    (OUT / "reference.json").write_text(json.dumps({
        "about": "Made by tools/oracle/make_fixtures.py. logits: transformers in fp32 eval mode, one pair at a time "
                 "without padding (F16/BF16 checkpoints loaded as float32). scores: sigmoid(logits). "
                 "cross_encoder_scores: sentence-transformers CrossEncoder.predict (longest_first cases). "
                 "Truncation 'flag': query cut to max_length*3//4 tokens, document to what is left (FlagEmbedding); "
                 "'longest_first': the pair encoded as one input, the longer side cut (CrossEncoder).",
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__,
                     "sentence-transformers": sentence_transformers.__version__},
        "cases": cases}, ensure_ascii=False, separators=(",", ":")) + "\n")
    sizes = sum(f.stat().st_size for f in OUT.rglob("*") if f.is_file())
    print(f"wrote {OUT} ({sizes / 1e6:.1f} MB, {len(cases)} cases)")


if __name__ == "__main__":
    main(references_only="--references-only" in sys.argv)
