"""When HTTP streaming is on for an app, and what Azure's worker refuses at indexing.

Importing azurefunctions.extensions.http.fastapi with PYTHON_ENABLE_INIT_INDEXING on
serves every HTTP function of the app through the extension: a function still typed
with func.HttpRequest stops the app from loading on Azure, and so here.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from azure_functions_durable_graph.cli import main
from azure_functions_durable_graph.local.http.http_v2 import HttpStreamingError
from azure_functions_durable_graph.testing import LocalHost

HEADER = """
import azure.functions as func
from azurefunctions.extensions.http.fastapi import JSONResponse, Request, StreamingResponse

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)
"""

STREAMING = """
@app.route(route="fast")
async def fast(req: Request) -> JSONResponse:
    return JSONResponse({"type": type(req).__module__ + "." + type(req).__name__})
"""

CLASSIC_TYPED = """
@app.route(route="classic")
def classic(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("classic")
"""

CLASSIC_UNTYPED = """
@app.route(route="untyped")
def untyped(req):
    return func.HttpResponse("made for func.HttpRequest", status_code=201)
"""

PLAIN_CLASSIC = """
import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="kind")
def kind(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(f"func.HttpRequest: {isinstance(req, func.HttpRequest)}")
"""


@pytest.fixture(autouse=True)
def no_setting_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTHON_ENABLE_INIT_INDEXING", raising=False)


def write_app(folder: Path, source: str, init_indexing: str | None = "1") -> Path:
    folder.mkdir(parents=True)
    (folder / "function_app.py").write_text(textwrap.dedent(source))
    values = {} if init_indexing is None else {"PYTHON_ENABLE_INIT_INDEXING": init_indexing}
    (folder / "local.settings.json").write_text(json.dumps({"Values": values}))
    return folder


def test_an_app_that_imports_the_extension_gets_fastapi_requests(tmp_path: Path) -> None:
    with LocalHost(write_app(tmp_path / "a", HEADER + STREAMING), store=":memory:") as host:
        assert host.get("/api/fast").json() == {"type": "starlette.requests.Request"}


def test_a_function_typed_for_func_http_request_stops_the_app_as_on_azure(
    tmp_path: Path,
) -> None:
    app = write_app(tmp_path / "a", HEADER + STREAMING + CLASSIC_TYPED)
    with pytest.raises(HttpStreamingError) as refused:
        LocalHost(app, store=":memory:").start()
    message = str(refused.value)
    assert "refuses to index it" in message
    assert "classic: parameter 'req' is annotated HttpRequest" in message
    assert "classic: return annotation HttpResponse is not a response type" in message
    assert "fast:" not in message


def test_a_return_annotation_that_is_not_a_class_is_refused(tmp_path: Path) -> None:
    union = """
@app.route(route="either")
async def either(req: Request) -> StreamingResponse | JSONResponse:
    return JSONResponse({})
"""
    with pytest.raises(HttpStreamingError, match="either: return annotation"):
        LocalHost(write_app(tmp_path / "a", HEADER + union), store=":memory:").start()


def test_an_untyped_classic_function_gets_what_azure_gives_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = write_app(tmp_path / "a", HEADER + STREAMING + CLASSIC_UNTYPED)
    with LocalHost(app, store=":memory:") as host, caplog.at_level(logging.WARNING):
        reply = host.get("/api/untyped")
    # FastAPI's jsonable_encoder turns the func.HttpResponse into its private fields.
    assert (reply.status, reply.json()) == (
        200,
        {
            "_HttpResponse__status_code": 201,
            "_HttpResponse__mimetype": "text/plain",
            "_HttpResponse__charset": "utf-8",
            "_HttpResponse__headers": {},
            "_HttpResponse__body": "made for func.HttpRequest",
        },
    )
    assert "returned a func.HttpResponse while HTTP streaming is on" in caplog.text


def test_the_extension_without_init_indexing_is_refused_with_the_fix(tmp_path: Path) -> None:
    app = write_app(tmp_path / "a", HEADER + STREAMING, init_indexing=None)
    with pytest.raises(HttpStreamingError) as refused:
        LocalHost(app, store=":memory:").start()
    assert '"PYTHON_ENABLE_INIT_INDEXING": "1" in local.settings.json Values' in str(refused.value)


def test_durable_graph_serve_exits_2_with_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = write_app(tmp_path / "a", HEADER + STREAMING, init_indexing=None)
    assert main(["serve", str(app), "--in-memory", "--port", "0"]) == 2
    assert "PYTHON_ENABLE_INIT_INDEXING" in capsys.readouterr().err


def test_init_indexing_off_keeps_streaming_off(tmp_path: Path) -> None:
    typed = write_app(tmp_path / "typed", HEADER + STREAMING, init_indexing="0")
    with pytest.raises(HttpStreamingError, match="fast: parameter 'req' is annotated Request"):
        LocalHost(typed, store=":memory:").start()

    classic = write_app(tmp_path / "classic", HEADER + CLASSIC_TYPED, init_indexing="false")
    with LocalHost(classic, store=":memory:") as host:
        assert host.get("/api/classic").text == "classic"


def test_each_app_in_a_process_decides_for_itself(tmp_path: Path) -> None:
    streaming = write_app(tmp_path / "streaming", HEADER + STREAMING)
    classic = write_app(tmp_path / "classic", PLAIN_CLASSIC, init_indexing=None)
    for _ in range(2):
        with LocalHost(streaming, store=":memory:") as host:
            assert host.get("/api/fast").json() == {"type": "starlette.requests.Request"}
        with LocalHost(classic, store=":memory:") as host:
            assert host.get("/api/kind").text == "func.HttpRequest: True"


@pytest.mark.slow
def test_an_app_without_the_extension_never_imports_fastapi() -> None:
    quickstart = Path(__file__).resolve().parents[1] / "apps" / "quickstart"
    script = textwrap.dedent(
        f"""
        import sys
        from azure_functions_durable_graph.testing import LocalHost

        with LocalHost({str(quickstart)!r}, store=":memory:") as host:
            assert host.get("/api/health").status == 200
        web = ("fastapi", "starlette", "uvicorn", "azurefunctions")
        print(sorted(m for m in sys.modules if m.split(".")[0] in web))
        """
    )
    ran = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "[]"
