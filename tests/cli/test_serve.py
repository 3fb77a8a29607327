"""The `durable-graph` command: help, errors with exit code 2, and a real `serve` process."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from azure_functions_durable_graph import __version__
from azure_functions_durable_graph.cli import build_parser, main
from tests.helpers import eventually

APP = """
import azure.durable_functions as df
import azure.functions as func

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="start/{name}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def start(req: func.HttpRequest, client):
    instance_id = await client.start_new(req.route_params["name"], client_input=req.get_json())
    return client.create_check_status_response(req, instance_id)


@app.orchestration_trigger(context_name="context")
def greet(context):
    name = context.get_input()
    return (yield context.call_activity("hello", name))


@app.activity_trigger(input_name="name")
def hello(name: str) -> str:
    return f"Hello {name}"
"""


def write_app(folder: Path, source: str = APP) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "function_app.py").write_text(textwrap.dedent(source), encoding="utf-8")
    (folder / "host.json").write_text('{"version": "2.0"}', encoding="utf-8")
    return folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"durable-graph {__version__}"


def test_help_texts_explain_serve() -> None:
    top = build_parser().format_help()
    assert "serve" in top and "without Core Tools" in top
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--store", "a.db", "--in-memory"])


def test_serve_defaults_match_func_start_and_stay_on_this_machine() -> None:
    args = build_parser().parse_args(["serve"])
    assert (args.app_dir, args.host, args.port) == (".", "127.0.0.1", 7071)
    assert (args.store, args.in_memory) == (None, False)  # None: APP_DIR/.durable-graph/...
    assert args.max_activities == 8
    chosen = build_parser().parse_args(["serve", "app", "--host", "0.0.0.0", "--store", "s.db"])
    assert (chosen.app_dir, chosen.host, chosen.store) == ("app", "0.0.0.0", "s.db")


def test_serve_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    text = capsys.readouterr().out
    options = ("APP_DIR", "--port", "--host", "--store", "--in-memory", "--max-activities")
    for option in (*options, "/runtime/webhooks"):
        assert option in text


def test_missing_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err == (
        f"durable-graph: error: app folder {tmp_path / 'nope'} does not exist\n"
    )


def test_folder_without_function_app_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", str(tmp_path)]) == 2
    assert "has no function_app.py" in capsys.readouterr().err


def test_import_error_exits_2_with_its_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_app(tmp_path, "import azure.functions as func\nraise RuntimeError('bad config')\n")
    assert main(["serve", str(tmp_path), "--in-memory", "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("durable-graph: error: importing ")
    assert "RuntimeError: bad config" in err
    assert err.count("\n") == 1


def test_max_activities_below_one_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_app(tmp_path)
    assert main(["serve", str(tmp_path), "--in-memory", "--max-activities", "0"]) == 2
    assert capsys.readouterr().err == (
        "durable-graph: error: --max-activities must be at least 1, got 0\n"
    )


def test_port_in_use_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_app(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", str(tmp_path), "--in-memory", "--port", str(port)]) == 2
    assert f"port {port} on 127.0.0.1 is already in use" in capsys.readouterr().err


class Served:
    """A `python -m azure_functions_durable_graph serve` child process and its output."""

    def __init__(self, app_dir: Path, port: int, *extra: str, **env_vars: str) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **env_vars}
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "azure_functions_durable_graph", "serve", str(app_dir)),
                *("--port", str(port), "--in-memory", *extra),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._reader.join(10)
        assert self.process.stdout is not None
        self.process.stdout.close()

    @property
    def output(self) -> str:
        return "".join(self.lines)


@pytest.mark.slow
@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_serve_subprocess_serves_and_stops_cleanly(tmp_path: Path, stop_signal: int) -> None:
    app_dir = write_app(tmp_path)
    port = free_port()
    served = Served(app_dir, port)
    try:
        eventually(lambda: "Press Ctrl+C to stop." in served.output or served.process.poll(), 30)
        assert served.process.poll() is None, served.output
        assert f"start: [POST] http://127.0.0.1:{port}/api/start/{{name}}" in served.output
        assert "greet: orchestrationTrigger" in served.output
        assert "hello: activityTrigger" in served.output

        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/start/greet",
            data=json.dumps("Ada").encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with opener.open(request) as reply:
            assert reply.status == 202
            status_url = json.loads(reply.read())["statusQueryGetUri"]

        def completed() -> dict[str, object] | None:
            with opener.open(status_url) as reply:
                body: dict[str, object] = json.loads(reply.read())
            return body if body["runtimeStatus"] == "Completed" else None

        assert eventually(completed, 30)["output"] == "Hello Ada"

        served.process.send_signal(stop_signal)
        assert served.process.wait(30) == 0, served.output
        assert "Stopping..." in served.output
        assert "Traceback" not in served.output
    finally:
        served.close()


@pytest.mark.slow
def test_serve_with_keys_wants_the_key_on_the_durable_api(tmp_path: Path) -> None:
    """The app's anonymous route stays open; the management API wants the key, and the
    URLs it hands out carry it, so the SDK's own calls and a client following them work."""
    app_dir = write_app(tmp_path)
    port = free_port()
    served = Served(app_dir, port, "--keys", DURABLE_GRAPH_FUNCTION_KEY="k-123")
    try:
        eventually(lambda: "Press Ctrl+C to stop." in served.output or served.process.poll(), 30)
        assert "Function key (?code= or x-functions-key): k-123" in served.output
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        base = f"http://127.0.0.1:{port}"
        with pytest.raises(urllib.error.HTTPError) as refused:
            opener.open(f"{base}/runtime/webhooks/durabletask/instances")
        assert refused.value.code == 401
        refused.value.close()
        request = urllib.request.Request(f"{base}/api/start/greet", data=b'"Ada"', method="POST")
        with opener.open(request) as reply:
            status_url = json.loads(reply.read())["statusQueryGetUri"]
        assert "code=k-123" in status_url

        def completed() -> dict[str, object] | None:
            with opener.open(status_url) as reply:
                body: dict[str, object] = json.loads(reply.read())
            return body if body["runtimeStatus"] == "Completed" else None

        assert eventually(completed, 30)["output"] == "Hello Ada"
    finally:
        served.close()
