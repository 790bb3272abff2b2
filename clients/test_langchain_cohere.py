"""LangChain: langchain-cohere's CohereRerank as the document compressor of a ContextualCompressionRetriever over
an in-memory vector store, configured as for Cohere's API with only base_url and the key changed."""
import pytest
from langchain_classic.retrievers import ContextualCompressionRetriever
from langchain_cohere import CohereRerank
from langchain_core.documents import Document
from langchain_core.embeddings import DeterministicFakeEmbedding
from langchain_core.vectorstores import InMemoryVectorStore

from cohere_errors import EXCEPTIONS, assert_surfaces
from support import API_KEY, DOCUMENTS, QUERY, ErrorCase, assert_same_ranking

MODEL = "rerank-v3.5"


def pipeline(url, key, top_n=3):
    """A retriever as the LangChain docs build one: retrieve six, keep the reranker's top_n."""
    store = InMemoryVectorStore(embedding=DeterministicFakeEmbedding(size=32))
    store.add_documents([Document(page_content=text, metadata={"source": f"doc-{i}", "position": i})
                         for i, text in enumerate(DOCUMENTS)])
    base = store.as_retriever(search_kwargs={"k": 6})
    compressor = CohereRerank(model=MODEL, top_n=top_n, cohere_api_key=key, base_url=url)
    return base, ContextualCompressionRetriever(base_compressor=compressor, base_retriever=base)


def test_compression_retriever(service):
    base, retriever = pipeline(service.url, "unused")
    retrieved = base.invoke(QUERY)
    assert len(retrieved) == 6
    reranked = retriever.invoke(QUERY)

    answer = service.ok("/v2/rerank", {"model": MODEL, "query": QUERY, "top_n": 3,
                                       "documents": [d.page_content for d in retrieved]})
    expected = [(r["index"], r["relevance_score"]) for r in answer["results"]]
    sources = [d.metadata["source"] for d in retrieved]
    got = [(sources.index(doc.metadata["source"]), doc.metadata["relevance_score"]) for doc in reranked]
    assert len(reranked) == 3
    assert_same_ranking(got, expected)
    for doc in reranked:
        # The user gets their documents back whole: text (unicode included) and metadata.
        position = doc.metadata["position"]
        assert doc.page_content == DOCUMENTS[position]
        assert doc.metadata["source"] == f"doc-{position}"


def test_compressor_top_n_one(service):
    compressor = CohereRerank(model=MODEL, top_n=1, cohere_api_key="unused", base_url=service.url)
    documents = [Document(page_content=text) for text in DOCUMENTS]
    compressed = compressor.compress_documents(documents, QUERY)
    answer = service.ok("/v2/rerank", {"query": QUERY, "documents": DOCUMENTS, "top_n": 1})
    assert len(compressed) == 1
    assert compressed[0].page_content == DOCUMENTS[answer["results"][0]["index"]]
    assert abs(compressed[0].metadata["relevance_score"] - answer["results"][0]["relevance_score"]) <= 1e-6


def test_key_accepted(secured):
    base, retriever = pipeline(secured.url, API_KEY)
    retrieved = base.invoke(QUERY)
    reranked = retriever.invoke(QUERY)
    answer = secured.ok("/v2/rerank", {"query": QUERY, "top_n": 3, "documents": [d.page_content for d in retrieved]},
                        key=API_KEY)
    assert [d.page_content for d in reranked] == [retrieved[r["index"]].page_content for r in answer["results"]]


@pytest.mark.parametrize("status", ErrorCase.STATUSES)
def test_errors(service, secured, status):
    """The Cohere SDK's exceptions reach the retriever's caller as they are."""
    with ErrorCase(status, service, secured) as case:
        _, retriever = pipeline(case.service.url, case.key or "unused")
        with pytest.raises(EXCEPTIONS[status]) as raised:
            retriever.invoke(case.query)
        direct = case.service.post("/v2/rerank", {"query": case.query, "documents": DOCUMENTS, "top_n": 3},
                                   key=case.key)
    assert_surfaces(raised, direct, status)
