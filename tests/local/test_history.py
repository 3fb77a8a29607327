"""History events in the DTFx shape the SDK parses."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from azure.durable_functions.models.history.HistoryEvent import HistoryEvent

from azure_functions_durable_graph.local import history as h

AT = datetime(2025, 1, 1, 0, 0, 7, tzinfo=timezone.utc)


def test_times_use_the_sdks_format_and_round_trip() -> None:
    assert h.format_time(AT) == "2025-01-01T00:00:07.000000Z"
    assert h.parse_time("2025-01-01T00:00:07.000000Z") == AT
    assert h.parse_time("2025-01-01T01:00:07+01:00") == AT
    assert h.parse_time("2025-01-01T00:00:07") == AT
    with pytest.raises(ValueError, match="expected an ISO 8601 timestamp"):
        h.parse_time("yesterday")


def test_every_event_is_readable_by_the_sdks_history_event() -> None:
    events = [
        h.orchestrator_started(AT),
        h.execution_started(AT, name="o", input_json='"x"', instance_id="i", execution_id="e"),
        h.task_scheduled(AT, 0, name="a", input_json="1"),
        h.task_completed(AT, 0, "2"),
        h.task_failed(AT, 1, "reason", "details"),
        h.timer_created(AT, 2, AT + timedelta(hours=1)),
        h.timer_fired(AT, 2, AT + timedelta(hours=1)),
        h.event_raised(AT, "approve", "true"),
        h.sub_orchestration_completed(AT, 3, "4"),
        h.execution_completed(AT, "Completed", "5"),
    ]

    parsed = [HistoryEvent(**e) for e in events]

    assert [p.event_type for p in parsed] == [12, 0, 4, 5, 6, 10, 11, 15, 8, 1]
    assert parsed[1].Name == "o" and parsed[1].Input == '"x"' and parsed[1].Version is None
    assert parsed[3].TaskScheduledId == 0 and parsed[3].Result == "2"
    assert parsed[4].Reason == "reason" and parsed[4].Details == "details"
    assert parsed[6].TimerId == 2
    assert parsed[0].timestamp == AT


def test_summary_folds_scheduling_into_completions_like_the_extension() -> None:
    events = [
        h.orchestrator_started(AT),
        h.execution_started(AT, name="o", input_json='"x"', instance_id="i", execution_id="e"),
        h.task_scheduled(AT, 0, name="act", input_json="1"),
        h.orchestrator_completed(AT),
        h.task_completed(AT + timedelta(seconds=1), 0, '"done"'),
        h.execution_completed(AT, "Completed", '"done"'),
    ]

    summary = h.summarize(events, show_input=False, show_output=True)

    assert summary == [
        {
            "EventType": "ExecutionStarted",
            "Timestamp": "2025-01-01T00:00:07.000000Z",
            "FunctionName": "o",
        },
        {
            "EventType": "TaskCompleted",
            "Timestamp": "2025-01-01T00:00:08.000000Z",
            "FunctionName": "act",
            "ScheduledTime": "2025-01-01T00:00:07.000000Z",
            "Result": '"done"',
        },
        {
            "EventType": "ExecutionCompleted",
            "Timestamp": "2025-01-01T00:00:07.000000Z",
            "OrchestrationStatus": "Completed",
            "Result": '"done"',
        },
    ]
