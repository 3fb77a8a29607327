"""Make the docs' screenshots: the run inspector page, `durable-graph run` on a terminal, and
the useStream chat page of tests/agent_server/js/chat_page.

    .venv/bin/python tools/screenshots.py            # writes docs/images/*.png
    .venv/bin/python tools/screenshots.py use-stream # only docs/images/use-stream-chat.png

Needs the dev extras and Chromium (`make browser`), and `make npm` for the chat page. Uses
the features test app, and the Agent Server test apps for the threads view and the chat.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pexpect
import pyte
from playwright.sync_api import sync_playwright
from rich.console import Console
from rich.style import Style
from rich.text import Text

from azure_functions_durable_graph.cli.render import chromium_path
from azure_functions_durable_graph.testing import LocalHost

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "tests" / "api" / "apps" / "features"
AGENT_APP = ROOT / "tests" / "agent_server" / "apps" / "agent_app"
IMAGES = ROOT / "docs" / "images"


def _wait(host: LocalHost, run_id: str, event: str) -> None:
    import time

    for _ in range(500):
        run = host.get(f"/api/runs/{run_id}").json()
        if (run.get("waiting_for") or {}).get("event_name") == event:
            return
        time.sleep(0.02)
    raise SystemExit(f"run {run_id} never waited for {event}")


def page_shots(browser: object) -> None:
    with LocalHost(APP, store=":memory:") as host:
        for message in ("first", "second"):
            host.post("/api/graphs/my_graph/runs", json={"input": {"message": message}})
        run_id = host.post("/api/graphs/approvals/runs", json={"input": {"amount": 500}}).json()[
            "instance_id"
        ]
        _wait(host, run_id, "manager_approval")
        host.post(f"/api/runs/{run_id}/events/manager_approval", json={"approved": True})
        _wait(host, run_id, "finance_comment")
        page = browser.new_page(viewport={"width": 1280, "height": 860})  # type: ignore[attr-defined]
        page.goto(f"{host.base_url}/_inspector/")
        page.locator(f'tr[data-run="{run_id}"]').wait_for()
        page.screenshot(path=str(IMAGES / "inspector-list.png"))
        page.goto(f"{host.base_url}/_inspector/#/runs/{run_id}")
        page.locator("#diagram svg g.node.current").wait_for()
        page.select_option("#event-form [name=event]", "finance_comment")
        page.fill("#event-form [name=payload]", '"looks fine"')
        page.screenshot(path=str(IMAGES / "inspector-run.png"), full_page=True)


def thread_shot(browser: object) -> None:
    """A conversation made through the Agent Server API, with a tool call, as the page shows it."""
    from langgraph_sdk import get_sync_client

    def say(text: str) -> dict[str, Any]:
        return {"messages": [{"role": "user", "content": text}]}

    with (
        LocalHost(AGENT_APP, store=":memory:") as host,
        get_sync_client(url=f"{host.base_url}/api/langgraph", api_key=None) as client,
    ):
        chat = client.threads.create(metadata={"user": "ada"})["thread_id"]
        client.runs.wait(chat, "chatbot", input=say("what do owls eat?"))
        call = {"name": "search", "args": {"q": "owl diet"}, "id": "call_1"}
        tool_turn = [
            {"type": "ai", "content": "", "tool_calls": [call]},
            {
                "type": "tool",
                "content": "mice and insects",
                "name": "search",
                "tool_call_id": "call_1",
            },
        ]
        client.threads.update_state(chat, {"messages": tool_turn}, as_node="chat")
        client.runs.wait(chat, "chatbot", input=say("and at night?"))
        page = browser.new_page(viewport={"width": 1280, "height": 760})  # type: ignore[attr-defined]
        page.goto(f"{host.base_url}/_inspector/#/threads/{chat}")
        page.locator("#conversation li.message").nth(5).wait_for()
        page.screenshot(path=str(IMAGES / "inspector-thread.png"), full_page=True)


def use_stream_shot(browser: object) -> None:
    """The useStream chat page on the local host, a tool call waiting for its approval."""
    import tempfile

    sys.path.insert(0, str(ROOT))
    from tests.agent_server.chat_page import (
        CHAT_UI_APP,
        allowing,
        build_page,
        page_url,
        say,
        serve_page,
        settled,
    )

    with (
        tempfile.TemporaryDirectory() as folder,
        serve_page(build_page(Path(folder) / "page")) as origin,
        LocalHost(allowing(origin, CHAT_UI_APP, Path(folder)), store=":memory:") as host,
    ):
        page = browser.new_page(viewport={"width": 900, "height": 640})  # type: ignore[attr-defined]
        page.goto(page_url(origin, f"{host.base_url}/api/langgraph", "assistant"))
        for count, text in enumerate(("hi", "again"), start=1):
            say(page, text)
            settled(page, 2 * count)
        say(page, "book 4 people")
        settled(page, 6, interrupted=True)
        page.screenshot(path=str(IMAGES / "use-stream-chat.png"), full_page=True)


def terminal_shot(browser: object) -> None:
    """`durable-graph run` in a pseudo-terminal, answering the approval at its prompt."""
    child = pexpect.spawn(
        sys.executable,
        [
            "-m",
            "azure_functions_durable_graph",
            "run",
            "approvals",
            str(APP),
            "--input",
            json.dumps({"amount": 500}),
            "--event",
            'finance_comment="looks fine"',
        ],
        dimensions=(30, 90),
        encoding="utf-8",
        env={"TERM": "xterm-256color", "COLUMNS": "90", "PATH": "/usr/bin:/bin"},
    )
    child.logfile_read = transcript = io.StringIO()
    child.expect("payload")
    child.sendline('{"approved": true}')
    child.expect(pexpect.EOF, timeout=60)
    screen = pyte.Screen(90, 30)
    pyte.Stream(screen).feed(transcript.getvalue())
    console = Console(
        record=True, width=90, force_terminal=True, color_system="truecolor", file=io.StringIO()
    )
    command = (
        "$ durable-graph run approvals --input '{\"amount\": 500}' "
        "--event finance_comment='\"looks fine\"'"
    )
    console.print(command, style="bold", highlight=False)
    rows = [_row(screen.buffer[y], screen.columns) for y in range(screen.lines)]
    while rows and not rows[-1].plain.strip():
        rows.pop()
    for row in rows:
        console.print(row, soft_wrap=True)
    svg = console.export_svg(title="durable-graph run")
    page = browser.new_page(viewport={"width": 900, "height": 200})  # type: ignore[attr-defined]
    page.set_content(f"<html><body style='margin:0'>{svg}</body></html>")
    page.locator("svg").screenshot(path=str(IMAGES / "cli-run.png"))


def _row(line: dict[int, Any], columns: int) -> Text:
    """One pyte screen line as rich Text with its colours and weight."""
    text = Text()
    for x in range(columns):
        char = line[x]
        style = Style(
            color=None if char.fg == "default" else _colour(char.fg),
            bold=char.bold,
            dim=False,
        )
        text.append(char.data, style)
    text.rstrip()
    return text


def _colour(name: str) -> str:
    if name == "brown":  # pyte's name for ANSI yellow
        return "yellow"
    return f"#{name}" if len(name) == 6 and all(c in "0123456789abcdef" for c in name) else name


SHOTS = {
    "inspector": page_shots,
    "thread": thread_shot,
    "use-stream": use_stream_shot,
    "terminal": terminal_shot,
}


def main() -> None:
    names = sys.argv[1:] or list(SHOTS)
    unknown = [n for n in names if n not in SHOTS]
    if unknown:
        raise SystemExit(f"unknown screenshot {unknown[0]!r}: pick from {', '.join(SHOTS)}")
    IMAGES.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True)
        try:
            for name in names:
                SHOTS[name](browser)
        finally:
            browser.close()
    print(f"wrote {', '.join(p.name for p in sorted(IMAGES.glob('*.png')))}")


if __name__ == "__main__":
    main()
