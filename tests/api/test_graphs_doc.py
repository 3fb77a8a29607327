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
from azure_functions_durable_graph.graph.routing import normalize_route, validate_against_manifest
from azure_functions_durable_graph.testing import LocalHost, VirtualClock
from tests.helpers import eventually

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
        exec(
            compile(code, f"docs/graphs.md python block {number}", "exec", dont_inherit=True),
            namespace,
        )
        if runtimes is not None and namespace["runtime"] not in runtimes:
            runtimes.append(namespace["runtime"])
    return namespace


def test_the_python_examples_run_in_order(capsys):
    runtimes: list[Any] = []
    namespace = run_session(runtimes)

    graphs, user_app = runtimes  # the page's service, and the "add to your own app" example
    assert graphs.registry.names() == [
        "checked_expenses",
        "commanded",
        "counter",
        "expenses",
        "map_reduce",
        "my_graph",
        "payments",
        "review",
        "signup",
        "timed_expenses",
        "trip",
        "uneven",
        "with_research",
    ]
    versions = {r.graph_name: r.manifest.version for r in graphs.registry.latest_registrations()}
    assert versions["my_graph"] == "2"
    assert user_app.function_app is namespace["app"]
    assert capsys.readouterr().out.startswith("flowchart TD\n")  # the to_mermaid example


def test_the_mermaid_picture_is_what_to_mermaid_draws(capsys):
    namespace = run_session()
    capsys.readouterr()

    (picture,) = blocks("mermaid")
    manifest = namespace["expenses"].build().manifest
    assert picture.rstrip("\n") == namespace["to_mermaid"](manifest)


def service_app(folder: Path) -> Path:
    """The page's service as a function_app.py: every block but the testing and own-app ones."""
    code = [c for c in blocks("python") if not is_testing_example(c) and "FunctionApp()" not in c]
    (folder / "function_app.py").write_text("\n".join(code), encoding="utf-8")
    return folder


@pytest.mark.slow
def test_the_documented_status_and_output_have_the_real_keys(tmp_path):
    status_doc, output_doc = (json.loads(b) for b in blocks("json")[:2])
    with LocalHost(service_app(tmp_path), store=":memory:", clock=VirtualClock()) as host:
        body = {"input": {"amount": 500}, "instance_id": "documented"}
        assert host.post("/api/graphs/expenses/runs", json=body).status == 202
        waiting = eventually(
            lambda: (
                ((host.status("documented") or {}).get("customStatus") or {}).get("waiting")
                and host.status("documented")["customStatus"]
            )  # type: ignore[index]
        )
        host.post("/api/runs/documented/events/manager_approval", json={"approved": True})
        done = host.wait_for_status("documented", "Completed")

    assert list(waiting) == list(status_doc)
    assert waiting["waiting"] == status_doc["waiting"]
    assert list(done["output"]) == list(output_doc)
    assert done["output"]["path"] == output_doc["path"]
    assert done["output"]["state"] == output_doc["state"]


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


@pytest.mark.slow
def test_the_documented_timed_wait_is_what_a_waiting_run_shows(tmp_path):
    (waiting_doc,) = (json.loads(b) for b in blocks("json")[2:])
    clock = VirtualClock()
    with LocalHost(service_app(tmp_path), store=":memory:", clock=clock) as host:
        body = {"input": {"amount": 500}, "instance_id": "timed"}
        assert host.post("/api/graphs/timed_expenses/runs", json=body).status == 202
        run = eventually(
            lambda: (
                host.get("/api/runs/timed").json()["waiting_for"]
                and host.get("/api/runs/timed").json()
            )
        )
    waiting = run["waiting_for"]

    assert list(waiting) == list(waiting_doc)
    assert {k: v for k, v in waiting.items() if k != "deadline"} == {
        k: v for k, v in waiting_doc.items() if k != "deadline"
    }
    started = datetime.fromisoformat(run["created_at"])
    assert datetime.fromisoformat(waiting["deadline"]) - started == timedelta(hours=72)
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


@pytest.mark.slow
def test_the_superstep_examples_give_the_documented_results(tmp_path):
    with LocalHost(service_app(tmp_path), store=":memory:", clock=VirtualClock()) as host:

        def run(graph: str, state: dict) -> dict:
            links = host.post(f"/api/graphs/{graph}/runs", json={"input": state}).json()
            host.wait_for_status(links["instance_id"])
            return host.get(links["status_url"]).json()

        trip = run("trip", {"city": "Oslo"})
        assert trip["output"]["plan"] == "sunny in Oslo; 3 hotels in Oslo"
        assert run("map_reduce", {"docs": ["a", "b", "c"]})["output"]["report"] == "A | B | C"
        uneven = run("uneven", {"city": "x"})
        assert uneven["output"]["plan"] == "quick, slow 1, slow 2"
        assert uneven["path"] == ["start", "quick", "slow_1", "slow_2", "report"]
        assert run("commanded", {"city": "x"})["output"]["plan"] == "triaged"
        assert run("with_research", {"city": "Rome"})["output"]["plan"] == "museums in Rome"
        assert run("payments", {"amount": 5})["output"]["log"] == ["charged 5"]

        links = host.post("/api/graphs/signup/runs", json={"input": {}}).json()
        asked: list[str] = []
        for answer in ("Ada", "pro"):
            pending = eventually(
                lambda: [
                    i
                    for i in host.get(links["status_url"]).json()["interrupts"]
                    if i["id"] not in asked
                ]
            )
            asked.append(pending[0]["id"])
            resumed = host.post(f"{links['status_url']}/resume", json={"resume": answer})
            assert resumed.status == 202
        host.wait_for_status(links["instance_id"])
        assert host.get(links["status_url"]).json()["output"] == {"name": "Ada", "plan": "pro"}

        links = host.post("/api/graphs/review/runs", json={"input": {}}).json()
        eventually(lambda: host.get(links["status_url"]).json()["interrupts"])
        refused = host.post(f"{links['status_url']}/resume", json={"resume": True})
        assert (refused.status, refused.json()["error"]["code"]) == (422, "validation_error")
        answer = {"resume": {"approved": True}}
        assert host.post(f"{links['status_url']}/resume", json=answer).status == 202
        host.wait_for_status(links["instance_id"])
        assert host.get(links["status_url"]).json()["output"] == {"approved": True}


def test_the_instance_id_rule_is_the_servers() -> None:
    from azure_functions_durable_graph.api.inputs import INSTANCE_ID_RULE, valid_instance_id

    characters = INSTANCE_ID_RULE.split(" from ", 1)[1].split(",", 1)[0]
    assert f"characters from `{characters}`" in " ".join(DOC.read_text().split())
    reliability = " ".join((DOC.parent / "reliability.md").read_text().split())
    assert f"characters from `{characters}`" in reliability
    assert valid_instance_id("order-7@eu:2025.1~a_b")
