"""`make demo` end to end: tools/demo.py in a subprocess, as a new user runs it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.template.support import REPO_ROOT, clean_env
from tools.demo import Progress, mermaid_of


@pytest.mark.slow
def test_demo_generates_a_service_runs_the_example_and_stops(tmp_path: Path) -> None:
    dest = tmp_path / "demo"

    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "tools" / "demo.py"), "--dest", str(dest)],
        cwd=REPO_ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    out = result.stdout
    assert (dest / "function_app.py").is_file()
    assert "graphs: expense_approval" in out
    assert "waiting for 'manager_approval' (resumes at apply_decision)" in out
    assert "/events/manager_approval" in out
    assert "Completed at 'notify' after 4 steps." in out
    assert '"notification": "Expense of 250.00 for ada was approved by grace."' in out
    assert "Stopping the host" in out
    # The closing hint runs the service's tests with an interpreter that has the packages.
    hint = out.rstrip().splitlines()[-1].strip()
    assert hint.startswith(f"cd {dest} && ") and hint.endswith(" -m pytest"), hint
    tests = subprocess.run(
        hint + " -q -p no:cacheprovider",
        shell=True,
        cwd=REPO_ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert "11 passed" in tests.stdout, tests.stdout + tests.stderr
    # Every step is printed once, in order; a step too quick for the polls is still listed.
    steps = re.findall(r"^  step (\d+)  (\S+)", out, flags=re.MULTILINE)
    assert [number for number, _ in steps] == ["1", "2", "3", "4"], out
    assert (steps[0][1], steps[-1][1]) == ("review", "notify"), out
    # The steps come in order: started, waited, approved, finished.
    markers = ["run ", "step 1  review", "waiting for", "/events/manager_approval", "step 4"]
    positions = [out.index(marker) for marker in markers]
    assert positions == sorted(positions), out
    # Newer runtimes report the path (naming steps no poll saw) and serve a diagram.
    if "Path: " in out:
        path = "review -> (manager_approval) -> apply_decision -> schedule_payment -> notify"
        assert f"Path: {path}\n" in out, out
        assert [node for _, node in steps] == [
            "review",
            "apply_decision",
            "schedule_payment",
            "notify",
        ], out
    if "(Mermaid, GET /api/graphs/expense_approval)" in out:
        assert out.index("flowchart") < out.index("POST /api/graphs/expense_approval/runs"), out


def running(step: int, node: str, **fields: Any) -> dict[str, Any]:
    """A GET /api/runs/{id} body as the demo sees it, trimmed to what it reads."""
    return {"status": "Running", "step": step, "current_node": node, "waiting_for": None, **fields}


WAITING = {"event_name": "manager_approval", "resume_node": "apply_decision"}


def test_progress_prints_each_step_once_in_order_and_marks_the_unseen_ones() -> None:
    progress = Progress()

    updates = [
        progress.update(running(1, "review")),
        progress.update(running(1, "review", waiting_for=WAITING)),
        progress.update(running(1, "review", waiting_for=WAITING)),
        progress.update(running(3, "schedule_payment")),  # step 2 was never seen
        progress.update({**running(4, "notify"), "status": "Completed"}),
    ]

    assert updates == [
        ["  step 1  review"],
        ["          waiting for 'manager_approval' (resumes at apply_decision)"],
        [],
        [],  # held back: step 2 has no name yet, and lines stay in order
        [
            "  step 2  (not seen: it ran between two polls)",
            "  step 3  schedule_payment",
            "  step 4  notify",
            "  Completed",
        ],
    ]
    assert progress.path_line(running(4, "notify")) is None


def test_progress_names_unseen_steps_and_the_wait_from_the_runs_path() -> None:
    progress = Progress()
    path = ["review", "apply_decision", "schedule_payment", "notify"]
    progress.update(running(1, "review", waiting_for=WAITING))
    finished = {**running(4, "notify"), "status": "Completed", "path": path}

    lines = progress.update(finished)

    assert lines == [
        "  step 2  apply_decision",
        "  step 3  schedule_payment",
        "  step 4  notify",
        "  Completed",
    ]
    assert progress.path_line(finished) == (
        "review -> (manager_approval) -> apply_decision -> schedule_payment -> notify"
    )


def test_progress_shows_a_waits_deadline_and_marks_a_wait_that_timed_out() -> None:
    progress = Progress()
    deadline = "2026-11-24T21:35:50+00:00"
    timed = {**WAITING, "timeout_node": "escalate", "deadline": deadline}
    path = ["review", "escalate", "notify"]

    waiting = progress.update(running(1, "review", waiting_for=timed))
    finished = {**running(3, "notify"), "status": "Completed", "path": path}
    progress.update(finished)

    assert waiting == [
        "  step 1  review",
        "          waiting for 'manager_approval' (resumes at apply_decision)"
        f" until {deadline}, then escalate",
    ]
    assert progress.path_line(finished) == (
        "review -> (manager_approval timed out) -> escalate -> notify"
    )


def test_mermaid_diagram_is_shown_only_when_the_graph_has_one() -> None:
    assert mermaid_of({"diagram": {"mermaid": "flowchart TD\n  a --> b\n"}}) == (
        "flowchart TD\n  a --> b"
    )
    assert mermaid_of({"graph_name": "expense_approval"}) is None
    assert mermaid_of({"diagram": {"mermaid": "  "}}) is None


def test_demo_fails_clearly_when_the_template_cannot_be_generated(tmp_path: Path) -> None:
    # A destination that is a file: copier cannot create the project there.
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder")

    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "tools" / "demo.py"), "--dest", str(blocker / "demo")],
        cwd=REPO_ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 1
    assert result.stderr.startswith("demo failed: could not generate the service:"), result.stderr
    assert "Traceback" not in result.stderr


def test_demo_never_replaces_a_folder_it_did_not_generate(tmp_path: Path) -> None:
    dest = tmp_path / "my-work"
    dest.mkdir()
    (dest / "notes.txt").write_text("keep me")

    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "tools" / "demo.py"), "--dest", str(dest)],
        cwd=REPO_ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 1
    assert "exists and is not a generated service; not replacing it" in result.stderr
    assert (dest / "notes.txt").read_text() == "keep me"
