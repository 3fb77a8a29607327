"""Indexing HTTP triggers and invoking them the way the Python worker does."""

from __future__ import annotations

import json
import logging
import textwrap
from collections.abc import Iterator
from pathlib import Path

import azure.functions as func
import pytest

from azure_functions_durable_graph.local.app_loader import LoadedApp, load_app, unload_app
from azure_functions_durable_graph.local.http.functions import (
    HttpFunction,
    index_http_functions,
    invoke,
)
from azure_functions_durable_graph.local.worker_loop import run_sync

APP = """
import threading

import azure.durable_functions as df
import azure.functions as func

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="items/{id:int}", methods=["GET", "put"])
def get_item(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    body = {
        "id": req.route_params["id"],
        "q": req.params.get("q"),
        "function": context.function_name,
        "thread": threading.current_thread().name,
    }
    return func.HttpResponse(json.dumps(body), mimetype="application/json", status_code=201)


@app.route(route="text", auth_level=func.AuthLevel.FUNCTION, trigger_arg_name="request")
async def text(request: func.HttpRequest) -> str:
    return "plain " + request.get_body().decode()


@app.function_name("named")
@app.route()
def anything(req):
    return func.HttpResponse(b"", status_code=204)


@app.route(route="nothing")
def returns_nothing(req):
    return None


@app.route(route="broken")
def broken(req):
    raise ValueError("the database is on fire")


@app.route(route="dict")
def returns_dict(req):
    return {"not": "allowed"}


@app.route(route="status")
def bad_status(req):
    return func.HttpResponse("x", status_code=int(req.params.get("code", "42")))


@app.route(route="out", binding_arg_name="out")
def with_out(req: func.HttpRequest, out: func.Out[func.HttpResponse]) -> None:
    out.set(func.HttpResponse("via out", status_code=200))


@app.route(route="start", methods=["POST"])
@app.durable_client_input(client_name="client")
async def start(req: func.HttpRequest, client) -> func.HttpResponse:
    hub = client._orchestration_bindings.task_hub_name
    return func.HttpResponse(type(client).__name__ + " " + hub)


@app.route(route="blob")
@app.blob_input(arg_name="blob", path="container/x.txt", connection="AzureWebJobsStorage")
def with_blob(req: func.HttpRequest, blob: func.InputStream) -> str:
    return "never"


@app.activity_trigger(input_name="x")
def not_http(x):
    return x
"""


@pytest.fixture
def loaded(tmp_path: Path) -> Iterator[LoadedApp]:
    (tmp_path / "function_app.py").write_text("import json\n" + textwrap.dedent(APP))
    app = load_app(tmp_path)
    yield app
    unload_app(app)


@pytest.fixture
def functions(loaded: LoadedApp) -> dict[str, HttpFunction]:
    return {fn.name: fn for fn in index_http_functions(loaded.functions, str(loaded.app_dir))}


STARTER = json.dumps(
    {
        "taskHubName": "Hub1",
        "creationUrls": {},
        "managementUrls": {"id": "INSTANCEID"},
        "rpcBaseUrl": "http://127.0.0.1:1/runtime/webhooks/durabletask/",
    }
)


def call(fn: HttpFunction, method: str = "GET", url: str = "http://h/api/x", **kw: object):
    request = func.HttpRequest(
        method=method,
        url=url,
        headers={},
        params=kw.get("params") or {},  # type: ignore[arg-type]
        route_params=kw.get("route_params") or {},  # type: ignore[arg-type]
        body=kw.get("body") or b"",  # type: ignore[arg-type]
    )
    return run_sync(invoke(fn, request, STARTER))


def test_index_reads_routes_methods_auth_and_bindings(functions: dict[str, HttpFunction]) -> None:
    assert sorted(functions) == [
        "bad_status", "broken", "get_item", "named", "returns_dict", "returns_nothing", "start",
        "text", "with_blob", "with_out",
    ]  # fmt: skip
    item = functions["get_item"]
    assert (item.route, item.methods, item.auth_level) == (
        "items/{id:int}",
        frozenset({"GET", "PUT"}),
        "anonymous",
    )
    assert functions["named"].route == "named"  # the route defaults to the function name
    assert functions["named"].methods is None
    assert functions["text"].trigger_name == "request"
    assert functions["text"].auth_level == "function"
    assert functions["start"].client_bindings == ("client",)
    assert functions["with_out"].output_bindings == ("out",)


def test_sync_function_gets_request_and_context_and_runs_in_the_pool(
    functions: dict[str, HttpFunction],
) -> None:
    result = call(functions["get_item"], params={"q": "z"}, route_params={"id": "7"})
    assert result.status == 201
    assert ("Content-Type", "application/json") in result.headers
    body = json.loads(result.body)
    assert body["id"] == "7" and body["q"] == "z" and body["function"] == "get_item"
    assert body["thread"].startswith("durable-graph-sync")


def test_async_function_returning_str_is_200_text(functions: dict[str, HttpFunction]) -> None:
    result = call(functions["text"], "POST", body=b"hello")
    assert (result.status, result.body) == (200, b"plain hello")
    assert ("Content-Type", "text/plain; charset=utf-8") in result.headers


def test_out_binding(functions: dict[str, HttpFunction]) -> None:
    result = call(functions["with_out"])
    assert (result.status, result.body) == (200, b"via out")


def test_returning_nothing_is_204(functions: dict[str, HttpFunction]) -> None:
    result = call(functions["returns_nothing"])
    assert (result.status, result.body) == (204, b"")


def test_durable_client_binding_gets_the_starter_string(functions: dict[str, HttpFunction]) -> None:
    result = call(functions["start"], "POST")
    assert result.body == b"DurableOrchestrationClient Hub1"


def test_exception_is_a_500_json_and_a_logged_traceback(
    functions: dict[str, HttpFunction], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="azure_functions_durable_graph.local"):
        result = call(functions["broken"])
    assert result.status == 500
    assert json.loads(result.body) == {
        "error": {
            "code": "function_failed",
            "message": "Function 'broken' failed: ValueError: the database is on fire",
            "details": None,
        }
    }
    assert b"Traceback" not in result.body
    assert "Traceback (most recent call last)" in caplog.text
    assert "the database is on fire" in caplog.text


def test_unsupported_return_type_is_a_500(functions: dict[str, HttpFunction]) -> None:
    result = call(functions["returns_dict"])
    assert result.status == 500
    assert json.loads(result.body)["error"]["message"] == (
        "Function 'returns_dict' failed: TypeError: function 'returns_dict' returned dict; "
        "expected func.HttpResponse or str"
    )


@pytest.mark.parametrize("code", ["42", "99999"])
def test_a_status_code_http_cannot_carry_is_a_500(
    functions: dict[str, HttpFunction], code: str
) -> None:
    result = call(functions["bad_status"], params={"code": code})
    assert result.status == 500
    assert json.loads(result.body)["error"]["message"] == (
        f"Function 'bad_status' failed: ValueError: function 'bad_status' returned status_code "
        f"{code}; expected 100 to 599"
    )


def test_a_binding_the_host_does_not_emulate_is_a_clear_500(
    functions: dict[str, HttpFunction],
) -> None:
    result = call(functions["with_blob"])
    assert result.status == 500
    assert json.loads(result.body)["error"]["message"] == (
        "Function 'with_blob' failed: BindingError: parameter 'blob' is bound to a 'blob' "
        "binding, which the local host does not emulate (it passes the HTTP request, durable "
        "clients, http outputs and context)"
    )
