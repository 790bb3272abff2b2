"""LlamaIndex: llama-index-postprocessor-cohere-rerank's CohereRerank and llama-index-postprocessor-tei-rerank's
TextEmbeddingInference as node postprocessors over a handful of nodes, configured as for Cohere's API or a TEI
server with only the base URL and the key changed."""
import pytest
from llama_index.core.schema import MetadataMode, NodeWithScore, TextNode
from llama_index.postprocessor.cohere_rerank import CohereRerank
from llama_index.postprocessor.tei_rerank import TextEmbeddingInference

from cohere_errors import EXCEPTIONS, assert_surfaces
from support import API_KEY, DOCUMENTS, QUERY, ErrorCase, assert_same_ranking

MODEL = "rerank-v3.5"


def nodes():
    """Nodes as a retriever hands them over: text, metadata, a retrieval score."""
    return [NodeWithScore(node=TextNode(id_=f"node-{i}", text=text, metadata={"file_name": f"doc-{i}.txt"}),
                          score=1.0 - i / 100) for i, text in enumerate(DOCUMENTS)]


def returned(result, given):
    """(index in the given nodes, score) of what the postprocessor returned, and its nodes intact."""
    ids = [n.node.node_id for n in given]
    for n in result:
        position = ids.index(n.node.node_id)
        assert n.node.text == DOCUMENTS[position]
        assert n.node.metadata == {"file_name": f"doc-{position}.txt"}
    return [(ids.index(n.node.node_id), n.score) for n in result]


# --- CohereRerank (ClientV2, POST /v2/rerank) -------------------------------------------------------------------

def test_cohere_rerank(service):
    given = nodes()
    reranker = CohereRerank(top_n=3, model=MODEL, api_key="unused", base_url=service.url)
    result = reranker.postprocess_nodes(given, query_str=QUERY)
    # What LlamaIndex sends for a node: its content with the metadata it embeds.
    texts = [n.node.get_content(metadata_mode=MetadataMode.EMBED) for n in given]
    answer = service.ok("/v2/rerank", {"model": MODEL, "query": QUERY, "documents": texts, "top_n": 3})
    assert len(result) == 3
    assert_same_ranking(returned(result, given), [(r["index"], r["relevance_score"]) for r in answer["results"]])


def test_cohere_rerank_key_accepted(secured):
    given = nodes()
    reranker = CohereRerank(top_n=2, model=MODEL, api_key=API_KEY, base_url=secured.url)
    result = reranker.postprocess_nodes(given, query_str=QUERY)
    texts = [n.node.get_content(metadata_mode=MetadataMode.EMBED) for n in given]
    answer = secured.ok("/v2/rerank", {"query": QUERY, "documents": texts, "top_n": 2}, key=API_KEY)
    assert_same_ranking(returned(result, given), [(r["index"], r["relevance_score"]) for r in answer["results"]])


@pytest.mark.parametrize("status", ErrorCase.STATUSES)
def test_cohere_rerank_errors(service, secured, status):
    # By default the postprocessor retries a 503 ten times, 4 to 10 s apart, before it raises the same exception:
    # that case sets max_retries=1. It retries nothing else.
    retries = {"max_retries": 1} if status == 503 else {}
    with ErrorCase(status, service, secured) as case:
        reranker = CohereRerank(top_n=3, model=MODEL, api_key=case.key or "unused", base_url=case.service.url,
                                **retries)
        with pytest.raises(EXCEPTIONS[status]) as raised:
            reranker.postprocess_nodes(nodes(), query_str=case.query)
        direct = case.service.post("/v2/rerank", {"query": case.query, "documents": DOCUMENTS, "top_n": 3},
                                   key=case.key)
    assert_surfaces(raised, direct, status)


# --- TextEmbeddingInference (TEI, POST /rerank) -----------------------------------------------------------------

def tei_ranking(answer):
    return [(r["index"], r["score"]) for r in answer]


def test_tei_rerank(service):
    given = nodes()
    reranker = TextEmbeddingInference(top_n=3, base_url=service.url)
    result = reranker.postprocess_nodes(given, query_str=QUERY)
    # The client sends the nodes' bare text and ranks the whole answer itself.
    answer = service.ok("/rerank", {"query": QUERY, "texts": DOCUMENTS})
    assert len(answer) == len(DOCUMENTS)
    assert len(result) == 3
    assert_same_ranking(returned(result, given), tei_ranking(answer), top_n=3)


@pytest.mark.parametrize("auth_token", [API_KEY, f"Bearer {API_KEY}"], ids=["bare key", "bearer"])
def test_tei_rerank_key_accepted(secured, auth_token):
    # auth_token is sent as the whole Authorization header: users of a TEI server started with --api-key write
    # "Bearer <key>", others the bare key; both are accepted.
    given = nodes()
    reranker = TextEmbeddingInference(top_n=4, base_url=secured.url, auth_token=auth_token)
    result = reranker.postprocess_nodes(given, query_str=QUERY)
    answer = secured.ok("/rerank", {"query": QUERY, "texts": DOCUMENTS}, key=API_KEY)
    assert_same_ranking(returned(result, given), tei_ranking(answer), top_n=4)


@pytest.mark.parametrize("status", ErrorCase.STATUSES)
def test_tei_rerank_errors_raise_without_the_service_message(service, secured, status):
    """The TEI postprocessor has no error handling: it reads any answer as a list of scores and asserts its
    length, so every service error ends in an AssertionError that carries neither status nor message. It does
    fail rather than rank with a wrong answer; nothing on the service's side can give it the message."""
    with ErrorCase(status, service, secured) as case:
        reranker = TextEmbeddingInference(top_n=3, base_url=case.service.url, auth_token=case.key)
        with pytest.raises(AssertionError) as raised:
            reranker.postprocess_nodes(nodes(), query_str=case.query)
        direct = case.service.post("/rerank", {"query": case.query, "texts": DOCUMENTS}, key=case.key, bearer=False)
    assert direct.status_code == status, direct.text
    assert direct.json()["error"] not in str(raised.value)


