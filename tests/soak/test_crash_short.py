"""The small crash run of `make test`: 20 runs, two SIGKILLs of `serve`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.soak.crash import run_crash_suite

pytestmark = pytest.mark.slow


def test_runs_survive_sigkills_and_no_stored_step_runs_again(tmp_path: Path) -> None:
    report = run_crash_suite(tmp_path, runs=20, kills=2)
    assert report.runs == 20
    assert report.executions >= 20
