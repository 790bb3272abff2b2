import importlib.metadata
import os

# Haystack reports usage to its authors unless told not to; tests reach no network but the service.
os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")

import pytest  # noqa: E402

from support import ADMIN_KEY, API_KEY, MAX_CONCURRENT_REQUESTS, OTHER_API_KEY, Service

CLIENTS = ["cohere", "langchain-cohere", "langchain-classic", "langchain-core", "llama-index-core",
           "llama-index-postprocessor-cohere-rerank", "llama-index-postprocessor-tei-rerank", "haystack-ai",
           "huggingface-api-haystack"]


def pytest_report_header(config):
    installed = []
    for name in CLIENTS:
        try:
            installed.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            pass
    return "clients: " + ", ".join(installed)


@pytest.fixture(scope="session")
def service():
    """The service as it starts by default: embedded demo model, no keys."""
    running = Service("open", {})
    yield running
    running.stop()


@pytest.fixture(scope="session")
def secured():
    """API keys on; an admin key to unload the model (503); one request at a time, so one holds it full (429)."""
    running = Service("secured", {
        "RERANKER_API_KEYS": f"{API_KEY},{OTHER_API_KEY}",
        "RERANKER_ADMIN_KEY": ADMIN_KEY,
        "RERANKER_MAX_CONCURRENT_REQUESTS": str(MAX_CONCURRENT_REQUESTS),
        # The request that holds the instance full computes on one core, leaving the other to the clients.
        "RERANKER_CPU_INTRA_OP_THREADS": "1",
        # Long enough that admission by time takes the held request even on a slow, shared machine.
        "RERANKER_REQUEST_TIMEOUT": "300s",
    })
    yield running
    running.stop()
