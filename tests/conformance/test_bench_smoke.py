"""The benchmark's quick mode runs end to end, so bench/ cannot rot (timings are not checked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _rows(table: str) -> list[list[str]]:
    """The data rows of a printed table: the lines after its dashed rule, up to a blank line."""
    lines = table.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("----"))
    rows = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        rows.append(line.split())
    return rows


def test_quick_benchmark_prints_both_tables() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    chain, scaling = done.stdout.split("One run of N sequential activities")
    assert "10-activity chain" in chain
    chain_rows = [row[:2] for row in _rows(chain)]
    combinations = [[path, store] for path in ("engine", "http") for store in ("memory", "sqlite")]
    assert chain_rows == combinations
    scaling_rows = [row[:3] for row in _rows(scaling)]
    assert scaling_rows == [
        [path, store, str(steps)]
        for path in ("engine", "http")
        for store in ("memory", "sqlite")
        for steps in (10, 30)
    ]
    assert "total benchmark time" in done.stdout
