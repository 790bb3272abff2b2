"""The Cohere SDK (`cohere`), ClientV2 (POST /v2/rerank) and the v1 Client (POST /v1/rerank), configured as
its users configure it for Cohere's own API, with only base_url and the key changed."""
import asyncio

import cohere
import pytest

from cohere_errors import EXCEPTIONS, assert_surfaces
from support import API_KEY, DOCUMENTS, OTHER_API_KEY, QUERY, ErrorCase, assert_same_ranking

MODEL = "rerank-v3.5"


def ranking(results):
    return [(r.index, r.relevance_score) for r in results]


def service_ranking(answer):
    return [(r["index"], r["relevance_score"]) for r in answer["results"]]


def test_v2_top_n(service):
    client = cohere.ClientV2(api_key="unused", base_url=service.url)
    response = client.rerank(model=MODEL, query=QUERY, documents=DOCUMENTS, top_n=3)
    answer = service.ok("/v2/rerank", {"model": MODEL, "query": QUERY, "documents": DOCUMENTS, "top_n": 3})
    assert len(response.results) == 3
    assert_same_ranking(ranking(response.results), service_ranking(answer))
    # The whole ranking's first three: top_n cuts, it does not rank differently.
    full = service.ok("/v2/rerank", {"query": QUERY, "documents": DOCUMENTS})
    assert_same_ranking(ranking(response.results), service_ranking(full), top_n=3)
    assert response.meta.billed_units.search_units == 1
    assert response.id


def test_v2_async_client(service):
    async def rerank():
        client = cohere.AsyncClientV2(api_key="unused", base_url=service.url)
        return await client.rerank(model=MODEL, query=QUERY, documents=DOCUMENTS, top_n=3)

    response = asyncio.run(rerank())
    answer = service.ok("/v2/rerank", {"query": QUERY, "documents": DOCUMENTS, "top_n": 3})
    assert_same_ranking(ranking(response.results), service_ranking(answer))


def test_v2_every_document_without_top_n(service):
    client = cohere.ClientV2(api_key="unused", base_url=service.url)
    response = client.rerank(model=MODEL, query=QUERY, documents=DOCUMENTS)
    answer = service.ok("/v2/rerank", {"model": MODEL, "query": QUERY, "documents": DOCUMENTS})
    assert sorted(r.index for r in response.results) == list(range(len(DOCUMENTS)))
    assert_same_ranking(ranking(response.results), service_ranking(answer))


def test_v2_top_n_beyond_the_documents(service):
    client = cohere.ClientV2(api_key="unused", base_url=service.url)
    response = client.rerank(model=MODEL, query=QUERY, documents=DOCUMENTS[:3], top_n=10)
    answer = service.ok("/v2/rerank", {"query": QUERY, "documents": DOCUMENTS[:3], "top_n": 10})
    assert len(response.results) == 3
    assert_same_ranking(ranking(response.results), service_ranking(answer))


def test_v2_max_tokens_per_doc(service):
    client = cohere.ClientV2(api_key="unused", base_url=service.url)
    response = client.rerank(model=MODEL, query=QUERY, documents=DOCUMENTS, max_tokens_per_doc=4)
    cut = service.ok("/v2/rerank", {"query": QUERY, "documents": DOCUMENTS, "max_tokens_per_doc": 4})
    whole = service.ok("/v2/rerank", {"query": QUERY, "documents": DOCUMENTS})
    assert_same_ranking(ranking(response.results), service_ranking(cut))
    # The client did send it: four tokens per document score differently from whole documents.
    assert service_ranking(cut) != service_ranking(whole)


def test_v1_strings_with_documents_returned(service):
    client = cohere.Client(api_key="unused", base_url=service.url)
    response = client.rerank(model=MODEL, query=QUERY, documents=DOCUMENTS, top_n=4, return_documents=True)
    answer = service.ok("/v1/rerank", {"model": MODEL, "query": QUERY, "documents": DOCUMENTS, "top_n": 4,
                                       "return_documents": True})
    assert len(response.results) == 4
    assert_same_ranking(ranking(response.results), service_ranking(answer))
    for result in response.results:
        assert result.document.text == DOCUMENTS[result.index]


def test_v1_objects_with_documents_returned(service):
    objects = [{"text": text, "title": f"passage {i}"} for i, text in enumerate(DOCUMENTS)]
    client = cohere.Client(api_key="unused", base_url=service.url)
    response = client.rerank(model=MODEL, query=QUERY, documents=objects, top_n=5, return_documents=True)
    answer = service.ok("/v1/rerank", {"model": MODEL, "query": QUERY, "documents": objects, "top_n": 5,
                                       "return_documents": True})
    as_strings = service.ok("/v1/rerank", {"query": QUERY, "documents": DOCUMENTS, "top_n": 5})
    assert_same_ranking(ranking(response.results), service_ranking(answer))
    # Objects are ranked by their text field, as Cohere does without rank_fields.
    assert_same_ranking(ranking(response.results), service_ranking(as_strings))
    for result in response.results:
        assert result.document.text == DOCUMENTS[result.index]


def test_v1_without_documents(service):
    client = cohere.Client(api_key="unused", base_url=service.url)
    response = client.rerank(model=MODEL, query=QUERY, documents=DOCUMENTS, top_n=2, return_documents=False)
    answer = service.ok("/v1/rerank", {"query": QUERY, "documents": DOCUMENTS, "top_n": 2})
    assert_same_ranking(ranking(response.results), service_ranking(answer))
    assert all(r.document is None for r in response.results)


def test_v1_max_chunks_per_doc(service):
    long_text = " ".join(["Unrelated words about weather and trains."] * 60 + [DOCUMENTS[0]])
    documents = [DOCUMENTS[1], long_text]
    client = cohere.Client(api_key="unused", base_url=service.url)
    response = client.rerank(model=MODEL, query=QUERY, documents=documents, max_chunks_per_doc=3)
    answer = service.ok("/v1/rerank", {"query": QUERY, "documents": documents, "max_chunks_per_doc": 3})
    assert_same_ranking(ranking(response.results), service_ranking(answer))


CLIENTS = {
    "v2": lambda key, url: (cohere.ClientV2(api_key=key, base_url=url), "/v2/rerank"),
    "v1": lambda key, url: (cohere.Client(api_key=key, base_url=url), "/v1/rerank"),
}


def call(client, **request):
    return client.rerank(model=MODEL, **request)


@pytest.mark.parametrize("api", CLIENTS)
def test_400_top_n_zero(service, api):
    client, path = CLIENTS[api]("unused", service.url)
    with pytest.raises(cohere.BadRequestError) as raised:
        call(client, query=QUERY, documents=DOCUMENTS, top_n=0)
    direct = service.post(path, {"model": MODEL, "query": QUERY, "documents": DOCUMENTS, "top_n": 0})
    assert_surfaces(raised, direct, 400)


@pytest.mark.parametrize("api", CLIENTS)
def test_keys_accepted(secured, api):
    for key in (API_KEY, OTHER_API_KEY):
        client, path = CLIENTS[api](key, secured.url)
        response = call(client, query=QUERY, documents=DOCUMENTS, top_n=3)
        answer = secured.ok(path, {"query": QUERY, "documents": DOCUMENTS, "top_n": 3}, key=key)
        assert_same_ranking(ranking(response.results), service_ranking(answer))


@pytest.mark.parametrize("status", ErrorCase.STATUSES)
@pytest.mark.parametrize("api", CLIENTS)
def test_errors(service, secured, api, status):
    """Each status as the SDK's own exception (it retries 429 and 503 twice first, honouring Retry-After)."""
    with ErrorCase(status, service, secured) as case:
        client, path = CLIENTS[api](case.key or "unused", case.service.url)
        with pytest.raises(EXCEPTIONS[status]) as raised:
            call(client, query=case.query, documents=DOCUMENTS)
        direct = case.service.post(path, {"query": case.query, "documents": DOCUMENTS}, key=case.key)
    assert_surfaces(raised, direct, status)
