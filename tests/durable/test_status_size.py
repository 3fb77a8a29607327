"""durable/status_size.py: every list in a run's custom status is bounded, counts kept."""

from __future__ import annotations

import json

from azure_functions_durable_graph.durable.status_size import SHOWN, STATUS_LIMIT, bounded_status


def status(**lists: object) -> dict:
    base = {"graph": "g", "node": "a", "active": [], "interrupts": [], "children": []}
    return {**base, "pending_events": [], "rejected": [], "retry": None, **lists}


def test_a_small_status_is_published_unchanged():
    small = status(active=["a", "b"])
    assert bounded_status(small) is small


def test_long_lists_show_their_first_items_with_counts_and_the_truncated_flag():
    wide = status(
        active=["summarize"] * 2000,
        children=[{"node": "c", "instance_id": f"parent:c:1.1.{i}.1"} for i in range(1500)],
    )

    bounded = bounded_status(wide)

    assert len(json.dumps(bounded)) <= STATUS_LIMIT
    assert bounded["truncated"] is True
    assert bounded["counts"] == {
        "active": 2000,
        "interrupts": 0,
        "children": 1500,
        "pending_events": 0,
    }
    assert bounded["active"] == ["summarize"] * SHOWN
    assert bounded["children"] == wide["children"][:SHOWN]


def test_large_interrupt_values_are_elided_first_then_lists_halved_until_it_fits():
    asks = [{"id": f"{i:016x}", "node": "n" * 400, "value": "v" * 1000} for i in range(50)]
    bounded = bounded_status(status(interrupts=asks, rejected=[{"reason": "r"}]))

    assert len(json.dumps(bounded)) <= STATUS_LIMIT
    assert bounded["rejected"] == []
    assert bounded["interrupts"][0] == {
        "id": asks[0]["id"],
        "node": "n" * 400,
        "value": {"elided": True, "bytes": 1002},
    }
    assert bounded["counts"]["interrupts"] == 50 and len(bounded["interrupts"]) < 50


def test_a_long_retry_error_message_is_cut():
    retry = {"node": "a", "attempt": 2, "last_error": {"type": "E", "message": "x" * 40_000}}
    bounded = bounded_status(status(retry=retry))

    assert len(json.dumps(bounded)) <= STATUS_LIMIT
    assert bounded["retry"]["last_error"]["message"].endswith("... (40000 characters)")
