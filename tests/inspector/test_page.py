"""The run inspector page in a real headless Chromium against a local host serving an app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from azure_functions_durable_graph.testing import LocalHost
from tests.api.local_apps import FEATURES_APP, start_run, wait_for_run, wait_until_waiting
from tests.helpers import eventually

TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def host() -> Iterator[LocalHost]:
    with LocalHost(FEATURES_APP, store=":memory:") as running:
        yield running


def test_list_open_run_highlight_send_events_and_see_it_complete(
    host: LocalHost, page: Any
) -> None:
    done = start_run(host, "my_graph", {"message": "hi"})
    wait_for_run(host, done, "Completed")
    links = start_run(host, "approvals", {"amount": 500})
    waiting = wait_until_waiting(host, links, "manager_approval")
    run_id = links["instance_id"]

    page.goto(f"{host.base_url}/_inspector/")
    row = page.locator(f'tr[data-run="{run_id}"]')
    row.wait_for(timeout=TIMEOUT_MS)
    assert page.locator(f'tr[data-run="{done["instance_id"]}"]').count() == 1
    assert "manager_approval" in row.inner_text()

    row.locator("a").click()
    current = page.locator("#diagram svg g.node.current")
    current.wait_for(timeout=TIMEOUT_MS)
    assert (current.text_content() or "").strip() == waiting["current_node"] == "classify"
    assert "event manager_approval" in page.locator("#pending").inner_text()

    page.select_option("#event-form [name=event]", "manager_approval")
    page.fill("#event-form [name=payload]", '{"approved": true}')
    page.click("#event-form button")
    page.wait_for_function(
        "document.querySelector('#pending').innerText.includes('finance_comment')",
        timeout=TIMEOUT_MS,
    )
    page.select_option("#event-form [name=event]", "finance_comment")
    page.fill("#event-form [name=payload]", '"looks fine"')
    page.click("#event-form button")

    page.locator("#run-status.Completed").wait_for(timeout=TIMEOUT_MS)
    assert '"outcome": "paid"' in page.locator("#state").inner_text()
    visited = page.locator("#diagram svg g.node.visited")
    eventually(lambda: visited.count() == 3)
    assert sorted([t.strip() for t in visited.all_text_contents()]) == [
        "apply_decision",
        "classify",
        "review",
    ]
    assert page.locator("#event-form button").is_disabled()


def test_cancel_from_the_form_terminates_the_run(host: LocalHost, page: Any) -> None:
    links = start_run(host, "approvals", {"amount": 900})
    wait_until_waiting(host, links, "manager_approval")
    page.goto(f"{host.base_url}/_inspector/#/runs/{links['instance_id']}")
    page.locator("#diagram svg g.node.current").wait_for(timeout=TIMEOUT_MS)
    page.fill("#cancel-form [name=reason]", "not needed")
    page.click("#cancel-form button")
    page.locator("#run-status.Terminated").wait_for(timeout=TIMEOUT_MS)
    assert "not needed" in page.locator("#run-facts").inner_text()


def test_list_filters_by_graph_and_status(host: LocalHost, page: Any) -> None:
    done = start_run(host, "my_graph", {"message": "filter me"})
    wait_for_run(host, done, "Completed")
    page.goto(f"{host.base_url}/_inspector/")
    page.locator(f'tr[data-run="{done["instance_id"]}"]').wait_for(timeout=TIMEOUT_MS)
    page.select_option("#filters [name=graph]", "approvals")
    page.wait_for_function(
        f"!document.querySelector('tr[data-run=\"{done['instance_id']}\"]')", timeout=TIMEOUT_MS
    )
    graphs = set(page.locator("#runs tbody tr td:nth-child(2)").all_inner_texts())
    assert graphs <= {"approvals"}
    page.select_option("#filters [name=graph]", "my_graph")
    page.select_option("#filters [name=status]", "Completed")
    page.locator(f'tr[data-run="{done["instance_id"]}"]').wait_for(timeout=TIMEOUT_MS)
    statuses = set(page.locator("#runs tbody tr td:nth-child(3)").all_inner_texts())
    assert statuses == {"Completed"}


RELIABILITY_APP = FEATURES_APP.parent.parent.parent / "durable" / "apps" / "reliability"


def test_resume_form_answers_the_pending_interrupt(page: Any) -> None:
    with LocalHost(RELIABILITY_APP, store=":memory:") as other:
        links = start_run(other, "interview", {})
        run_id = links["instance_id"]
        eventually(lambda: other.get(f"/api/runs/{run_id}").json()["interrupts"])
        page.goto(f"{other.base_url}/_inspector/#/runs/{run_id}")
        form = page.locator("#resume-form")
        form.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert "name?" in page.locator("#pending").inner_text()
        page.fill("#resume-form [name=value]", '"ada"')
        page.click("#resume-form button")
        page.wait_for_function(
            "document.querySelector('#pending').innerText.includes('age?')", timeout=TIMEOUT_MS
        )
        page.fill("#resume-form [name=value]", "36")
        page.click("#resume-form button")
        page.locator("#run-status.Completed").wait_for(timeout=TIMEOUT_MS)
        assert page.locator("#resume-form").is_hidden()
        assert '"ada"' in page.locator("#state").inner_text()


def test_a_wrong_answer_is_refused_on_the_page_and_the_run_keeps_waiting(page: Any) -> None:
    with LocalHost(RELIABILITY_APP, store=":memory:") as other:
        links = start_run(other, "approval_form", {})
        run_id = links["instance_id"]
        eventually(lambda: other.get(f"/api/runs/{run_id}").json()["interrupts"])
        page.goto(f"{other.base_url}/_inspector/#/runs/{run_id}")
        page.locator("#resume-form").wait_for(state="visible", timeout=TIMEOUT_MS)
        assert page.input_value("#resume-form [name=value]") == ""  # nothing guessed for you
        page.fill("#resume-form [name=value]", "true")
        page.click("#resume-form button")
        message = page.locator("#message:not(.ok)")
        message.wait_for(timeout=TIMEOUT_MS)
        assert "not a valid Approval" in message.inner_text()
        assert other.get(f"/api/runs/{run_id}").json()["status"] == "Running"

        page.fill("#resume-form [name=value]", '{"approved": true}')
        page.click("#resume-form button")
        page.locator("#run-status.Completed").wait_for(timeout=TIMEOUT_MS)
        assert "Answered" in page.locator("#message.ok").inner_text()


BREAKPOINTS_APP = FEATURES_APP.parent.parent.parent / "agent_server" / "apps" / "breakpoints_app"


def test_a_run_paused_at_a_breakpoint_shows_the_pause_and_continues_with_no_answer(
    page: Any,
) -> None:
    with LocalHost(BREAKPOINTS_APP, store=":memory:") as other:
        links = start_run(other, "bp_chain", {"log": []}, interrupt_before=["b"])
        run_id = links["instance_id"]
        eventually(lambda: other.get(f"/api/runs/{run_id}").json()["interrupts"])
        page.goto(f"{other.base_url}/_inspector/#/runs/{run_id}")
        page.locator("#resume-form").wait_for(state="visible", timeout=TIMEOUT_MS)
        assert "paused before b" in page.locator("#pending").inner_text()
        page.click("#resume-form button")  # no answer: a breakpoint asks nothing
        page.locator("#run-status.Completed").wait_for(timeout=TIMEOUT_MS)
        assert "Continued" in page.locator("#message.ok").inner_text()
        assert wait_for_run(other, links)["output"] == {"log": ["a", "b", "c"]}


SHAPES_APP = Path(__file__).parent / "apps" / "shapes"


def test_the_path_is_drawn_on_every_node_shape(page: Any) -> None:
    nodes = {"start", "quick", "sub", "gather", "finish"}
    with LocalHost(SHAPES_APP, store=":memory:") as other:
        diagram = other.get("/api/graphs/shapes").json()["diagram"]["mermaid"]
        for shape in ('[["sub"]]', '[/"gather"/]', '(["finish"])', '["quick"]'):
            assert shape in diagram
        links = start_run(other, "shapes", {})
        run = wait_for_run(other, links, "Completed")
        assert set(run["path"]) == nodes
        page.goto(f"{other.base_url}/_inspector/#/runs/{links['instance_id']}")
        page.locator("#run-status.Completed").wait_for(timeout=TIMEOUT_MS)
        visited = page.locator("#diagram svg g.node.visited")
        eventually(lambda: visited.count() == len(nodes))
        assert {t.strip() for t in visited.all_text_contents()} == nodes


SUPERSTEPS_APP = FEATURES_APP.parent.parent.parent / "durable" / "apps" / "supersteps"


def test_the_timeline_lists_steps_and_the_fork_form_starts_a_new_run(page: Any) -> None:
    with LocalHost(SUPERSTEPS_APP, store=":memory:") as other:
        links = start_run(other, "fan", {})
        wait_for_run(other, links, "Completed")
        run_id = links["instance_id"]
        eventually(lambda: len(other.get(f"/api/runs/{run_id}/steps").json()["steps"]) == 3)

        page.goto(f"{other.base_url}/_inspector/#/runs/{run_id}")
        page.locator("#fork-form").wait_for(state="visible", timeout=TIMEOUT_MS)
        steps = page.locator("#timeline li")
        eventually(lambda: steps.count() == 3)
        assert steps.nth(1).inner_text() == (
            '#2 left → {"seen":["left"],"left":"L"}; right → {"seen":["right"],"right":"R"}'
        )
        page.select_option("#fork-form [name=step]", "2")
        page.fill("#fork-form [name=patch]", '{"left": "patched"}')
        page.click("#fork-form button")

        page.wait_for_function(
            f"document.querySelector('#run-id').innerText !== {run_id!r} && "
            "document.querySelector('#run-status').innerText === 'Completed'",
            timeout=TIMEOUT_MS,
        )
        forked_id = page.locator("#run-id").inner_text()
        forked = other.get(f"/api/runs/{forked_id}").json()
        assert forked_id != run_id
        assert forked["path"] == ["start", "left", "right", "join"]
        assert forked["output"]["joined"] == "patchedR"  # the patch, then join ran


KEY = {"x-functions-key": "s3cret-key"}


def test_under_serve_keys_the_page_asks_for_the_key_once_and_its_calls_carry_it(
    page: Any,
) -> None:
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept("s3cret-key")

    page.on("dialog", answer)
    with LocalHost(FEATURES_APP, store=":memory:", function_key="s3cret-key") as keyed:
        started = keyed.post(
            "/api/graphs/my_graph/runs", json={"input": {"message": "hi"}}, headers=KEY
        )
        assert started.status == 202, started.text
        links = started.json()
        page.goto(f"{keyed.base_url}/_inspector/")
        row = page.locator(f'tr[data-run="{links["instance_id"]}"]')
        row.wait_for(timeout=TIMEOUT_MS)
        row.locator("a").click()
        page.locator("#run-status.Completed").wait_for(timeout=TIMEOUT_MS)

    assert len(asked) == 1 and "--keys" in asked[0]
