"""The useStream chat page (js/chat_page/): bundled with esbuild, served on loopback, driven
by Playwright. `make npm` installs React, esbuild and LangGraph's SDK (package.json)."""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).parents[2]
SOURCE = Path(__file__).parent / "js" / "chat_page"
#: The chat agent the page talks to (served by the local host and by `langgraph dev`).
CHAT_UI_APP = Path(__file__).parent / "apps" / "chat_ui_app"
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
#: How long one turn may take in the browser (a run, then the hook's state read).
TURN_TIMEOUT_MS = 30_000


def build_page(folder: Path) -> Path:
    """index.html and chat.js (React, the hook and the SDK in one bundle) in `folder`."""
    if not ESBUILD.exists():
        pytest.fail(f"{ESBUILD} is missing: run `make npm`")
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SOURCE / "index.html", folder / "index.html")
    command = [str(ESBUILD), str(SOURCE / "chat.jsx"), "--bundle", "--format=esm"]
    command += ["--jsx=automatic", "--platform=browser", "--log-level=warning"]
    command += ['--define:process.env.NODE_ENV="production"', f"--outfile={folder / 'chat.js'}"]
    built = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stderr
    return folder


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve_page(folder: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 (a free port); yields the page's origin."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def allowing(origin: str, source_app: Path, folder: Path) -> Path:
    """A copy of `source_app` in `folder` whose local.settings.json Host.CORS lists `origin`."""
    app = folder / "app"
    shutil.copytree(source_app, app, ignore=shutil.ignore_patterns("__pycache__"))
    settings = json.loads((app / "local.settings.json").read_text())
    settings["Host"] = {"CORS": origin}
    (app / "local.settings.json").write_text(json.dumps(settings))
    return app


def page_url(origin: str, api_url: str, assistant_id: str) -> str:
    return f"{origin}/index.html?{urlencode({'apiUrl': api_url, 'assistantId': assistant_id})}"


def rendered(page: Any) -> dict[str, Any]:
    """What the page shows: each message (type, text, tool calls) and the pending interrupt."""
    shown: dict[str, Any] = page.evaluate(
        """() => ({
            messages: [...document.querySelectorAll('#messages li')].map((li) => ({
                type: li.dataset.type,
                content: li.querySelector('.content').textContent,
                tool_calls: [...li.querySelectorAll('.tool-call')].map((c) => c.textContent),
            })),
            interrupt: document.querySelector('#interrupt .value')?.textContent ?? null,
            error: document.querySelector('#error')?.textContent ?? null,
            custom: document.querySelector('#custom').textContent,
        })"""
    )
    return shown


def settled(page: Any, messages: int, *, interrupted: bool = False) -> dict[str, Any]:
    """Wait until the hook is idle with `messages` messages (and an interrupt, if asked);
    fail at once when the page shows an error."""
    page.wait_for_function(
        """([count, interrupted]) => {
            if (document.querySelector('#error') !== null) return true;
            return document.querySelector('main')?.dataset.loading === 'false'
                && document.querySelectorAll('#messages li').length === count
                && (document.querySelector('#interrupt') !== null) === interrupted;
        }""",
        arg=[messages, interrupted],
        timeout=TURN_TIMEOUT_MS,
    )
    shown = rendered(page)
    assert shown["error"] is None, f"the page shows an error: {shown}"
    return shown


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def api_calls(page: Any, api_url: str) -> list[dict[str, Any]]:
    """Record the page's calls to `api_url` (ids as {id}; a run's stream options kept)."""
    calls: list[dict[str, Any]] = []

    def seen(request: Any) -> None:
        if not request.url.startswith(api_url) or request.method == "OPTIONS":
            return
        call: dict[str, Any] = {
            "call": f"{request.method} {UUID.sub('{id}', request.url[len(api_url) :])}"
        }
        if call["call"].endswith("/runs/stream"):
            body = json.loads(request.post_data or "{}")
            call.update({k: v for k, v in body.items() if k.startswith(("stream", "on_"))})
        calls.append(call)

    page.on("request", seen)
    return calls


def say(page: Any, text: str) -> None:
    page.fill("#input", text)
    page.click("#send")
