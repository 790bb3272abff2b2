"""The Cohere SDK's exception for each status the service answers, which the Cohere-based integrations pass on
to their users, and the check that one carries the service's own answer."""
import cohere

EXCEPTIONS = {
    400: cohere.BadRequestError,
    401: cohere.UnauthorizedError,
    429: cohere.TooManyRequestsError,
    503: cohere.ServiceUnavailableError,
}


def assert_surfaces(raised, direct, status: int) -> None:
    """`raised` (pytest's ExceptionInfo) is the SDK's exception for `status` with the body of `direct`, the
    service's answer to the same request."""
    assert direct.status_code == status, direct.text
    assert type(raised.value) is EXCEPTIONS[status]
    assert raised.value.status_code == status
    assert raised.value.body == direct.json()
    assert direct.json()["message"] in str(raised.value)
    if "Retry-After" in direct.headers:
        assert raised.value.headers.get("retry-after") == direct.headers["Retry-After"]
