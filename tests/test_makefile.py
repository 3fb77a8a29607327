"""The Makefile refuses a fake Python 3.13 run and installs a browser only when asked to."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def make(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


@pytest.mark.skipif(sys.version_info[:2] == (3, 13), reason="needs a Python that is not 3.13")
def test_a_python_that_is_not_3_13_is_refused_as_py313(tmp_path: Path) -> None:
    target = tmp_path / "venv313"
    result = make("venv313", f"VENV313={target}", f"PY313={sys.executable}")
    assert result.returncode != 0
    assert "not 3.13" in result.stdout + result.stderr
    assert not target.exists()  # nothing was built from it


@pytest.mark.skipif(sys.version_info[:2] == (3, 13), reason="needs a Python that is not 3.13")
def test_a_venv313_built_earlier_from_another_python_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "venv313"
    venv.create(target, with_pip=False)  # what the old Makefile built without pyenv's 3.13.0
    (target / "bin" / ".installed").touch()
    for goal in ("venv313", "test-313"):
        result = make(goal, f"VENV313={target}")
        assert result.returncode != 0, goal
        assert "not Python 3.13" in result.stdout + result.stderr, goal


def test_test_runs_never_install_a_browser() -> None:
    for goal in ("pytest", "test-313", "test-fast"):
        planned = make("-n", goal)
        assert planned.returncode == 0, planned.stderr
        assert "apt-get" not in planned.stdout, goal
    assert "apt-get install" in make("-n", "browser").stdout  # only when asked for


def test_a_missing_browser_fails_the_test_run_with_the_way_to_get_one(tmp_path: Path) -> None:
    missing = {"DURABLE_GRAPH_CHROMIUM": "", "PATH": f"{ROOT / '.venv' / 'bin'}:/usr/bin:/bin"}
    if any((Path(d) / "chromium").exists() for d in ("/usr/bin", "/bin")):
        missing["DURABLE_GRAPH_CHROMIUM"] = str(tmp_path / "no-chromium")
    result = make("browser-check", env=missing)
    assert result.returncode != 0
    assert "make browser" in result.stdout + result.stderr
