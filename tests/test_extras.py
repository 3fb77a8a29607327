"""Install hints: the extra when the package is installed, the requirements when vendored."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

import azure_functions_durable_graph
from azure_functions_durable_graph.extras import EXTRAS, install_hint, vendored

ROOT = Path(__file__).parents[1]
PACKAGE = Path(azure_functions_durable_graph.__file__).parent


def test_the_extras_are_the_ones_pyproject_declares() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    optional = declared["optional-dependencies"]
    assert {name: tuple(optional[name]) for name in EXTRAS} == EXTRAS


def test_installed_the_hint_names_the_extra() -> None:
    assert not vendored()  # this checkout: runtime/ has no function_app.py
    assert install_hint("cli") == "pip install 'azure-functions-durable-graph[cli]'"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A service laid out as the template vendors it: the package beside function_app.py."""
    root = tmp_path_factory.mktemp("service")
    shutil.copytree(PACKAGE, root / PACKAGE.name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "tests" / "cli" / "apps" / "steps" / "function_app.py", root)
    return root


def _in_service(service: Path, code: str) -> subprocess.CompletedProcess[str]:
    """Python in the service folder, the vendored copy first on sys.path, `blocked` unimportable."""
    env = {**os.environ, "PYTHONPATH": str(service)}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=service, env=env, capture_output=True, text=True
    )


BLOCKED = ("watchfiles", "playwright", "playwright.sync_api")
BLOCK = f"import sys\nfor m in {BLOCKED!r}: sys.modules[m] = None\n"


@pytest.mark.parametrize(
    ("argv", "needs", "requirement"),
    [
        (["serve", "--reload", "."], "--reload needs watchfiles", "'watchfiles>=0.21'"),
        (["draw", "chain", ".", "--format", "svg"], "needs Playwright", "'playwright>=1.40'"),
    ],
)
def test_vendored_the_hint_names_what_pip_can_install(
    service: Path, argv: list[str], needs: str, requirement: str
) -> None:
    code = BLOCK + (
        "import azure_functions_durable_graph as p, pathlib\n"
        f"assert pathlib.Path(p.__file__).parent.parent == pathlib.Path({str(service)!r})\n"
        "from azure_functions_durable_graph.cli import main\n"
        f"sys.exit(main({argv!r}))\n"
    )
    result = _in_service(service, code)
    assert needs in result.stderr, result.stderr
    command = result.stderr.split("pip install ", 1)[1].split(" (", 1)[0]
    assert requirement in command.split()  # requirements pip finds, not the missing extra
    assert "azure-functions-durable-graph" not in command
    assert "requirements-dev.txt" in result.stderr
