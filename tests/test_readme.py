"""The README's examples run as written."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from tests.template.support import copier_copy, make_template_repo

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)


def test_the_first_screen_gives_the_two_commands() -> None:
    first_block = re.search(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["make demo", "make test"]


def test_the_graph_example_builds_a_function_app() -> None:
    (graph_example,) = [block for block in python_blocks() if "ManifestBuilder(" in block]
    namespace: dict[str, object] = {}
    exec(compile(graph_example, "README.md", "exec"), namespace)
    assert {f.get_function_name() for f in namespace["app"].get_functions()} >= {  # type: ignore[attr-defined]
        "durable_graph_orchestrator",
        "durable_graph_http_start_run",
    }


@pytest.mark.slow
def test_the_local_host_example_runs_against_a_generated_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = make_template_repo(tmp_path / "template")
    copier_copy(template, tmp_path / "my-service", {"project_name": "My Service"})
    (example,) = [block for block in python_blocks() if "LocalHost(" in block]
    expected = re.search(r"# (\[.*\])", example)
    assert expected is not None
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(example, "README.md", "exec"), {})
    assert out.getvalue().strip() == expected.group(1)
