"""The runtime reaches a vendored app from the repository's one copy, and only its source."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import yaml

from tests.template.support import REPO_ROOT, RUNTIME_PACKAGE, copier_copy, stage_template

VENDORED_LINK = "{% if runtime_install == 'vendored' %}azure_functions_durable_graph{% endif %}"


def test_template_links_to_the_runtime_instead_of_copying_it() -> None:
    link = REPO_ROOT / "template" / VENDORED_LINK

    assert link.is_symlink()
    assert os.readlink(link) == os.path.join("..", *RUNTIME_PACKAGE.parts)


def test_bytecode_and_caches_are_not_vendored(tmp_path: Path) -> None:
    # A working tree that has run tests: caches beside the runtime's sources.
    template = stage_template(tmp_path / "template")
    cache = template / RUNTIME_PACKAGE / "local" / "__pycache__"
    cache.mkdir()
    (cache / "engine.cpython-311.pyc").write_bytes(b"\0")
    (template / RUNTIME_PACKAGE / "stray.pyc").write_bytes(b"\0")

    project = copier_copy(template, tmp_path / "service", {}, vcs_ref=None)

    vendored = project / "azure_functions_durable_graph"
    assert (vendored / "local" / "engine.py").is_file()
    assert [
        path.name for path in vendored.rglob("*") if "pycache" in str(path) or path.suffix == ".pyc"
    ] == []
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
