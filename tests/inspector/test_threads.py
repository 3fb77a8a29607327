"""The inspector's threads in headless Chromium: conversations made through the Agent Server API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from langgraph_sdk import get_sync_client

from azure_functions_durable_graph.testing import LocalHost
from tests.agent_server.conftest import AGENT_APP

TIMEOUT_MS = 15_000


def say(text: str) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": text}]}


@pytest.fixture(scope="module")
def host() -> Iterator[LocalHost]:
    with LocalHost(AGENT_APP, store=":memory:") as running:
        yield running


@pytest.fixture(scope="module")
def threads(host: LocalHost) -> dict[str, str]:
    """A two-turn chat with a tool call written into its state, and a thread left interrupted."""
    with get_sync_client(url=f"{host.base_url}/api/langgraph", api_key=None) as client:
        chat = client.threads.create(metadata={"user": "ada"})["thread_id"]
        client.runs.wait(chat, "chatbot", input=say("what do owls eat?"))
        tool_turn = [
            {
                "type": "ai",
                "content": "",
                "tool_calls": [{"name": "search", "args": {"q": "owl diet"}, "id": "call_1"}],
            },
            {
                "type": "tool",
                "content": "mice and insects",
                "name": "search",
                "tool_call_id": "call_1",
            },
        ]
        client.threads.update_state(chat, {"messages": tool_turn}, as_node="chat")
        client.runs.wait(chat, "chatbot", input=say("and at night?"))
        review = client.threads.create()["thread_id"]
        client.runs.wait(review, "reviewer", input={"topic": "owls"})
        return {"chat": chat, "review": review}


def test_the_thread_list_shows_each_thread_with_its_last_message(
    host: LocalHost, threads: dict[str, str], page: Any
) -> None:
    page.goto(f"{host.base_url}/_inspector/#/threads")
    chat = page.locator(f'tr[data-thread="{threads["chat"]}"]')
    chat.wait_for(timeout=TIMEOUT_MS)
    cells = chat.locator("td").all_inner_texts()
    assert cells[1:5] == ["chatbot", "idle", "6", "you said 'and at night?' (turn 2)"]
    review = page.locator(f'tr[data-thread="{threads["review"]}"]').locator("td")
    assert review.all_inner_texts()[1:4] == ["reviewer", "interrupted", "0"]


def test_a_thread_reads_as_a_conversation_next_to_its_runs(
    host: LocalHost, threads: dict[str, str], page: Any
) -> None:
    page.goto(f"{host.base_url}/_inspector/#/threads")
    page.locator(f'tr[data-thread="{threads["chat"]}"] a').click()
    messages = page.locator("#conversation li.message")
    messages.nth(5).wait_for(timeout=TIMEOUT_MS)
    assert [m.get_attribute("data-type") for m in messages.all()] == [
        "human",
        "ai",
        "ai",
        "tool",
        "human",
        "ai",
    ]
    said = messages.all_inner_texts()
    assert "what do owls eat?" in said[0]
    assert "you said 'what do owls eat?' (turn 1)" in said[1]
    assert 'calls search({"q":"owl diet"})' in said[2]
    assert "TOOL SEARCH" in said[3] and "mice and insects" in said[3]
    assert "you said 'and at night?' (turn 2)" in said[5]
    runs = page.locator("#thread-runs tbody tr")
    assert runs.locator("td:nth-child(2)").all_inner_texts() == ["success", "success"]
    assert page.locator("#thread-status").inner_text() == "idle"
    assert page.locator("#thread-interrupts").is_hidden()


def test_an_interrupted_thread_shows_what_it_asks(
    host: LocalHost, threads: dict[str, str], page: Any
) -> None:
    page.goto(f"{host.base_url}/_inspector/#/threads/{threads['review']}")
    asks = page.locator("#thread-interrupts li")
    asks.wait_for(timeout=TIMEOUT_MS)
    assert asks.inner_text() == (
        'review asks: {"question":"approve?","draft":"a draft about owls"}'
    )
    assert page.locator("#thread-status").inner_text() == "interrupted"
    assert page.locator("#thread-next").inner_text() == "review"
    assert page.locator("#conversation-empty").is_visible()
    assert '"topic": "owls"' in page.locator("#thread-state").inner_text()
