"""docs/graphs.md: its python examples run as written, in order, as one program.

The testing example is run for real: the first example becomes a
`function_app.py` in a fresh folder and the example's test functions run there.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from azure_functions_durable_graph.graph.orchestration import custom_status

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
    assert graphs.registry.names() == ["counter", "expenses", "my_graph"]
    assert [r.manifest.version for r in graphs.registry.latest_registrations()] == ["1", "1", "2"]
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
