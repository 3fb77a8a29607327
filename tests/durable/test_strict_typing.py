"""Engine v2 under the SDK's strict typing (AZURE_FUNCTIONS_DURABLE_STRICT_TYPING=1).

Strict typing fails any payload decoded without the type it should have; the
orchestrator reads its input, activity results, sub-orchestration results and
inbox messages with explicit types, so every path works with it on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.local_apps import send_event, serve, start_run, wait_for_run
from tests.durable.reliability import post, until

APPS = Path(__file__).parent / "apps"


@pytest.fixture
def strict(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AZURE_FUNCTIONS_DURABLE_STRICT_TYPING", "1")
    yield


def test_supersteps_sends_and_subgraphs_run_with_strict_typing(strict: None):
    with serve(APPS / "supersteps") as host:
        mapped = wait_for_run(host, start_run(host, "map_reduce", {"docs": ["a", "b"]}))
        nested = wait_for_run(host, start_run(host, "research", {"topic": "t"}))

    assert mapped["status"] == "Completed", mapped["error"]
    assert mapped["output"]["report"] == "A | B"
    assert nested["status"] == "Completed", nested["error"]


def test_events_interrupts_and_continue_as_new_run_with_strict_typing(strict: None):
    with serve(APPS / "reliability") as host:
        looped = start_run(host, "loop", {"limit": 15})
        assert send_event(host, looped, "ping", "hi") == 202
        asked = start_run(host, "interview", {})
        until(host, asked, lambda run: run["interrupts"])
        assert post(host, asked, "resume", {"resume": "ada"})[0] == 202
        until(host, asked, lambda run: run["interrupts"] and "age" in str(run["interrupts"]))
        assert post(host, asked, "resume", {"resume": 3})[0] == 202

        assert wait_for_run(host, looped)["output"]["pings"] == ["hi", "done"]
        assert wait_for_run(host, asked)["output"]["answers"] == ["ada", "3"]


def test_the_environment_variable_really_switches_the_sdk_to_strict(strict: None):
    """A custom-object payload without its type fails under strict typing (the mode is live)."""
    from azure.functions._durable_functions import df_loads

    with pytest.raises(TypeError):
        df_loads('{"__class__": "X", "__module__": "m", "__data__": "{}"}')
