"""HTTP functions written for Azure's HTTP streaming (azurefunctions-extensions-http-fastapi),
served by the local host through its real port.

Streaming is proven without timing: the app's generators send one chunk and then wait on
a gate that the test opens only after it has read that chunk over HTTP. A host that
buffered the response would never send the first chunk, and the read would time out.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from azure_functions_durable_graph.local.http import server
from azure_functions_durable_graph.local.worker_loop import run_sync
from azure_functions_durable_graph.testing import LocalHost
from tests.cli.test_serve import Served, free_port
from tests.helpers import eventually

APP = Path(__file__).resolve().parents[1] / "apps" / "http_streaming"
READ_TIMEOUT = 10.0  # only ever reached when a chunk never comes


@pytest.fixture(scope="module")
def host() -> Iterator[LocalHost]:
    with LocalHost(APP, store=":memory:") as running:
        yield running


def open_stream(
    host: LocalHost, method: str, path: str, body: bytes | None = None
) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    connection = http.client.HTTPConnection("127.0.0.1", host.port, timeout=READ_TIMEOUT)
    connection.request(method, path, body=body)
    return connection, connection.getresponse()


def wait_for(condition: object, what: str) -> None:
    deadline = time.monotonic() + READ_TIMEOUT
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@pytest.mark.parametrize("route", ["stream", "sync-stream"])
def test_each_chunk_reaches_the_client_before_the_generator_goes_on(
    host: LocalHost, route: str
) -> None:
    key = f"{route}-gate"
    connection, reply = open_stream(host, "GET", f"/api/{route}/{key}")
    try:
        assert reply.status == 200
        assert reply.getheader("Transfer-Encoding") == "chunked"
        assert reply.getheader("Content-Type") == "text/plain; charset=utf-8"
        assert reply.readline() == b"first\n"  # the generator now waits for the gate
        assert host.post(f"/api/gates/{key}").json() == {"opened": key}
        assert reply.read() == b"second\n"
    finally:
        connection.close()


def test_the_status_and_headers_come_before_the_first_chunk(host: LocalHost) -> None:
    connection, reply = open_stream(host, "GET", "/api/quiet/headers-first")
    try:  # getresponse() returned: the status line came while the generator still waits
        assert reply.status == 200
        assert reply.getheader("Content-Type") == "text/event-stream; charset=utf-8"
        host.post("/api/gates/headers-first")
        assert reply.read() == b"late\n"
    finally:
        connection.close()


def test_a_client_that_leaves_before_the_first_chunk_stops_the_generator(
    host: LocalHost,
) -> None:
    connection, reply = open_stream(host, "GET", "/api/quiet/left-early")
    assert reply.status == 200
    connection.close()
    wait_for(lambda: host.get("/api/closed/left-early").json() == {"closed": True}, "the end")
    wait_for(lambda: _stream_tasks() == [], "the stream task to end")


def test_the_request_reaches_the_function_as_a_fastapi_request(host: LocalHost) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", host.port, timeout=READ_TIMEOUT)
    try:
        connection.putrequest("POST", "/api/Echo/bob/more%20text?z=1&z=2&caf%C3%A9=%C3%A9")
        connection.putheader("X-Custom", "one")
        connection.putheader("X-Custom", "two")
        connection.putheader("Content-Length", "7")
        connection.endheaders(b"payload")
        reply = connection.getresponse()
        body = json.loads(reply.read())
    finally:
        connection.close()
    assert reply.status == 200
    assert reply.getheader("Content-Type") == "application/json"
    assert body == {
        "method": "POST",
        # Starlette builds the URL from the decoded path, under uvicorn on Azure too.
        "url": f"http://127.0.0.1:{host.port}/api/Echo/bob/more text?z=1&z=2&caf%C3%A9=%C3%A9",
        "path": "/api/Echo/bob/more text",
        "route": {"name": "bob", "rest": "more text"},  # from the route template, as on Azure
        "query": [["café", "é"], ["z", "1"], ["z", "2"]],
        "header": ["one", "two"],  # repeated headers stay apart, unlike func.HttpRequest
        "body": "payload",
        "client": "127.0.0.1",
    }


def test_an_optional_route_value_that_is_absent_is_absent(host: LocalHost) -> None:
    assert host.get("/api/echo/ann").json()["route"] == {"name": "ann"}


def test_values_come_back_as_fastapi_serializes_them(host: LocalHost) -> None:
    text = host.get("/api/text")
    assert (text.status, text.headers["Content-Type"], text.text) == (
        200,
        "application/json",
        '"hello"',  # a str is JSON-encoded by FastAPI, on Azure too
    )
    assert host.get("/api/items").json() == [1, "two", None]
    created = host.post("/api/json-body", json={"a": [1, 2]})
    assert (created.status, created.headers["X-Answer"], created.json()) == (
        201,
        "42",
        {"got": {"a": [1, 2]}},
    )


def test_returning_none_is_a_500_as_the_worker_has_no_response(host: LocalHost) -> None:
    reply = host.get("/api/nothing")
    assert reply.status == 500
    assert reply.json()["error"]["code"] == "function_failed"
    assert "returned None" in reply.json()["error"]["message"]


def test_an_error_before_the_response_starts_is_the_usual_500(
    host: LocalHost, caplog: pytest.LogCaptureFixture
) -> None:
    reply = host.get("/api/fails-early")
    assert reply.status == 500
    assert reply.json() == {
        "error": {
            "code": "function_failed",
            "message": "Function 'fails_early' failed: ValueError: no stream today",
            "details": None,
        }
    }
    assert "ValueError: no stream today" in caplog.text


def test_a_status_outside_100_to_599_fails_the_call(host: LocalHost) -> None:
    reply = host.get("/api/bad-status")
    assert reply.status == 500
    assert "has status 700; expected 100 to 599" in reply.json()["error"]["message"]


def test_an_error_mid_stream_cuts_the_body(
    host: LocalHost, caplog: pytest.LogCaptureFixture
) -> None:
    connection, reply = open_stream(host, "GET", "/api/fails-midway/midway")
    try:
        assert reply.status == 200
        assert reply.readline() == b"first\n"
        host.post("/api/gates/midway")
        with pytest.raises(http.client.IncompleteRead):
            reply.read()  # no closing chunk: the client knows the body is incomplete
    finally:
        connection.close()
    assert "Failed after the response started" in caplog.text
    assert "broke after the first chunk" in caplog.text


def _stream_tasks() -> list[str]:
    async def names() -> list[str]:
        return [t.get_name() for t in asyncio.all_tasks() if t.get_name().startswith("http-")]

    return run_sync(names())


def test_a_client_that_leaves_mid_stream_stops_the_generator(host: LocalHost) -> None:
    connection, reply = open_stream(host, "GET", "/api/endless/left")
    assert reply.status == 200
    assert reply.getheader("Content-Type") == "text/event-stream; charset=utf-8"
    assert reply.readline() == b"data: 1\n"
    assert _stream_tasks() == ["http-stream:endless"]
    connection.close()  # the generator waits for an event nobody sets

    wait_for(lambda: host.get("/api/closed/left").json() == {"closed": True}, "the generator")
    wait_for(lambda: _stream_tasks() == [], "the stream task to end")


def test_the_body_limit_applies(host: LocalHost, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "MAX_BODY_BYTES", 1000)
    with LocalHost(APP, store=":memory:") as limited:
        reply = limited.post("/api/echo/big", data=b"x" * 5000)
    assert reply.status == 413
    assert reply.json()["error"]["code"] == "request_too_large"


def test_a_durable_client_starts_an_orchestration_and_streams_its_status(
    host: LocalHost,
) -> None:
    connection, reply = open_stream(host, "POST", "/api/follow/x", b'"hello"')
    try:
        assert reply.status == 200
        assert reply.getheader("Content-Type") == "application/x-ndjson"
        first = json.loads(reply.readline())
        assert first["status"] in ("Pending", "Running")  # waiting for the event "go"
        instance_id = first["instanceId"]
        host.raise_event(instance_id, "go", "streamed")
        rest = [json.loads(line) for line in reply.read().splitlines()]
    finally:
        connection.close()
    assert rest[-1] == {"instanceId": instance_id, "status": "Completed", "output": "STREAMED"}
    assert host.status(instance_id)["output"] == "STREAMED"


def copy_app(tmp_path: Path, settings: dict[str, object]) -> Path:
    app = tmp_path / "app"
    shutil.copytree(APP, app)
    (app / "local.settings.json").write_text(json.dumps(settings))
    return app


def test_function_keys_apply_to_streaming_functions(tmp_path: Path) -> None:
    app = copy_app(tmp_path, {"Values": {"PYTHON_ENABLE_INIT_INDEXING": "1"}})
    with LocalHost(app, store=":memory:", function_key="s3cret") as keyed:
        refused = keyed.get("/api/secret")
        assert (refused.status, refused.json()["error"]["code"]) == (401, "key_required")
        assert keyed.get("/api/secret?code=s3cret").text == "only with the key"
        given = keyed.get("/api/secret", headers={"x-functions-key": "s3cret"})
        assert given.text == "only with the key"
        assert keyed.get("/api/text").text == '"hello"'  # anonymous stays open


def test_cross_site_rules_apply_and_cors_headers_come_before_the_first_byte(
    tmp_path: Path,
) -> None:
    settings = {
        "Values": {"PYTHON_ENABLE_INIT_INDEXING": "1"},
        "Host": {"CORS": "http://app.example"},
    }
    with LocalHost(copy_app(tmp_path, settings), store=":memory:") as listed:
        foreign = {"Origin": "http://other.example", "Sec-Fetch-Site": "cross-site"}
        refused = listed.post("/api/gates/x", headers=foreign)
        assert (refused.status, refused.json()["error"]["code"]) == (403, "origin_not_allowed")
        assert listed.get("/api/closed/x", headers={"Host": "evil.example"}).status == 400

        listed.post("/api/gates/cors")  # the stream below then runs to its end at once
        page = {"Origin": "http://app.example", "Sec-Fetch-Site": "cross-site"}
        streamed = listed.get("/api/stream/cors", headers=page)
        assert streamed.text == "first\nsecond\n"
        assert streamed.headers["Access-Control-Allow-Origin"] == "http://app.example"
        assert streamed.headers["Vary"] == "Origin"


@pytest.mark.slow
def test_durable_graph_serve_streams() -> None:
    port = free_port()
    served = Served(APP, port)
    try:
        eventually(lambda: "Press Ctrl+C to stop." in served.output or served.process.poll(), 30)
        assert served.process.poll() is None, served.output
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=READ_TIMEOUT)
        try:
            connection.request("GET", "/api/stream/served")
            reply = connection.getresponse()
            assert reply.readline() == b"first\n"
            gate = http.client.HTTPConnection("127.0.0.1", port, timeout=READ_TIMEOUT)
            gate.request("POST", "/api/gates/served")
            assert gate.getresponse().status == 200
            gate.close()
            assert reply.read() == b"second\n"
        finally:
            connection.close()
    finally:
        served.close()
