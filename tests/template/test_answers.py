"""copier.yml refuses bad answers with a message naming what it expected and what it got."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.template.support import run


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("project_slug=Bad_Slug", "Expected 3 to 40 lowercase letters, digits or dashes"),
        ("hub_name=1hub", 'Expected 3 to 45 letters or digits starting with a letter; got "1hub"'),
        ("hub_name=my-hub", 'got "my-hub"'),
        (
            "runtime_version=latest",
            'Expected a release version such as 0.1.0, or nothing; got "latest"',
        ),
        ("python_version=3.9", "'3.9' is not in ['3.10', '3.11', '3.12', '3.13']"),
        ("auth_level=admin", "Invalid choice for 'auth_level'"),
    ],
)
def test_bad_answer_is_refused(
    template_repo: Path, tmp_path: Path, answer: str, message: str
) -> None:
    result = run(
        [
            sys.executable,
            "-m",
            "copier",
            "copy",
            "--defaults",
            "--quiet",
            "--data=runtime_install=pip",
            f"--data={answer}",
            template_repo,
            tmp_path / "service",
        ],
        cwd=tmp_path,
        check=False,
    )

    assert result.returncode != 0
    assert message in result.stderr, result.stderr
    assert not (tmp_path / "service" / "function_app.py").exists()
