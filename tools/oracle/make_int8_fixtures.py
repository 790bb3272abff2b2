"""Test fixtures for reranker.precision=int8.

    tools/oracle/python.sh tools/oracle/make_int8_fixtures.py

1. src/test/resources/models/tiny-bert-int8/: tiny-bert's ONNX graph quantized the way Hugging Face repositories
   ship their int8 exports, with onnxruntime.quantization.quantize_dynamic (int8 weights per channel, activations
   quantized per run), saved as onnx/model_quantized.onnx beside tiny-bert's tokenizer and config. The service must
   pick it for int8, and refuse a directory without one.
2. src/test/resources/safetensors/int8-queries.json: a fidelity set for each safetensors fixture's tokenizer: queries
   of three words and 20 documents each, made like the toy task the fixtures were trained on (make_fixtures.py): one
   document the query was taken from, four that share one word with it, fifteen unrelated. Used to compare int8
   scores with float32 scores (Spearman per query, top-1 and top-3 agreement, largest |delta|).

Everything is seeded; the same pinned versions remake the same files.
"""
import json
import random
import shutil
import sys
from pathlib import Path

import onnxruntime
from onnxruntime.quantization import QuantType, quantize_dynamic
from transformers import AutoTokenizer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_fixtures import ROOT, TOKENIZERS, TOKENIZER_FILES  # noqa: E402

QUERIES = 40
DOCUMENTS = 20


def quantized_onnx_fixture():
    source = ROOT / "src/test/resources/models/tiny-bert"
    out = ROOT / "src/test/resources/models/tiny-bert-int8"
    if out.exists():
        shutil.rmtree(out)
    write_quantized_copy(source, out, TOKENIZER_FILES + ["config.json"])


def write_quantized_copy(source, out, files):
    """Copies `files` of the model folder `source` into `out` and writes onnx/model_quantized.onnx beside them: the
    source's model.onnx quantized as Hugging Face repositories ship their int8 exports."""
    (out / "onnx").mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy(source / f, out / f)
    quantize_dynamic(source / "model.onnx", out / "onnx/model_quantized.onnx", weight_type=QuantType.QInt8,
                     per_channel=True)
    ops = sorted({n.op_type for n in __import__("onnx").load(out / "onnx/model_quantized.onnx").graph.node})
    print(f"{out}/onnx/model_quantized.onnx: {(out / 'onnx/model_quantized.onnx').stat().st_size} bytes,"
          f" operators {ops}")


def words_of(tokenizer):
    words = [p[1:] for p in tokenizer.get_vocab() if p.startswith("▁") and p[1:].isalpha() and len(p) > 3]
    if not words:  # WordPiece: whole words have no prefix
        words = [p for p in tokenizer.get_vocab() if p.isalpha() and len(p) > 3]
    return sorted(words)


def fidelity_set(tokenizer, rng):
    words = words_of(tokenizer)
    sentence = lambda: [rng.choice(words) for _ in range(rng.randint(6, 20))]  # noqa: E731
    queries = []
    for _ in range(QUERIES):
        own = sentence()
        query = rng.sample(own, 3)
        documents = [" ".join(own)]
        for _ in range(4):
            partial = sentence()
            partial[rng.randrange(len(partial))] = rng.choice(query)
            documents.append(" ".join(partial))
        documents += [" ".join(sentence()) for _ in range(DOCUMENTS - len(documents))]
        rng.shuffle(documents)
        queries.append({"query": " ".join(query), "documents": documents})
    return queries


def main():
    quantized_onnx_fixture()
    rng = random.Random(11)
    sets = {
        "about": "Made by tools/oracle/make_int8_fixtures.py: for each tokenizer, queries of three words and 20"
                 " documents (the sentence the words come from, four sharing one word, fifteen unrelated), as in"
                 " the toy task the safetensors fixtures were trained on.",
        "versions": {"onnxruntime": onnxruntime.__version__},
        "sets": {},
    }
    for name, directory in TOKENIZERS.items():
        sets["sets"][name] = fidelity_set(AutoTokenizer.from_pretrained(directory), rng)
    target = ROOT / "src/test/resources/safetensors/int8-queries.json"
    target.write_text(json.dumps(sets, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{target.relative_to(ROOT)}: {target.stat().st_size} bytes")


if __name__ == "__main__":
    main()
