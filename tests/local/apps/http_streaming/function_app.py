"""An app written for Azure's HTTP streaming, unmodified: FastAPI requests and responses
through azurefunctions-extensions-http-fastapi, beside a durable client and an orchestration.

Streams wait on gates the test opens over HTTP only after it has read what came before,
so a host that buffered a response would never send its first chunk
(tests/local/http/test_streaming.py).
"""

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Iterator

import azure.durable_functions as df
import azure.functions as func
from azurefunctions.extensions.http.fastapi import (
    JSONResponse,
    PlainTextResponse,
    Request,
    StreamingResponse,
)

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)

# One gate per key, opened by POST /api/gates/{key}. Async functions all run on the
# host's one event loop; the thread event serves the sync generator.
async_gates: dict[str, asyncio.Event] = {}
thread_gates: dict[str, threading.Event] = {}
closed: set[str] = set()


def async_gate(key: str) -> asyncio.Event:
    return async_gates.setdefault(key, asyncio.Event())


def thread_gate(key: str) -> threading.Event:
    return thread_gates.setdefault(key, threading.Event())


@app.route(route="gates/{key}", methods=["POST"])
async def open_gate(req: Request) -> dict:
    key = req.path_params["key"]
    async_gate(key).set()
    thread_gate(key).set()
    return {"opened": key}


@app.route(route="stream/{key}", methods=["GET"])
async def stream(req: Request) -> StreamingResponse:
    key = req.path_params["key"]

    async def chunks() -> AsyncIterator[bytes]:
        yield b"first\n"
        await async_gate(key).wait()
        yield b"second\n"

    return StreamingResponse(chunks(), media_type="text/plain")


@app.route(route="sync-stream/{key}", methods=["GET"])
def sync_stream(req: Request) -> StreamingResponse:
    key = req.path_params["key"]

    def chunks() -> Iterator[str]:
        yield "first\n"
        thread_gate(key).wait(timeout=60)
        yield "second\n"

    return StreamingResponse(chunks(), media_type="text/plain")


@app.route(route="endless/{key}", methods=["GET"])
async def endless(req: Request) -> StreamingResponse:
    key = req.path_params["key"]

    async def chunks() -> AsyncIterator[bytes]:
        try:
            yield b"data: 1\n\n"
            await asyncio.Event().wait()  # never set: only the client leaving ends this
        finally:
            closed.add(key)

    return StreamingResponse(chunks(), media_type="text/event-stream")


@app.route(route="quiet/{key}", methods=["GET"])
async def quiet(req: Request) -> StreamingResponse:
    key = req.path_params["key"]

    async def chunks() -> AsyncIterator[bytes]:
        try:
            await async_gate(key).wait()  # nothing to send until the gate opens
            yield b"late\n"
        finally:
            closed.add(key)

    return StreamingResponse(chunks(), media_type="text/event-stream")


@app.route(route="closed/{key}", methods=["GET"])
async def was_closed(req: Request) -> dict:
    return {"closed": req.path_params["key"] in closed}


@app.route(route="echo/{name}/{rest?}", methods=["GET", "POST", "PUT"])
async def echo(req: Request) -> dict:
    body = await req.body()
    return {
        "method": req.method,
        "url": str(req.url),
        "path": req.url.path,
        "route": dict(req.path_params),
        "query": sorted(req.query_params.multi_items()),
        "header": req.headers.getlist("x-custom"),
        "body": body.decode("latin-1"),
        "client": req.client.host if req.client else None,
    }


@app.route(route="json-body", methods=["POST"])
async def json_body(req: Request) -> JSONResponse:
    payload = await req.json()
    return JSONResponse({"got": payload}, status_code=201, headers={"X-Answer": "42"})


@app.route(route="text", methods=["GET"])
def text(req: Request) -> str:
    return "hello"


@app.route(route="items", methods=["GET"])
def items(req: Request) -> list:
    return [1, "two", None]


@app.route(route="nothing", methods=["GET"])
async def nothing(req: Request):
    return None


@app.route(route="bad-status", methods=["GET"])
def bad_status(req: Request) -> PlainTextResponse:
    return PlainTextResponse("no client can read this", status_code=700)


@app.route(route="fails-early", methods=["GET"])
async def fails_early(req: Request) -> StreamingResponse:
    raise ValueError("no stream today")


@app.route(route="fails-midway/{key}", methods=["GET"])
async def fails_midway(req: Request) -> StreamingResponse:
    key = req.path_params["key"]

    async def chunks() -> AsyncIterator[bytes]:
        yield b"first\n"
        await async_gate(key).wait()
        raise RuntimeError("broke after the first chunk")

    return StreamingResponse(chunks(), media_type="text/plain")


@app.route(route="secret", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
async def secret(req: Request) -> StreamingResponse:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"only with the key"

    return StreamingResponse(chunks())


@app.route(route="follow/{key}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def start_and_follow(req: Request, client: df.DurableOrchestrationClient):
    """Start an orchestration and stream each status it goes through, one JSON line each."""
    instance_id = await client.start_new("wait_then_shout", None, await req.json())

    async def statuses() -> AsyncIterator[str]:
        last = None
        while True:
            status = await client.get_status(instance_id)
            shown = status.runtime_status.value if status.runtime_status else None
            if shown != last:
                last = shown
                line = {"instanceId": instance_id, "status": shown, "output": status.output}
                yield json.dumps(line) + "\n"
            if shown in ("Completed", "Failed", "Terminated"):
                return
            await asyncio.sleep(0.05)

    return StreamingResponse(statuses(), media_type="application/x-ndjson")


@app.orchestration_trigger(context_name="context")
def wait_then_shout(context: df.DurableOrchestrationContext):
    text = yield context.wait_for_external_event("go")
    return (yield context.call_activity("shout", text))


@app.activity_trigger(input_name="text")
def shout(text: str) -> str:
    return text.upper()
