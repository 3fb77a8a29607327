"""The runtime reaches a vendored app as plain files from the repository's one copy.

runtime/ is the template's root, so copier copies the package itself: no symlink, which a
Windows checkout (core.symlinks=false) would turn into a 40-byte text file.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
import yaml

from tests.template.support import (
    REPO_ROOT,
    RUNTIME_PACKAGE,
    TEMPLATE_ROOT,
    commit_all,
    copier_copy,
    git,
    run,
    stage_template,
)

# What Git for Windows does by default: check symlinks out as text files holding the target.
NO_SYMLINKS = {
    "GIT_CONFIG_COUNT": "1",
    "GIT_CONFIG_KEY_0": "core.symlinks",
    "GIT_CONFIG_VALUE_0": "false",
}


def test_copier_template_root_holds_the_runtime_package() -> None:
    config = yaml.safe_load((REPO_ROOT / "copier.yml").read_text())

    assert Path(config["_subdirectory"]) == TEMPLATE_ROOT
    assert RUNTIME_PACKAGE.parent == TEMPLATE_ROOT


def test_repository_stores_no_symlinks() -> None:
    # Mode 120000 is a symlink in git's index.
    staged = git(REPO_ROOT, "ls-files", "--stage").splitlines()

    assert [line for line in staged if line.startswith("120000")] == []


def sources(package: Path) -> dict[str, bytes]:
    return {
        path.relative_to(package).as_posix(): path.read_bytes()
        for path in package.rglob("*")
        if path.is_file()
    }


@pytest.mark.slow
def test_generation_without_symlinks_vendors_a_working_runtime(tmp_path: Path) -> None:
    template = stage_template(tmp_path / "template")
    git(template, "init", "-q")
    git(template, "config", "core.symlinks", "false")
    commit_all(template, "template")

    project = copier_copy(
        template, tmp_path / "service", {"include_examples": False}, env=NO_SYMLINKS
    )

    vendored = project / "azure_functions_durable_graph"
    assert vendored.is_dir() and not vendored.is_symlink()
    assert sources(vendored) == sources(template / RUNTIME_PACKAGE)
    result = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)
    assert "3 passed" in result.stdout, result.stdout


def test_bytecode_and_caches_are_not_vendored(tmp_path: Path) -> None:
    # A working tree that has run tests: caches beside the runtime's sources.
    template = stage_template(tmp_path / "template")
    cache = template / RUNTIME_PACKAGE / "local" / "__pycache__"
    cache.mkdir()
    (cache / "engine.cpython-311.pyc").write_bytes(b"\0")
    (template / RUNTIME_PACKAGE / "stray.pyc").write_bytes(b"\0")
    (template / TEMPLATE_ROOT / "azure_functions_durable_graph.egg-info").mkdir()
    (template / TEMPLATE_ROOT / "azure_functions_durable_graph.egg-info" / "PKG-INFO").write_text(
        ""
    )

    project = copier_copy(template, tmp_path / "service", {}, vcs_ref=None)

    vendored = project / "azure_functions_durable_graph"
    assert (vendored / "local" / "engine.py").is_file()
    assert [
        path.name for path in vendored.rglob("*") if "pycache" in str(path) or path.suffix == ".pyc"
    ] == []
    assert not list(project.glob("*.egg-info"))
    sources = sorted(
        p.relative_to(template / RUNTIME_PACKAGE)
        for p in (template / RUNTIME_PACKAGE).rglob("*.py")
    )
    assert sorted(p.relative_to(vendored) for p in vendored.rglob("*.py")) == sources


def test_template_pins_the_runtime_version_it_vendors() -> None:
    copier_yml = yaml.safe_load((REPO_ROOT / "copier.yml").read_text())
    init = ast.parse((REPO_ROOT / RUNTIME_PACKAGE / "__init__.py").read_text())
    versions = [
        node.value.value
        for node in init.body
        if isinstance(node, ast.Assign)
        and [getattr(target, "id", None) for target in node.targets] == ["__version__"]
        and isinstance(node.value, ast.Constant)
    ]

    assert versions == [copier_yml["runtime_release"]["default"]], (
        "copier.yml runtime_release must follow runtime __version__ (pip-mode pins use it)"
    )
