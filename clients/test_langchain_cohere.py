"""LangChain: langchain-cohere's CohereRerank as the document compressor of a ContextualCompressionRetriever over
an in-memory vector store, configured as for Cohere's API with only base_url and the key changed."""
import cohere
import pytest
from langchain_classic.retrievers import ContextualCompressionRetriever
from langchain_cohere import CohereRerank
from langchain_core.documents import Document
from langchain_core.embeddings import DeterministicFakeEmbedding
from langchain_core.vectorstores import InMemoryVectorStore

from support import API_KEY, DOCUMENTS, QUERY, assert_same_ranking, model_unloaded, queue_full

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
    got = [(next(i for i, d in enumerate(retrieved) if d.metadata["source"] == doc.metadata["source"]),
            doc.metadata["relevance_score"]) for doc in reranked]
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


def surfaces(error_type, raised, direct, status):
    assert direct.status_code == status, direct.text
    assert type(raised.value) is error_type
    assert direct.json()["message"] in str(raised.value)


def test_400_empty_query(service):
    _, retriever = pipeline(service.url, "unused")
    with pytest.raises(cohere.BadRequestError) as raised:
        retriever.invoke("")
    direct = service.post("/v2/rerank", {"model": MODEL, "query": "", "documents": DOCUMENTS, "top_n": 3})
    surfaces(cohere.BadRequestError, raised, direct, 400)


def test_401_wrong_key(secured):
    _, retriever = pipeline(secured.url, "not-a-key")
    with pytest.raises(cohere.UnauthorizedError) as raised:
        retriever.invoke(QUERY)
    direct = secured.post("/v2/rerank", {"query": QUERY, "documents": DOCUMENTS}, key="not-a-key")
    surfaces(cohere.UnauthorizedError, raised, direct, 401)


def test_429_queue_full(secured):
    _, retriever = pipeline(secured.url, API_KEY)
    with queue_full(secured):
        with pytest.raises(cohere.TooManyRequestsError) as raised:
            retriever.invoke(QUERY)
        direct = secured.post("/v2/rerank", {"query": QUERY, "documents": DOCUMENTS}, key=API_KEY)
    surfaces(cohere.TooManyRequestsError, raised, direct, 429)


def test_503_no_model(secured):
    _, retriever = pipeline(secured.url, API_KEY)
    with model_unloaded(secured):
        with pytest.raises(cohere.ServiceUnavailableError) as raised:
            retriever.invoke(QUERY)
        direct = secured.post("/v2/rerank", {"query": QUERY, "documents": DOCUMENTS}, key=API_KEY)
    surfaces(cohere.ServiceUnavailableError, raised, direct, 503)
