"""The release: the tag check, the workflow's shape, and its build steps run here."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.template.support import REPO_ROOT, actionlint_command, release_tools, run
from tools import release_check

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "release.yml"


def test_release_check_accepts_only_the_package_version() -> None:
    version = release_check.package_version()

    assert release_check.problems(f"v{version}") == []
    assert release_check.problems("v99.0.0") == [
        f"tag v99.0.0 does not match __version__ {version} (expected v{version})"
    ]
    assert release_check.main(["v99.0.0"]) == 1


def test_release_workflow_builds_on_tags_and_publishes_without_a_token() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    commands = [step.get("run", "") for step in build["steps"]]

    assert workflow[True]["push"] == {"tags": ["v*"]}  # PyYAML reads `on:` as True
    assert any("release_check.py" in command for command in commands)
    assert "python -m build" in commands
    assert "python -m twine check --strict dist/*" in commands
    assert publish["needs"] == "build"
    assert publish["permissions"] == {"id-token": "write"}
    (publish_step,) = [s for s in publish["steps"] if "gh-action-pypi-publish" in s.get("uses", "")]
    assert "with" not in publish_step  # trusted publishing: no password, no token


def test_release_workflow_passes_actionlint() -> None:
    command = actionlint_command()
    if isinstance(command, str):
        pytest.skip(command)

    result = run([*command, WORKFLOW], REPO_ROOT)

    assert json.loads(result.stdout) == []


@pytest.mark.slow
def test_built_distributions_pass_twine_check_and_hold_only_the_package(
    wheelhouse: Path,
) -> None:
    (wheel,) = wheelhouse.glob("*.whl")
    version = release_check.package_version()

    run([release_tools(), "-m", "twine", "check", "--strict", *wheelhouse.iterdir()], REPO_ROOT)
    assert wheel.name == f"azure_functions_durable_graph-{version}-py3-none-any.whl"
    names = zipfile.ZipFile(wheel).namelist()
    assert "azure_functions_durable_graph/durable/orchestrator.py" in names
    assert "azure_functions_durable_graph/py.typed" in names
    # runtime/ is also the template's root: none of the template's files are packaged.
    top = {name.split("/")[0] for name in names}
    assert top == {
        "azure_functions_durable_graph",
        f"azure_functions_durable_graph-{version}.dist-info",
    }
