"""Reusing the actions parsed from an instance's previous OrchestratorState text."""

from __future__ import annotations

import json
from typing import Any

import azure.durable_functions as df
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from azure_functions_durable_graph.local import history as h
from azure_functions_durable_graph.local.actions import _flatten, parse_state
from azure_functions_durable_graph.local.episode import episode_payload, run_episode
from azure_functions_durable_graph.local.errors import OrchestratorProtocolError
from azure_functions_durable_graph.local.store.replay_cache import StatePrefixes
from tests.local.test_actions import AT


def _state_text(actions: list[Any], *, done: bool = False, **rest: Any) -> str:
    """The text the SDK 1.7 writes: isDone, schemaVersion, actions, then the optional keys."""
    return json.dumps({"isDone": done, "schemaVersion": 2, "actions": [actions], **rest})


def _outcome(text: str, key: str | None) -> Any:
    try:
        state = parse_state(text, key=key)
    except OrchestratorProtocolError as exc:
        return ("raised", str(exc))
    return state, [a.raw for a in state.actions]


actions = st.one_of(
    st.builds(
        lambda name, data: {"actionType": 0, "functionName": name, "input": data},
        st.sampled_from(["a", "b"]),
        st.text(max_size=30),
    ),
    st.builds(
        lambda canceled: {
            "actionType": 5,
            "fireAt": "2025-01-01T00:00:07.000000Z",
            "isCanceled": canceled,
        },
        st.booleans(),
    ),
    st.just({"actionType": 6, "externalEventName": "go"}),
    st.builds(
        lambda n: {
            "actionType": 12,
            "compoundActions": [
                {"actionType": 0, "functionName": "c", "input": str(i)} for i in range(n)
            ],
        },
        st.integers(0, 3),
    ),
    st.just({"actionType": 99}),  # unknown: parse_state must raise the same error either way
)

# One instance's episodes: each appends actions, sometimes changes an earlier one (a timer
# cancelled) or finishes with an output.
episodes = st.lists(
    st.tuples(
        st.lists(actions, max_size=3),
        st.booleans(),  # change the first action
        st.sampled_from([{}, {"output": {"n": 1}}, {"customStatus": "s", "error": "e"}]),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(steps=episodes)
def test_reused_prefixes_parse_as_the_whole_text_does(steps: list[Any]) -> None:
    so_far: list[Any] = []
    key = f"instance-{id(steps)}"
    for added, change_first, rest in steps:
        so_far.extend(added)
        if change_first and so_far:
            so_far[0] = {**so_far[0], "changed": True}
        text = _state_text(so_far, done=bool(rest.get("output")), **rest)
        assert _outcome(text, key) == _outcome(text, None)


@pytest.mark.parametrize(
    "text",
    [
        '{"isDone": false, "schemaVersion": 02, "actions": [[]]}',  # not JSON
        '{"isDone": false, "schemaVersion": 2, "actions": [[]]} trailing',
        '{"isDone": false, "schemaVersion": 2, "actions": [[]], "actions": [[{"actionType": 0}]]}',
        '{"isDone": false, "schemaVersion": 0, "actions": [[{"actionType": 0}]]}',
        '{"isDone": false, "schemaVersion": 2, "actions": [[{"actionType": 0} ]]}',
        '{"isDone": false, "schemaVersion": 2, "actions": [[]], "output": 1, "error": "x"}',
    ],
)
def test_unusual_texts_get_the_whole_parse_answer(text: str) -> None:
    assert _outcome(text, "unusual") == _outcome(text, None)


def test_only_actions_after_the_known_prefix_are_decoded() -> None:
    decoded: list[Any] = []

    def counting(raw: Any, into: list[Any]) -> None:
        decoded.append(raw)
        _flatten(raw, into)

    prefixes = StatePrefixes(counting)
    first = [{"actionType": 0, "functionName": "a", "input": str(i)} for i in range(3)]
    second = [*first, {"actionType": 0, "functionName": "b", "input": "3"}]
    assert prefixes.parse(_state_text(first), "i") is not None
    parsed = prefixes.parse(_state_text(second), "i")

    assert parsed is not None
    assert [a.name for a in parsed[1]] == ["a", "a", "a", "b"]
    assert [raw["input"] for raw in decoded] == ["0", "1", "2", "3"]


def test_run_episode_reuses_the_instances_actions_with_the_real_sdk() -> None:
    def orchestrator(context: df.DurableOrchestrationContext) -> Any:
        for value in range(3):
            yield context.call_activity("step", value)

    handle = df.Orchestrator.create(orchestrator)
    history = [
        h.orchestrator_started(AT),
        h.execution_started(AT, name="o", input_json="null", instance_id="i", execution_id="e"),
    ]
    seen = []
    for episode in range(3):
        payload = episode_payload(
            instance_id="sdk-i", input_json="null", parent_instance_id=None, history=history
        )
        outcome = run_episode(handle, payload, instance_id="sdk-i")
        whole = run_episode(handle, payload)
        assert outcome == whole
        seen.append([a.input_json for a in outcome.state.actions])
        history = [{**e, "IsPlayed": True} for e in history] + [
            h.orchestrator_completed(AT),
            h.orchestrator_started(AT),
            h.task_scheduled(AT, episode, name="step", input_json=str(episode)),
            h.task_completed(AT, episode, str(episode + 1)),
        ]
    assert seen == [["0"], ["0", "1"], ["0", "1", "2"]]


def test_a_finished_execution_is_forgotten() -> None:
    prefixes = StatePrefixes(_flatten)
    running = [{"actionType": 0, "functionName": "a", "input": "0"}]
    assert prefixes.parse(_state_text(running), "i") is not None
    assert len(prefixes) == 1
    parsed = prefixes.parse(_state_text(running, done=True, output=1), "i")

    assert parsed is not None
    assert parsed[0]["isDone"] is True
    assert len(prefixes) == 0
