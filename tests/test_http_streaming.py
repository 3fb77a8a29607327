"""HTTP streaming on: every HTTP function the runtime registers takes the extension's
Request and returns its Response, through one adapter; off: the classic types, and the
extension is never imported.

Each check runs in a fresh interpreter: importing the extension turns HTTP v2 on for
the whole process (as it does for a worker), which must not leak into other tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

pytest.importorskip("azurefunctions.extensions.http.fastapi")

LIST_HTTP_FUNCTIONS = """
import json, sys, typing
import azure.functions as func
from azure_functions_durable_graph import DurableGraphApp
from azure_functions_durable_graph.api.route_table import HttpRoute

def hello(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("hello")

runtime = DurableGraphApp(**json.loads(sys.argv[1]))
runtime.add_http_routes([HttpRoute("extra_hello", "hello", "GET", hello)])
found = {}
for function in runtime.function_app.get_functions():
    trigger = function.get_trigger()
    if trigger is None or trigger.get_binding_name() != "httpTrigger":
        continue
    hints = typing.get_type_hints(function.get_user_function())
    found[function.get_function_name()] = [
        f"{hints[trigger.name].__module__}.{hints[trigger.name].__name__}",
        f"{hints['return'].__module__}.{hints['return'].__name__}",
    ]
print(json.dumps({
    "functions": found,
    "streaming": runtime.http_streaming,
    "extension": "azurefunctions.extensions.http.fastapi" in sys.modules,
}))
"""


def http_functions(options: dict[str, Any], env: dict[str, str] | None = None) -> dict[str, Any]:
    code = [sys.executable, "-c", LIST_HTTP_FUNCTIONS, json.dumps(options)]
    environ = {"PATH": "/usr/bin:/bin", **(env or {})}
    out = subprocess.run(code, capture_output=True, text=True, env=environ, check=True)
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def test_streaming_on_registers_every_http_function_with_the_extensions_types() -> None:
    found = http_functions({"http_streaming": True})

    assert found["streaming"] and found["extension"]
    names = set(found["functions"])
    assert {
        "durable_graph_http_start_run",
        "durable_graph_http_health",
        "durable_graph_http_langgraph",
        "durable_graph_http_langgraph_store_items",
        "extra_hello",
    } <= names
    for types in found["functions"].values():
        assert types == ["starlette.requests.Request", "starlette.responses.Response"]


def test_the_app_setting_turns_streaming_on() -> None:
    found = http_functions({}, env={"DURABLE_GRAPH_HTTP_STREAMING": "true"})

    assert found["streaming"]
    assert found["functions"]["durable_graph_http_langgraph"][0] == "starlette.requests.Request"


def test_streaming_off_keeps_the_classic_types_and_never_imports_the_extension() -> None:
    found = http_functions({}, env={"DURABLE_GRAPH_HTTP_STREAMING": "0"})

    assert not found["streaming"] and not found["extension"]
    for types in found["functions"].values():
        assert types == ["azure.functions._http.HttpRequest", "azure.functions._http.HttpResponse"]


def test_streaming_without_the_extension_says_what_to_install() -> None:
    code = (
        "import sys; sys.modules['azurefunctions.extensions.http.fastapi'] = None\n"
        "from azure_functions_durable_graph import DurableGraphApp\n"
        "DurableGraphApp(http_streaming=True)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)

    assert out.returncode != 0
    assert "pip install 'azure-functions-durable-graph[http-streaming]'" in out.stderr


ADAPT = """
import asyncio, json
import azure.functions as func
from starlette.requests import Request
from azure_functions_durable_graph.http_streaming import (
    LiveStream, classic_request, fastapi_response)

async def main():
    body = b'{"a": 1}'
    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}
    scope = {
        "type": "http", "method": "POST", "path": "/api/runs/r1", "raw_path": b"/api/runs/r1",
        "query_string": b"limit=2&x=y", "headers": [(b"x-api-key", b"k"), (b"host", b"h:1")],
        "scheme": "http", "server": ("h", 1), "path_params": {"instance_id": "r1"},
    }
    req = await classic_request(Request(scope, receive))
    answer = fastapi_response(func.HttpResponse(
        "{}", status_code=201, headers={"Location": "/x"}, mimetype="application/json"))
    async def chunks():
        yield b"event: a"
    streamed = fastapi_response(LiveStream(chunks(), headers={"X-Durable-Graph-Stream": "live"}))
    print(json.dumps({
        "method": req.method, "url": req.url, "params": dict(req.params),
        "route": dict(req.route_params), "header": req.headers.get("X-Api-Key"),
        "body": req.get_body().decode(),
        "status": answer.status_code, "location": answer.headers["location"],
        "type": answer.headers["content-type"], "content": answer.body.decode(),
        "streamed": [type(streamed).__name__, streamed.media_type,
                     streamed.headers["x-durable-graph-stream"]],
    }))

asyncio.run(main())
"""


def test_the_adapter_carries_requests_and_responses_both_ways() -> None:
    out = subprocess.run([sys.executable, "-c", ADAPT], capture_output=True, text=True, check=True)
    seen = json.loads(out.stdout)

    assert seen == {
        "method": "POST",
        "url": "http://h:1/api/runs/r1?limit=2&x=y",
        "params": {"limit": "2", "x": "y"},
        "route": {"instance_id": "r1"},
        "header": "k",
        "body": '{"a": 1}',
        "status": 201,
        "location": "/x",
        "type": "application/json",
        "content": "{}",
        "streamed": ["StreamingResponse", "text/event-stream", "live"],
    }
