"""Events are consumed FIFO, exactly once, whenever they arrive (engine v2's inbox)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from azure_functions_durable_graph.testing import LocalHost
from tests.api.local_apps import send_event, start_run, wait_for_run, wait_until_waiting
from tests.durable.reliability import gate, host, post, until

__all__ = ["host"]


def test_events_sent_while_a_node_runs_are_all_applied_in_order(host: LocalHost, tmp_path: Path):
    path, open_gate = gate(tmp_path)
    links = start_run(host, "ledger", {"gate": path, "expected": 3})
    until(host, links, lambda run: run["status"] == "Running" and run["active"] == ["work"])

    for amount in (1, 2, 3):
        assert send_event(host, links, "deposit", {"amount": amount}) == 202
    held = until(host, links, lambda run: sum(e["count"] for e in run["pending_events"]) == 3)
    open_gate()
    run = wait_for_run(host, links)

    assert held["pending_events"] == [{"name": "deposit", "count": 3}]
    assert run["status"] == "Completed", run["error"]
    assert run["output"]["log"] == [
        "work after 1 attempt(s)",
        "+1",
        "recorded",
        "+2",
        "recorded",
        "+3",
        "recorded",
    ]
    assert run["pending_events"] == []


def test_two_events_sent_before_the_first_episode_are_both_kept(host: LocalHost):
    links = start_run(host, "ledger", {"expected": 2})
    for amount in (5, 6):
        assert send_event(host, links, "deposit", {"amount": amount}) == 202

    run = wait_for_run(host, links)

    assert run["output"]["log"][1:] == ["+5", "recorded", "+6", "recorded"]


def test_an_event_sent_during_a_retry_backoff_waits_in_the_inbox(host: LocalHost, tmp_path: Path):
    path, open_gate = gate(tmp_path)
    open_gate()
    links = start_run(host, "ledger", {"gate": path, "fail_first": 1})
    backing_off = until(host, links, lambda run: run["retry"])
    assert send_event(host, links, "deposit", {"amount": 7}) == 202
    until(host, links, lambda run: run["pending_events"])

    host.advance(timedelta(seconds=11))
    run = wait_for_run(host, links)

    assert backing_off["retry"]["attempt"] == 2
    assert run["output"]["log"] == ["work after 2 attempt(s)", "+7", "recorded"]


def test_a_timed_out_wait_does_not_swallow_the_next_event(host: LocalHost):
    links = start_run(host, "timed", {})
    wait_until_waiting(host, links, "reply")

    host.advance(timedelta(hours=2))
    until(
        host,
        links,
        lambda run: (
            (run["waiting_for"] or {}).get("resume_node") == "got"
            and "timeout_node" not in run["waiting_for"]
        ),
    )
    assert send_event(host, links, "reply", "sorry, late") == 202
    run = wait_for_run(host, links)

    assert run["status"] == "Completed", run["error"]
    assert run["output"] == {"replies": ["sorry, late"], "path": ["ask", "nudge", "got"]}


def test_a_reply_sent_right_after_the_deadline_is_applied_exactly_once(host: LocalHost):
    links = start_run(host, "timed", {})
    wait_until_waiting(host, links, "reply")

    # Whichever wait takes it (the timer may not have fired yet), it is applied once.
    host.advance(timedelta(hours=2))
    assert send_event(host, links, "reply", "just after") == 202
    run = wait_for_run(host, links)

    assert run["output"]["replies"] == ["just after"]


def test_a_payload_that_fails_its_model_is_a_422_and_the_run_keeps_waiting(host: LocalHost):
    links = start_run(host, "ledger", {})
    wait_until_waiting(host, links, "deposit")

    status, body = post(host, links, "events/deposit", {"amount": "lots"})

    assert status == 422
    assert body["error"]["code"] == "validation_error"
    assert body["error"]["details"][0]["loc"] == ["amount"]
    assert send_event(host, links, "deposit", {"amount": 4}) == 202
    assert wait_for_run(host, links)["output"]["log"][1:] == ["+4", "recorded"]


def test_a_handler_that_raises_rejects_the_event_and_the_run_keeps_waiting(host: LocalHost):
    links = start_run(host, "ledger", {})
    wait_until_waiting(host, links, "deposit")

    assert send_event(host, links, "deposit", {"amount": 13}) == 202
    rejected = until(host, links, lambda run: run["rejected"])
    assert rejected["status"] == "Running"
    assert rejected["waiting_for"]["event_name"] == "deposit"
    assert rejected["rejected"][0]["name"] == "deposit"
    assert "13 is not accepted" in rejected["rejected"][0]["reason"]

    assert send_event(host, links, "deposit", {"amount": 8}) == 202
    assert wait_for_run(host, links)["output"]["log"][1:] == ["+8", "recorded"]


def test_an_event_sent_during_a_long_loop_survives_continue_as_new(host: LocalHost):
    links = start_run(host, "loop", {"limit": 40})
    assert send_event(host, links, "ping", "early") == 202

    run = wait_for_run(host, links)

    assert run["status"] == "Completed", run["error"]
    assert run["output"]["count"] == 40
    assert run["output"]["pings"] == ["early", "done"]
    assert run["path"] == ["tick"] * 40 + ["done"]


def test_a_parent_shows_its_waiting_subgraph_which_takes_events_at_its_own_id(host: LocalHost):
    links = start_run(host, "escrow", {})
    parent = until(
        host,
        links,
        lambda run: (
            run["children"]
            and run["children"][0]["current_node"] == "work"
            and run["children"][0]["status"] == "Running"
        ),
    )
    (child,) = parent["children"]
    assert parent["active"] == ["ledger"]
    child_links = {
        "status_url": links["status_url"].replace(links["instance_id"], child["instance_id"])
    }
    child_links["events_url"] = child_links["status_url"] + "/events/{event_name}"
    until(host, child_links, lambda run: run["waiting_for"])

    assert send_event(host, child_links, "deposit", {"amount": 9}) == 202
    run = wait_for_run(host, links)

    assert run["status"] == "Completed", run["error"]
    # The child started from ["opened"] and returned its whole log, appended by the reducer.
    log = run["output"]["log"]
    assert log[:2] == ["opened", "opened"]
    assert log[2].startswith("work after")
    assert log[3:] == ["+9", "recorded", "closed"]
