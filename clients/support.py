"""Runs the packaged service for the client suite, and asks it things directly over HTTP.

Every client case compares what a client returns to its user with the service's own answer to the
same request, fetched here with plain `requests`, so the clients are checked against the service and
not against this file.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
JAR = Path(os.environ.get("RERANKER_JAR", REPO / "target" / "quarkus-app" / "quarkus-run.jar"))
LOGS = REPO / "target" / "client-suite"

# Keys of the secured instance. The clients are configured with these exactly as with Cohere's own keys.
API_KEY = "client-suite-key"
OTHER_API_KEY = "client-suite-second-key"
ADMIN_KEY = "client-suite-admin"
# The secured instance takes this many requests at once; the one that fills it holds it (see queue_full).
MAX_CONCURRENT_REQUESTS = 1
# Texts of the request that holds it: about half a minute of work on the demo model on one core.
HELD_TEXTS = 500

QUERY = "Which license lets me redistribute modified copies?"
# A handful of passages, unicode on purpose: accents, CJK, right-to-left script, an emoji outside the BMP,
# a combining accent, quotes and a backslash, all of which must come back exactly as sent.
DOCUMENTS = [
    "You may redistribute modified versions under the same license, provided the notice is kept.",
    "The kernel schedules processes on every available core.",
    "Die Lizenz erlaubt die Weitergabe veränderter Kopien – Änderungen müssen gekennzeichnet sein.",
    "ライセンスは改変したコピーの再配布を許可します。",
    "الترخيص يسمح بإعادة توزيع النسخ المعدلة",
    "Redistribution 🚀 of binaries requires the \"NOTICE\" file (see C:\\licenses\\NOTICE).",
    "Cafe\u0301 opening hours are nine to five.",
    "Copyleft licenses require derived works to use the same license.",
]


# Quarkus's startup line: "Listening on: http://127.0.0.1:41231. Management interface listening on http://...".
SERVICE_PORT_LOGGED = r"Listening on: http://[^:]+:(\d+)"
MANAGEMENT_PORT_LOGGED = r"Management interface listening on http://[^:]+:(\d+)"


class Service:
    """The packaged service (`target/quarkus-app/quarkus-run.jar`) on a free port, with the given settings."""

    def __init__(self, name: str, settings: dict[str, str]):
        if not JAR.is_file():
            raise RuntimeError(f"{JAR} is missing: build it first (./mvnw -B -ntp package -DskipTests)")
        LOGS.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.log_path = LOGS / f"{name}.log"
        env = dict(os.environ)
        # Nothing of the developer's environment may change what is tested.
        for key in list(env):
            if key.startswith("RERANKER_") or key.startswith("QUARKUS_"):
                del env[key]
        env.update({
            "QUARKUS_HTTP_PORT": "0",  # Quarkus picks a free port and logs it
            "QUARKUS_HTTP_HOST": "127.0.0.1",
            # Probes and metrics: the management interface, on a free port of its own too (two services run at once).
            "QUARKUS_MANAGEMENT_PORT": "0",
            "QUARKUS_MANAGEMENT_HOST": "127.0.0.1",
            "RERANKER_SHUTDOWN_PRE_STOP_DELAY": "0s",
        })
        env.update(settings)
        java = os.environ.get("JAVA", "java")
        self._log = open(self.log_path, "w", encoding="utf-8")
        self.process = subprocess.Popen([java, "-jar", str(JAR)], stdout=self._log, stderr=subprocess.STDOUT,
                                        env=env, cwd=LOGS, start_new_session=True)
        try:
            self.url = f"http://127.0.0.1:{self._port(SERVICE_PORT_LOGGED)}"
            # Where /q/health/* and /q/metrics answer.
            self.management_url = f"http://127.0.0.1:{self._port(MANAGEMENT_PORT_LOGGED)}"
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _port(self, pattern: str, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.log_path.read_text(encoding="utf-8"))
            if match:
                return int(match.group(1))
            if self.process.poll() is not None:
                raise RuntimeError(f"service {self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            time.sleep(0.05)
        raise RuntimeError(f"service {self.name} did not start in {timeout} s:\n{self.log_tail()}")

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(self.management_url + "/q/health/ready", timeout=5).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"service {self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            time.sleep(0.05)
        raise RuntimeError(f"service {self.name} not ready in {timeout} s:\n{self.log_tail()}")

    def post(self, path: str, body: dict, key: str | None = None, bearer: bool = True) -> requests.Response:
        """The service's own answer: the request a client would send, sent directly."""
        headers = {"Content-Type": "application/json"}
        if key is not None:
            headers["Authorization"] = f"Bearer {key}" if bearer else key
        return requests.post(self.url + path, data=json.dumps(body), headers=headers, timeout=60)

    def ok(self, path: str, body: dict, key: str | None = None):
        response = self.post(path, body, key)
        assert response.status_code == 200, response.text
        return response.json()

    def metric(self, name: str) -> float:
        text = requests.get(self.management_url + "/q/metrics", timeout=10).text
        match = re.search(r"^" + re.escape(name) + r"(?:\{[^}]*\})? (\S+)$", text, re.M)
        assert match, f"metric {name} not exposed"
        return float(match.group(1))

    def admin(self, action: str) -> dict:
        response = requests.post(f"{self.url}/admin/model/{action}", headers={"Authorization": f"Bearer {ADMIN_KEY}"},
                                 timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(encoding="utf-8").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


@contextlib.contextmanager
def queue_full(service: Service):
    """Holds the secured instance full, so that every scoring request gets 429 at once.

    The instance takes one request at a time (reranker.max-concurrent-requests=1). One TEI request of HELD_TEXTS long
    texts is admitted (its estimated time fits the instance's long request timeout) and holds that place for as long
    as it is computed: about half a minute on the demo model on one core, far longer than any client's retries
    here. Every other request is refused before its body is read, with the same message and Retry-After: 1. The
    request is sent on a raw socket so that closing the socket cancels it: the service drops a request whose
    client went away, and the instance is free again at once.
    """
    long_text = " ".join(["redistribution of modified copies under the same license"] * 80)
    body = json.dumps({"query": QUERY, "texts": [long_text] * HELD_TEXTS}).encode()
    host, port = service.url.removeprefix("http://").split(":")
    held = socket.create_connection((host, int(port)))
    try:
        held.sendall(b"POST /rerank HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                     b"Authorization: Bearer %s\r\nContent-Length: %d\r\n\r\n"
                     % (host.encode(), API_KEY.encode(), len(body)) + body)
        _until(lambda: service.metric("reranker_admitted_pairs") >= HELD_TEXTS, "the held request to be admitted")
        yield
        # Still held: the 429s seen meanwhile were the limit's, not a race with its end.
        assert service.metric("reranker_admitted_pairs") >= HELD_TEXTS, "the held request ended too early"
    finally:
        held.close()
        _until(lambda: service.metric("reranker_admitted_pairs") == 0, "the instance to be free")


@contextlib.contextmanager
def model_unloaded(service: Service):
    """The secured instance with its model unloaded through the admin API: scoring routes answer 503."""
    service.admin("unload")
    try:
        yield
    finally:
        service.admin("load")
        _until(lambda: requests.get(service.management_url + "/q/health/ready", timeout=5).status_code == 200,
               "the model to load again")


class ErrorCase:
    """A state of the service in which a request for QUERY answers `status`, for clients sent with `key`."""

    STATUSES = (400, 401, 429, 503)

    def __init__(self, status: int, service: Service, secured: Service):
        self.status = status
        self.service = service if status == 400 else secured
        self.query = "" if status == 400 else QUERY  # an empty query is the client's mistake
        self.key = {400: None, 401: "not-a-key"}.get(status, API_KEY)
        self._state = {429: queue_full, 503: model_unloaded}.get(status)

    def __enter__(self):
        self._context = self._state(self.service) if self._state else contextlib.nullcontext()
        self._context.__enter__()
        return self

    def __exit__(self, *exc):
        return self._context.__exit__(*exc)


def _until(condition, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def assert_same_ranking(client: list[tuple[int, float]], service: list[tuple[int, float]], top_n: int | None = None):
    """Order equal, scores within 1e-6, and top_n honoured: (index, score) pairs, most relevant first."""
    expected = service if top_n is None else service[:top_n]
    assert [i for i, _ in client] == [i for i, _ in expected], (client, expected)
    for (i, got), (_, want) in zip(client, expected):
        assert abs(got - want) <= 1e-6, f"document {i}: client score {got}, service score {want}"
