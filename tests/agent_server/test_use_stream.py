"""LangGraph's React hook `useStream` (`@langchain/langgraph-sdk/react`, what Agent Chat UI is
built on) holding a conversation in a real Chromium, against the local host and against
`langgraph dev` on the same graph (apps/chat_ui_app).

The page (js/chat_page/) is bundled with esbuild from node_modules (`make npm`), served on
127.0.0.1 and calls the API cross-origin, as a chat UI hosted elsewhere does: the local host
lets it through because local.settings.json `Host.CORS` lists the page's origin.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from langgraph_sdk import get_sync_client

from azure_functions_durable_graph.testing import LocalHost
from tests.agent_server.chat_page import (
    CHAT_UI_APP,
    allowing,
    api_calls,
    build_page,
    page_url,
    say,
    serve_page,
    settled,
)
from tests.agent_server.langgraph_dev import langgraph_dev as serve_langgraph_dev

# One headless Chromium for the module (Debian's, driven by Playwright; `make browser`).
from tests.inspector.conftest import browser as browser


@pytest.fixture(scope="module")
def page_origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_page(build_page(tmp_path_factory.mktemp("chat-page"))) as origin:
        yield origin


@pytest.fixture(scope="module")
def local_api(page_origin: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The chat app on the local host, its Host.CORS listing the page's origin."""
    app = allowing(page_origin, CHAT_UI_APP, tmp_path_factory.mktemp("chat-ui-app"))
    with LocalHost(app, store=":memory:") as host:
        yield f"{host.base_url}/api/langgraph"


def converse(browser: Any, origin: str, api_url: str) -> dict[str, Any]:
    """Two chat turns, a booking the tool interrupts, and its approval, all from the page."""
    context = browser.new_context(viewport={"width": 900, "height": 720})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    # Watched, not intercepted: with a route set, Playwright would answer the CORS
    # preflights itself, and the server's own answer is part of what is tested.
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith("http://127.0.0.1")
            else problems.append(f"external request {request.url}")
        ),
    )
    calls = api_calls(page, api_url)
    try:
        page.goto(page_url(origin, api_url, "assistant"))
        say(page, "hi")
        turns = {"turn_1": settled(page, 2)}
        say(page, "again")
        turns["turn_2"] = settled(page, 4)
        say(page, "book 4 people")
        turns["interrupted"] = settled(page, 6, interrupted=True)
        page.click("#resume")
        turns["resumed"] = settled(page, 8)
        turns["thread_id"] = page.get_attribute("main", "data-thread-id")
        turns["calls"] = calls
    finally:
        context.close()
    assert not problems, problems
    return turns


def said(turn: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    return [(m["type"], m["content"], m["tool_calls"]) for m in turn["messages"]]


@pytest.fixture(scope="module")
def here(browser: Any, page_origin: str, local_api: str) -> dict[str, Any]:
    return converse(browser, page_origin, local_api)


def test_use_stream_keeps_the_conversation_on_one_thread_of_the_local_host(
    here: dict[str, Any],
) -> None:
    assert here["turn_1"] == {
        "messages": [
            {"type": "human", "content": "hi", "tool_calls": []},
            {"type": "ai", "content": "you said 'hi' (turn 1)", "tool_calls": []},
        ],
        "interrupt": None,
        "error": None,
        "custom": "",
    }
    assert said(here["turn_2"])[2:] == [
        ("human", "again", []),
        ("ai", "you said 'again' (turn 2)", []),
    ]
    assert said(here["turn_2"])[:2] == said(here["turn_1"])


def test_use_stream_shows_the_interrupt_and_resumes_it_from_the_page(
    here: dict[str, Any],
) -> None:
    asked = here["interrupted"]
    assert said(asked)[4:] == [
        ("human", "book 4 people", []),
        ("ai", "", ['book_table({"party":"4 people"})']),
    ]
    assert json.loads(asked["interrupt"]) == {
        "question": "book a table for 4 people?",
        "tool": "book_table",
    }
    resumed = here["resumed"]
    assert resumed["interrupt"] is None and resumed["error"] is None
    assert json.loads(resumed["custom"]) == {"booking": "4 people", "answer": "approved"}
    assert said(resumed)[6:] == [
        ("tool", "table for 4 people: approved", []),
        ("ai", "done: table for 4 people: approved", []),
    ]


def test_use_stream_creates_a_thread_then_streams_each_run_and_reads_the_history(
    here: dict[str, Any],
) -> None:
    run = {
        "call": "POST /threads/{id}/runs/stream",
        "stream_mode": ["values", "messages-tuple", "custom"],
        "stream_subgraphs": True,
        "stream_resumable": True,
        "on_disconnect": "continue",
    }
    history = {"call": "POST /threads/{id}/history"}
    assert here["calls"] == [{"call": "POST /threads"}, *[run, history] * 4]


def test_the_thread_the_page_used_holds_what_it_showed(
    here: dict[str, Any], local_api: str
) -> None:
    with get_sync_client(url=local_api, api_key=None) as client:
        thread = client.threads.get(here["thread_id"])
        state = client.threads.get_state(here["thread_id"])
        runs = client.runs.list(here["thread_id"])
    assert thread["status"] == "idle"
    assert state["next"] == [] and state["tasks"] == []
    stored = [(m["type"], m["content"]) for m in state["values"]["messages"]]
    assert stored == [(m[0], m[1]) for m in said(here["resumed"])]
    assert [r["status"] for r in runs] == ["success"] * 4


@pytest.mark.slow
def test_use_stream_renders_the_local_host_as_it_renders_langgraph_dev(
    browser: Any,
    page_origin: str,
    here: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with serve_langgraph_dev(CHAT_UI_APP, tmp_path_factory.mktemp("langgraph-dev")) as url:
        expected = converse(browser, page_origin, url)
    for turn in ("turn_1", "turn_2", "interrupted", "resumed", "calls"):
        assert here[turn] == expected[turn], turn
