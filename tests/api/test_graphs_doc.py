"""docs/graphs.md: its python examples run as written, in order, as one program.

The testing example is run for real: the first example becomes a
`function_app.py` in a fresh folder and the example's test functions run there.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from azure_functions_durable_graph import RouteError
from azure_functions_durable_graph.graph.legacy import custom_status
from azure_functions_durable_graph.graph.orchestration import ORCHESTRATOR_NAME
from azure_functions_durable_graph.graph.routing import normalize_route, validate_against_manifest
from tests.graph.history import Replay, functions_by_name, run_until_blocked

DOC = Path(__file__).resolve().parents[2] / "docs" / "graphs.md"
FENCE = re.compile(r"^( *)```(\w+)\n(.*?)^\1```$", re.DOTALL | re.MULTILINE)


def blocks(language: str) -> list[str]:
    """Code blocks of `language`, dedented by their fence's indentation."""
    found = []
    for indent, lang, body in FENCE.findall(DOC.read_text(encoding="utf-8")):
        if lang == language:
            found.append("".join(line[len(indent) :] + "\n" for line in body.splitlines()))
    return found


def is_testing_example(code: str) -> bool:
    return "LocalHost(" in code


def run_session(runtimes: list[Any] | None = None) -> dict[str, Any]:
    """Run the examples in one namespace; `runtimes` collects each new `runtime` object."""
    namespace: dict[str, Any] = {"__name__": "graphs_md"}
    for number, code in enumerate(blocks("python"), start=1):
        if is_testing_example(code):
            continue
        exec(compile(code, f"docs/graphs.md python block {number}", "exec"), namespace)
        if runtimes is not None and namespace["runtime"] not in runtimes:
            runtimes.append(namespace["runtime"])
    return namespace


def test_the_python_examples_run_in_order(capsys):
    runtimes: list[Any] = []
    namespace = run_session(runtimes)

    graphs, user_app = runtimes  # the page's service, and the "add to your own app" example
    assert graphs.registry.names() == ["counter", "expenses", "my_graph", "timed_expenses"]
    versions = [r.manifest.version for r in graphs.registry.latest_registrations()]
    assert versions == ["1", "1", "2", "1"]
    assert user_app.function_app is namespace["app"]
    assert capsys.readouterr().out.startswith("flowchart TD\n")  # the to_mermaid example


def test_the_mermaid_picture_is_what_to_mermaid_draws(capsys):
    namespace = run_session()
    capsys.readouterr()

    (picture,) = blocks("mermaid")
    manifest = namespace["expenses"].build().manifest
    assert picture.rstrip("\n") == namespace["to_mermaid"](manifest)


def test_the_documented_status_and_output_have_the_real_keys():
    status_doc, output_doc = (json.loads(b) for b in blocks("json")[:2])
    namespace = run_session()
    manifest = namespace["expenses"].build().manifest

    assert set(status_doc) == set(custom_status(manifest, "classify", 1, None))
    assert list(output_doc) == ["graph", "version", "hash", "final_node", "steps", "path", "state"]


def test_the_timeout_example_routes_to_declared_targets_and_its_error_is_real():
    namespace = run_session()
    manifest = namespace["timed"].build().manifest
    expense = namespace["Expense"](amount=500)

    routed = namespace["route_with_deadline"](expense)
    decision = normalize_route(
        routed, graph_name="timed_expenses", node="classify", static_next=None
    )

    assert validate_against_manifest(decision, manifest, "classify") == decision
    assert (decision.timeout_node, decision.timeout.total_seconds()) == ("escalate", 72 * 3600)
    (documented,) = re.findall(r"`(Graph 'timed_expenses'[^`]*)`", DOC.read_text("utf-8"))
    no_node = namespace["RouteDecision"].wait_for_event(
        "manager_approval", "apply_decision", timeout=decision.timeout
    )
    with pytest.raises(RouteError) as info:
        normalize_route(no_node, graph_name="timed_expenses", node="classify", static_next=None)
    assert str(info.value) == documented


def test_the_documented_timed_wait_is_what_a_waiting_run_shows():
    (waiting_doc,) = (json.loads(b) for b in blocks("json")[2:])
    runtimes: list[Any] = []
    run_session(runtimes)
    graphs = runtimes[0]
    functions = functions_by_name(graphs.function_app)
    run_input = {
        "graph_name": "timed_expenses",
        "graph_hash": graphs.registry.latest("timed_expenses").graph_hash,
        "state": {"amount": 500},
    }
    replay = Replay(functions[ORCHESTRATOR_NAME], ORCHESTRATOR_NAME, run_input)

    waiting = run_until_blocked(replay, functions).custom_status["waiting"]

    assert list(waiting) == list(waiting_doc)
    assert {k: v for k, v in waiting.items() if k != "deadline"} == {
        k: v for k, v in waiting_doc.items() if k != "deadline"
    }
    assert datetime.fromisoformat(waiting["deadline"]) == replay.episode_started_at() + timedelta(
        hours=72
    )
    assert waiting["deadline"][-6:] == waiting_doc["deadline"][-6:] == "+00:00"


@pytest.mark.slow
def test_the_testing_example_passes_against_the_first_graph(tmp_path, monkeypatch):
    first_graph, *rest = blocks("python")
    (testing_example,) = [code for code in rest if is_testing_example(code)]
    (tmp_path / "function_app.py").write_text(first_graph, encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    namespace: dict[str, Any] = {"__name__": "graphs_md_testing"}
    exec(compile(testing_example, "docs/graphs.md testing example", "exec"), namespace)
    tests = [fn for name, fn in namespace.items() if name.startswith("test_")]

    assert len(tests) == 1
    for test in tests:
        test()
