"""`make demo` end to end: tools/demo.py in a subprocess, as a new user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.template.support import REPO_ROOT, clean_env


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
    assert "(waiting for 'manager_approval', resumes at apply_decision)" in out
    assert "/events/manager_approval" in out
    assert "Completed at 'notify' after 4 steps" in out
    assert '"notification": "Expense of 250.00 for ada was approved by grace."' in out
    assert "Stopping the host" in out
    # The steps come in order: started, waited, approved, finished.
    markers = ["run ", "waiting for", "/events/manager_approval", "Completed at"]
    positions = [out.index(marker) for marker in markers]
    assert positions == sorted(positions), out


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
