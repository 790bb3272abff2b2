"""The reranking server that tutorials for BAAI/bge-reranker-v2-m3 teach: FastAPI + transformers on CPU.

The model is loaded once, globally, at import; each request scores its pairs in fixed mini-batches of
8 under torch.no_grad(), padded to the longest pair of the mini-batch and truncated to 512 tokens
(transformers' default pair truncation, 'longest_first'). The route is a plain `def`, so FastAPI runs
it on its thread pool and concurrent requests run the model concurrently, as such servers do.

    MODEL_DIR=/models/bge-reranker-v2-m3 uvicorn server:app --host 127.0.0.1 --port 8000 --workers 1

POST /rerank takes TEI's body {"query": str, "texts": [str], "raw_scores": bool} and answers
[{"index": i, "score": s}] most relevant first (s = sigmoid(logit), or the logit with raw_scores).
GET /health answers 200 once the module is imported, i.e. once the model is loaded.
"""
import os

import torch
from fastapi import FastAPI
from pydantic import BaseModel
from transformers import AutoModelForSequenceClassification, AutoTokenizer

MODEL_DIR = os.environ["MODEL_DIR"]
BATCH_SIZE = 8
MAX_LENGTH = 512

tokenizer = AutoTokenizer.from_pretrained(MODEL_DIR)
model = AutoModelForSequenceClassification.from_pretrained(MODEL_DIR)
model.eval()

app = FastAPI()


class RerankRequest(BaseModel):
    query: str
    texts: list[str]
    raw_scores: bool = False


@app.get("/health")
def health():
    return {"status": "ok"}


@app.post("/rerank")
def rerank(request: RerankRequest):
    pairs = [[request.query, text] for text in request.texts]
    logits = []
    with torch.no_grad():
        for start in range(0, len(pairs), BATCH_SIZE):
            inputs = tokenizer(pairs[start:start + BATCH_SIZE], padding=True, truncation=True,
                               max_length=MAX_LENGTH, return_tensors="pt")
            logits.extend(model(**inputs, return_dict=True).logits.view(-1).float().tolist())
    scores = logits if request.raw_scores else torch.sigmoid(torch.tensor(logits)).tolist()
    ranked = sorted(enumerate(scores), key=lambda item: item[1], reverse=True)
    return [{"index": index, "score": score} for index, score in ranked]
