"""What the app port answers: routes under the prefix, 404/405 JSON, the Durable API."""

from __future__ import annotations

import http.client
import json
import logging
import socket
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from azure_functions_durable_graph.local.host import LocalHost

APP = """
import json

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)


def echo(req: func.HttpRequest, name: str) -> func.HttpResponse:
    body = {
        "function": name,
        "method": req.method,
        "url": req.url,
        "route": dict(req.route_params),
        "params": dict(req.params),
        "header": req.headers.get("x-custom"),
        "body": req.get_body().decode(),
    }
    return func.HttpResponse(json.dumps(body), mimetype="application/json")


@app.route(route="items/{id:int}", methods=["GET", "DELETE"])
def item_by_id(req: func.HttpRequest) -> func.HttpResponse:
    return echo(req, "item_by_id")


@app.route(route="items/new", methods=["GET"])
def new_item(req: func.HttpRequest) -> func.HttpResponse:
    return echo(req, "new_item")


@app.route(route="items/{name}", methods=["GET", "POST"])
def item_by_name(req: func.HttpRequest) -> func.HttpResponse:
    return echo(req, "item_by_name")


@app.route(route="files/{*path}")
def files(req: func.HttpRequest) -> func.HttpResponse:
    return echo(req, "files")


@app.route(route="headers")
def headers(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("x", headers={"X-Answer": "42", "Content-Type": "text/csv"})


@app.route(route="raw", methods=["POST"])
async def raw(req: func.HttpRequest) -> func.HttpResponse:
    body = bytes(reversed(req.get_body()))
    return func.HttpResponse(
        body,
        mimetype="application/octet-stream",
        headers={"X-Tags": req.params.get("tag", ""), "X-Seen": req.headers.get("x-tag", "")},
    )


@app.route(route="page")
def page(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("caf\u00e9".encode("latin-1"), mimetype="text/html", charset="latin-1")
"""


def serve(tmp_path: Path, host_json: dict[str, object]) -> LocalHost:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "function_app.py").write_text(textwrap.dedent(APP))
    (tmp_path / "host.json").write_text(json.dumps(host_json))
    return LocalHost(tmp_path, store=":memory:").start()


@pytest.fixture
def host(tmp_path: Path) -> Iterator[LocalHost]:
    running = serve(tmp_path, {"version": "2.0"})
    yield running
    running.stop()


def test_request_reaches_the_function_with_everything(host: LocalHost) -> None:
    reply = host.post(
        "/api/items/widget?color=red",
        data="payload",
        headers={"X-Custom": "yes"},
    )
    assert reply.status == 200
    assert reply.json() == {
        "function": "item_by_name",
        "method": "POST",
        "url": f"{host.base_url}/api/items/widget?color=red",
        "route": {"name": "widget"},
        "params": {"color": "red"},
        "header": "yes",
        "body": "payload",
    }


def test_no_function_key_is_needed_even_for_function_auth(host: LocalHost) -> None:
    assert host.get("/api/items/1").status == 200


def test_route_precedence_and_case_insensitivity(host: LocalHost) -> None:
    assert host.get("/api/items/new").json()["function"] == "new_item"
    assert host.get("/API/Items/42").json() | {"url": None} == {
        "function": "item_by_id",
        "method": "GET",
        "url": None,
        "route": {"id": "42"},
        "params": {},
        "header": None,
        "body": "",
    }
    assert host.get("/api/items/abc").json()["function"] == "item_by_name"
    assert host.get("/api/files/a/b/c.txt").json()["route"] == {"path": "a/b/c.txt"}


def test_a_later_route_serves_a_method_the_best_one_refuses(host: LocalHost) -> None:
    # items/{id:int} takes GET and DELETE; POST falls through to items/{name}.
    assert host.post("/api/items/5").json()["function"] == "item_by_name"


def test_unknown_route_is_a_json_404(host: LocalHost) -> None:
    reply = host.get("/api/nothing/here")
    assert reply.status == 404
    assert reply.json() == {
        "error": {
            "code": "not_found",
            "message": "no function serves /api/nothing/here",
            "details": None,
        }
    }
    assert host.get("/items/1").status == 404  # outside the route prefix


def test_wrong_method_is_a_json_405_with_allow(host: LocalHost) -> None:
    reply = host.request("PUT", "/api/items/new")
    assert reply.status == 405
    assert reply.headers["Allow"] == "GET, POST"
    assert reply.json()["error"]["code"] == "method_not_allowed"


def test_response_headers_are_kept(host: LocalHost) -> None:
    reply = host.get("/api/headers")
    assert reply.headers["X-Answer"] == "42"
    assert reply.headers["Content-Type"] == "text/csv"


def test_durable_api_is_served_on_the_app_port(host: LocalHost) -> None:
    reply = host.get("/runtime/webhooks/durabletask/instances/")
    assert (reply.status, reply.json()) == (200, [])


def test_custom_and_empty_route_prefix(tmp_path: Path) -> None:
    custom = serve(tmp_path / "a", {"extensions": {"http": {"routePrefix": "v1/public"}}})
    try:
        assert custom.get("/v1/public/items/new").json()["function"] == "new_item"
        assert custom.get("/api/items/new").status == 404
    finally:
        custom.stop()

    bare = serve(tmp_path / "b", {"extensions": {"http": {"routePrefix": ""}}})
    try:
        assert bare.get("/items/new").json()["function"] == "new_item"
        assert bare.get("/runtime/webhooks/durabletask/instances").status == 200
    finally:
        bare.stop()


def test_repeated_query_keys_and_headers_arrive_comma_joined_and_bytes_stay_bytes(
    host: LocalHost,
) -> None:
    payload = bytes(range(256))
    connection = http.client.HTTPConnection("127.0.0.1", host.port, timeout=10)
    try:
        connection.putrequest("POST", "/api/raw?tag=a&tag=b")
        connection.putheader("X-Tag", "one")
        connection.putheader("X-Tag", "two")
        connection.putheader("Content-Length", str(len(payload)))
        connection.endheaders(payload)
        reply = connection.getresponse()
        body = reply.read()
    finally:
        connection.close()

    assert reply.status == 200
    assert body == bytes(reversed(payload))
    assert reply.getheader("Content-Type") == "application/octet-stream"
    assert (reply.getheader("X-Tags"), reply.getheader("X-Seen")) == ("a,b", "one,two")


def test_text_responses_carry_their_mimetype_and_charset(host: LocalHost) -> None:
    reply = host.get("/api/page")
    assert reply.headers["Content-Type"] == "text/html; charset=latin-1"


def test_the_host_listens_on_loopback_only_unless_told_otherwise(tmp_path: Path) -> None:
    def reachable_from_another_loopback_address(served: LocalHost) -> bool:
        try:
            socket.create_connection(("127.0.0.2", served.port), timeout=5).close()
        except ConnectionRefusedError:
            return False
        return True

    (tmp_path / "function_app.py").write_text(textwrap.dedent(APP))
    with LocalHost(tmp_path, store=":memory:") as default:
        assert default.base_url.startswith("http://127.0.0.1:")
        assert not reachable_from_another_loopback_address(default)
    with LocalHost(tmp_path, store=":memory:", host="0.0.0.0") as everywhere:
        assert everywhere.base_url.startswith("http://127.0.0.1:")  # what it prints stays usable
        assert reachable_from_another_loopback_address(everywhere)
        assert everywhere.get("/api/items/new").json()["function"] == "new_item"


def test_paths_in_logs_are_escaped_and_cut(
    host: LocalHost, caplog: pytest.LogCaptureFixture
) -> None:
    name = "a%00b%0A" + "x" * 5000
    with caplog.at_level(logging.INFO, logger="azure_functions_durable_graph.local"):
        assert host.get(f"/api/items/{name}").status == 200
    (line,) = [r.getMessage() for r in caplog.records if "item_by_name" in r.getMessage()]
    assert "/api/items/a\\x00b\\nxxx" in line
    assert "\n" not in line and "\0" not in line
    assert len(line) < 300
