"""LangGraph's JS client (`@langchain/langgraph-sdk`, pinned in package.json) on the local host.

js/client_script.mjs runs under node against the local host's /api/langgraph and against
`langgraph dev` (the reference); `make npm` installs the SDK, `make langgraph-dev-venv`
the reference server.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from azure_functions_durable_graph.testing import LocalHost
from tests.agent_server.langgraph_dev import assert_same_answers
from tests.agent_server.scenario import normalised

# The reference server fixture (`langgraph dev` on the same graphs), one per module.
from tests.agent_server.test_differential import langgraph_dev as langgraph_dev

ROOT = Path(__file__).parents[2]
SCRIPT = Path(__file__).parent / "js" / "client_script.mjs"
SDK = ROOT / "node_modules" / "@langchain" / "langgraph-sdk"
#: The store's camelCase twins of created_at/updated_at, made up by each server.
JS_VOLATILE = frozenset({"createdAt", "updatedAt"})


def run_script(api_url: str) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None or not SDK.exists():
        pytest.fail("node and node_modules/@langchain/langgraph-sdk are needed: run `make npm`")
    done = subprocess.run(
        [node, str(SCRIPT), api_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    summary: dict[str, Any] = json.loads(done.stdout)
    return summary


def stripped(value: Any) -> Any:
    """`normalised` (ids, timestamps, server metadata out) plus the store's camelCase times."""
    if isinstance(value, dict):
        return {k: stripped(v) for k, v in value.items() if k not in JS_VOLATILE}
    if isinstance(value, list):
        return [stripped(v) for v in value]
    return value


@pytest.fixture(scope="module")
def here(host: LocalHost) -> dict[str, Any]:
    return run_script(f"{host.base_url}/api/langgraph")


def texts(values: dict[str, Any]) -> list[Any]:
    return [(m["type"], m["content"]) for m in values["messages"]]


def test_the_js_client_holds_a_conversation_across_runs_on_a_thread(
    here: dict[str, Any],
) -> None:
    assert [a[0] for a in here["assistants"]] == [
        "chatbot",
        "echoer",
        "failer",
        "nested",
        "reviewer",
        "slow",
        "streamer",
    ]
    assert texts(here["turn_1"]) == [("human", "hi"), ("ai", "you said 'hi' (turn 1)")]
    assert texts(here["turn_2"])[2:] == [("human", "again"), ("ai", "you said 'again' (turn 2)")]
    assert here["got"]["values"] == here["turn_2"]
    assert here["updated"]["metadata"]["topic"] == "greetings"
    assert [m["user"] for m in here["searched"]] == ["ada"]
    assert here["state"]["next"] == [] and here["state"]["values"] == here["turn_2"]
    assert len(here["history"]) >= 4  # newest first: turn 2's checkpoints, then turn 1's
    assert here["history"][0]["checkpoint_id"] == here["state"]["checkpoint_id"]
    assert texts(here["updated_state"]["values"])[-1] == ("ai", "aside")
    assert here["copy_values"] == here["updated_state"]["values"]
    assert here["deleted_copy"] == {"error": "HTTPError", "status": 404, "detail_is_text": True}


def test_the_js_client_resumes_an_interrupt_with_a_command(here: dict[str, Any]) -> None:
    interrupted = here["review_wait"]["__interrupt__"]
    assert [i["value"] for i in interrupted] == [
        {"question": "approve?", "draft": "a draft about owls"}
    ]
    assert here["review_thread_status"] == "interrupted"
    assert here["review_state"]["next"] == ["review"]
    assert here["review_resume"]["verdict"] == "reviewer said yes"
    assert here["review_after"]["next"] == []


def test_the_js_client_streams_joins_is_refused_and_uses_the_store(
    here: dict[str, Any],
) -> None:
    assert [event for event, _ in here["stream"]] == ["metadata", "values", "updates", "values"]
    assert texts(here["stream"][-1][1])[-1] == ("ai", "you said 'streamed' (turn 1)")
    assert texts(here["joined"])[-1] == ("ai", "you said 'later' (turn 2)")
    assert here["background_run"]["status"] == "success"
    assert here["runs"] == ["success", "success"]
    assert here["rejected"] == {"error": "HTTPError", "status": 409, "detail_is_text": True}
    assert here["first_joined"] == {"seconds": 2, "slept": 2}
    assert here["store_get"]["value"] == {"theme": "dark"}
    assert [i["key"] for i in here["store_search"]["items"]] == ["prefs"]
    assert here["store_namespaces"] == {"namespaces": [["js", "ada"], ["js", "bob"]]}
    assert here["store_after_delete"] is None
    assert [i["namespace"] for i in here["store_left"]["items"]] == [["js", "bob"]]


@pytest.mark.slow
def test_the_js_client_gets_from_the_local_host_what_langgraph_dev_answers(
    langgraph_dev: str,
    here: dict[str, Any],
) -> None:
    expected = stripped(normalised(run_script(langgraph_dev)))
    actual = stripped(normalised(here))

    assert_same_answers(expected, actual)
    assert actual == expected
