"""Fixtures of the template tests (helpers live in support.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.template.support import build_distributions, make_template_repo


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template_repo(tmp_path_factory.mktemp("template") / "repo")


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the sdist and wheel of this checkout (what a release publishes)."""
    outdir = tmp_path_factory.mktemp("wheelhouse")
    build_distributions(outdir)
    return outdir
