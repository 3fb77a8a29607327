"""`--help`, `graphs` and `draw`, run as subprocesses against the features test app."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import APP, cli_env, durable_graph

SCRIPT = Path(sys.executable).parent / "durable-graph"  # the venv's console script
COMMANDS = ("serve", "graphs", "draw", "run", "runs", "show", "send", "resume", "cancel")


def test_top_level_help_lists_every_command_with_examples_and_exit_codes() -> None:
    result = durable_graph("--help")
    assert result.returncode == 0
    for command in COMMANDS:
        assert command in result.stdout
    assert "examples:" in result.stdout
    assert "exit codes:" in result.stdout
    assert "130" in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_help_with_examples(command: str) -> None:
    result = durable_graph(command, "--help")
    assert result.returncode == 0, result.stderr
    assert "examples:" in result.stdout
    assert f"durable-graph {command}" in result.stdout


def test_the_console_script_is_the_same_command() -> None:
    script = SCRIPT
    assert script.is_file(), script
    result = subprocess.run(
        [str(script), "graphs", str(APP)], capture_output=True, text=True, env=cli_env()
    )
    assert result.returncode == 0, result.stderr
    assert "approvals  version 1" in result.stdout


def test_graphs_lists_version_hash_nodes_and_events() -> None:
    result = durable_graph("graphs", str(APP))
    assert result.returncode == 0, result.stderr
    block = result.stdout.split("approvals  ", 1)[1].split("\n\n")[0]
    assert "entrypoint: classify" in block
    assert "nodes:      classify, review, apply_decision" in block
    assert "events:     finance_comment, manager_approval" in block


def test_graphs_json_prints_the_manifests() -> None:
    result = durable_graph("graphs", str(APP), "--json")
    assert result.returncode == 0, result.stderr
    manifests = {m["graph_name"]: m for m in json.loads(result.stdout)}
    assert manifests["my_graph"]["entrypoint"] == "process"
    assert manifests["my_graph"]["graph_hash"]  # the hash the start and status responses carry


def test_graphs_without_an_app_is_a_usage_error(tmp_path: Path) -> None:
    result = durable_graph("graphs", str(tmp_path))
    assert result.returncode == 2
    assert "has no function_app.py" in result.stderr


def test_draw_prints_the_mermaid_flowchart() -> None:
    result = durable_graph("draw", "approvals", str(APP))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "flowchart TD"
    assert '    n0["classify"]' in lines
    assert "    n2 --> complete" in lines


def test_draw_an_unknown_graph_names_the_known_ones() -> None:
    result = durable_graph("draw", "nope", str(APP))
    assert result.returncode == 2
    assert "no graph named 'nope'" in result.stderr
    assert "approvals" in result.stderr


def test_draw_svg_renders_offline_with_the_packaged_mermaid(tmp_path: Path) -> None:
    target = tmp_path / "approvals.svg"
    result = durable_graph("draw", "approvals", str(APP), "--format", "svg", "-o", str(target))
    assert result.returncode == 0, result.stderr
    svg = target.read_text(encoding="utf-8")
    assert svg.startswith("<svg")
    for label in ("classify", "review", "apply_decision"):
        assert label in svg


def test_draw_png_writes_a_png(tmp_path: Path) -> None:
    target = tmp_path / "approvals.png"
    result = durable_graph("draw", "approvals", str(APP), "--format", "png", "-o", str(target))
    assert result.returncode == 0, result.stderr
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 5000


def test_draw_without_chromium_says_how_to_get_it(tmp_path: Path) -> None:
    env = {**cli_env(), "DURABLE_GRAPH_CHROMIUM": str(tmp_path / "missing")}
    result = subprocess.run(
        [str(SCRIPT), "draw", "approvals", str(APP), "--format", "svg"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 2
    assert "is not an executable" in result.stderr
