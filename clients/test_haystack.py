"""Haystack: its ranker for a TEI endpoint, HuggingFaceTEIRanker. Haystack 2.x ships it in haystack-ai
(haystack.components.rankers); from 3.0 it lives in the huggingface-api-haystack integration: both are run.
Here it ranks what an in-memory BM25 retriever found, in a pipeline, configured as for a TEI server with only
the URL and the token changed."""
import asyncio
import math

import pytest
from haystack import Document, Pipeline
from haystack.components.retrievers.in_memory import InMemoryBM25Retriever
from haystack.document_stores.in_memory import InMemoryDocumentStore
from haystack.utils import Secret

try:  # Haystack 3.x: the integration package
    from haystack_integrations.components.rankers.huggingface_api import HuggingFaceTEIRanker, TruncationDirection
except ImportError:  # Haystack 2.x
    from haystack.components.rankers import HuggingFaceTEIRanker
    from haystack.components.rankers.hugging_face_tei import TruncationDirection

from support import API_KEY, DOCUMENTS, QUERY, ErrorCase, assert_same_ranking


def store():
    documents = InMemoryDocumentStore()
    documents.write_documents([Document(content=text, meta={"position": i}) for i, text in enumerate(DOCUMENTS)])
    return documents


def pipeline(url, token=None, top_k=3):
    rag = Pipeline()
    rag.add_component("retriever", InMemoryBM25Retriever(document_store=store(), top_k=len(DOCUMENTS)))
    rag.add_component("ranker", HuggingFaceTEIRanker(url=url, top_k=top_k, token=token))
    rag.connect("retriever.documents", "ranker.documents")
    return rag


# BM25 keeps only documents sharing a word with the query: this one finds more than the reranker keeps.
PIPELINE_QUERY = "Is redistribution of the modified copies allowed by the license?"


def ranked(rag, query=PIPELINE_QUERY):
    result = rag.run({"retriever": {"query": query}, "ranker": {"query": query}}, include_outputs_from={"retriever"})
    return result["retriever"]["documents"], result["ranker"]["documents"]


def check(running, retrieved, reranked, key=None, top_k=3):
    """The ranker's documents against the service's ranking of the texts the retriever handed it."""
    answer = running.ok("/rerank", {"query": PIPELINE_QUERY, "texts": [d.content for d in retrieved]}, key=key)
    assert len(reranked) == top_k
    got = [(next(i for i, d in enumerate(retrieved) if d.id == doc.id), doc.score) for doc in reranked]
    assert_same_ranking(got, [(r["index"], r["score"]) for r in answer], top_n=top_k)
    for doc in reranked:
        assert doc.content == DOCUMENTS[doc.meta["position"]]


def test_pipeline(service):
    retrieved, reranked = ranked(pipeline(service.url))
    assert len(retrieved) > 3
    check(service, retrieved, reranked)


def test_token_accepted(secured):
    retrieved, reranked = ranked(pipeline(secured.url, Secret.from_token(API_KEY), top_k=2))
    check(secured, retrieved, reranked, key=API_KEY, top_k=2)


def test_run_top_k_override(service):
    ranker = HuggingFaceTEIRanker(url=service.url, top_k=3)
    documents = [Document(content=text) for text in DOCUMENTS]
    reranked = ranker.run(query=QUERY, documents=documents, top_k=5)["documents"]
    answer = service.ok("/rerank", {"query": QUERY, "texts": DOCUMENTS})
    ids = [d.id for d in documents]
    assert len(reranked) == 5
    assert_same_ranking([(ids.index(d.id), d.score) for d in reranked], [(r["index"], r["score"]) for r in answer],
                        top_n=5)


def test_run_async(service):
    ranker = HuggingFaceTEIRanker(url=service.url, top_k=4)
    documents = [Document(content=text) for text in DOCUMENTS]
    reranked = asyncio.run(ranker.run_async(query=QUERY, documents=documents))["documents"]
    answer = service.ok("/rerank", {"query": QUERY, "texts": DOCUMENTS})
    ids = [d.id for d in documents]
    assert_same_ranking([(ids.index(d.id), d.score) for d in reranked], [(r["index"], r["score"]) for r in answer],
                        top_n=4)


def test_raw_scores_and_truncation_direction(service):
    # A document longer than the model's 512 tokens: which end is cut changes its score.
    long_text = " ".join(["Trains leave every hour from the central station."] * 60) + " " + DOCUMENTS[0]
    texts = [long_text] + DOCUMENTS[1:4]
    documents = [Document(content=text) for text in texts]
    ids = [d.id for d in documents]
    ranker = HuggingFaceTEIRanker(url=service.url, top_k=4, raw_scores=True)
    answers = {}
    for direction in (TruncationDirection.LEFT, TruncationDirection.RIGHT):
        reranked = ranker.run(query=QUERY, documents=documents, truncation_direction=direction)["documents"]
        answers[direction] = service.ok("/rerank", {"query": QUERY, "texts": texts, "raw_scores": True,
                                                    "truncate": True, "truncation_direction": direction.value})
        assert_same_ranking([(ids.index(d.id), d.score) for d in reranked],
                            [(r["index"], r["score"]) for r in answers[direction]])
    # The client did ask for logits: the default scores are their sigmoids.
    sigmoids = service.ok("/rerank", {"query": QUERY, "texts": texts, "truncate": True, "truncation_direction": "Left"})
    for raw, sigmoid in zip(answers[TruncationDirection.LEFT], sigmoids):
        assert raw["index"] == sigmoid["index"] and raw["score"] != sigmoid["score"]
        assert abs(1 / (1 + math.exp(-raw["score"])) - sigmoid["score"]) <= 1e-6
    # And it did send the direction: which end of the long document is cut changes its score.
    long_score = {d: next(r["score"] for r in answers[d] if r["index"] == 0) for d in answers}
    assert long_score[TruncationDirection.LEFT] != long_score[TruncationDirection.RIGHT]


@pytest.mark.parametrize("status", ErrorCase.STATUSES)
def test_errors(service, secured, status):
    """Haystack raises RuntimeError with the response's body in its message (after retrying 429 and 503
    three times)."""
    with ErrorCase(status, service, secured) as case:
        ranker = HuggingFaceTEIRanker(url=case.service.url, top_k=3,
                                      token=Secret.from_token(case.key) if case.key else None)
        with pytest.raises(RuntimeError) as raised:
            ranker.run(query=case.query, documents=[Document(content=text) for text in DOCUMENTS])
        direct = case.service.post("/rerank", {"query": case.query, "texts": DOCUMENTS}, key=case.key)
    assert direct.status_code == status, direct.text
    assert type(raised.value) is RuntimeError
    assert f"{status} " in str(raised.value)
    assert direct.json()["error"] in str(raised.value)
