"""A small load run for `make test` (the 1,000-run one is in `make soak`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.soak.load import run_load_suite

pytestmark = pytest.mark.slow


def test_runs_started_at_once_are_neither_lost_nor_duplicated(tmp_path: Path) -> None:
    report = run_load_suite(tmp_path, runs=50)
    assert report.runs == 50
    assert report.start_p99_ms >= report.start_p50_ms
