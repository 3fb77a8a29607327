"""What a new user does right after `copier copy`, as docs/template.md says to.

Put the service under git (copier leaves a plain folder, and `copier update` wants a
clean git tree), then write a graph with an interrupt and a retry, and test it with the
harness's helpers: `wait_for_interrupt`, `resume`, and a wait that names the pending
durable timer when the test forgot `host.advance(...)`.
"""

from __future__ import annotations

import re
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

from tests.template.support import REPO_ROOT, copier_copy, run

DOC = REPO_ROOT / "docs" / "template.md"
GRAPHS_DOC = REPO_ROOT / "docs" / "graphs.md"

GRAPH = """
from pydantic import BaseModel

from azure_functions_durable_graph import ManifestBuilder, RetryPolicy, interrupt

ATTEMPTS = {"flaky": 0}


class Signup(BaseModel):
    name: str = ""
    attempts: int = 0


def ask(state: Signup) -> dict:
    return {"name": str(interrupt({"question": "name?"}))}


def register(state: Signup) -> dict:
    ATTEMPTS["flaky"] += 1
    if ATTEMPTS["flaky"] == 1:
        raise ConnectionError("the directory is down")
    return {"attempts": ATTEMPTS["flaky"]}


builder = ManifestBuilder(graph_name="signup", state_model=Signup)
builder.set_entrypoint("ask")
builder.add_node("ask", ask, next_node="register")
retry = RetryPolicy(max_attempts=2, initial_interval=600, jitter=False)
builder.add_node("register", register, terminal=True, retry=retry)
registration = builder.build()
"""

TEST = """
from datetime import timedelta

import pytest
from conftest import GraphService

from azure_functions_durable_graph.testing import LocalHost


def test_answer_the_question_then_let_the_retry_fire(
    service: GraphService, host: LocalHost
) -> None:
    run_id = service.start("signup", {})
    question = service.wait_for_interrupt(run_id)
    assert (question["node"], question["value"]) == ("ask", {"question": "name?"})
    service.resume(run_id, "ada")

    with pytest.raises(AssertionError, match=r"host\\.advance\\(timedelta"):
        service.wait_until(run_id, lambda run: run["status"] == "Completed", timeout=1)
    host.advance(timedelta(minutes=10))

    run = service.wait_finished(run_id)
    assert run["status"] == "Completed", run
    assert run["output"] == {"name": "ada", "attempts": 2}
"""


def shell_block_after(text: str, marker: str) -> str:
    """The first ```sh block after `marker` in the doc."""
    rest = text[text.index(marker) :]
    match = re.search(r"```sh\n(.*?)```", rest, re.S)
    assert match, marker
    return match.group(1)


@pytest.mark.slow
def test_a_new_service_goes_under_git_and_tests_interrupts_and_retries(
    template_repo: Path, tmp_path: Path
) -> None:
    if shutil.which("git") is None:
        pytest.fail("git is needed: the documented first step is `git init`")
    project = copier_copy(template_repo, tmp_path / "my-service", {"project_slug": "my-service"})
    doc = DOC.read_text()
    identity = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    first = shell_block_after(doc, "make it one before anything else")
    assert first.startswith("cd my-service\n")
    run(["sh", "-ec", first.split("\n", 1)[1]], project, env=identity)

    (project / "graphs" / "signup.py").write_text(textwrap.dedent(GRAPH).lstrip())
    # docs/graphs.md's `graphs/<name>.py` example, as a template user would save it.
    graphs_doc = GRAPHS_DOC.read_text()
    marker = "as `graphs/my_graph.py`:"
    example = re.search(r"```py\n(.*?)```", graphs_doc[graphs_doc.index(marker) :], re.S)
    assert example is not None
    (project / "graphs" / "my_graph.py").write_text(example.group(1))
    (project / "tests" / "test_signup.py").write_text(textwrap.dedent(TEST).lstrip())
    result = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)
    assert "failed" not in result.stdout and "error" not in result.stdout, result.stdout
    assert re.search(r"\b\d+ passed", result.stdout), result.stdout

    # The update section's commit works on it (new files included).
    update = shell_block_after(doc, "## Update")
    commit = next(line for line in update.splitlines() if line.startswith("git "))
    run(["sh", "-ec", commit.split("#", 1)[0]], project, env=identity)
    assert run(["git", "status", "--porcelain"], project).stdout == ""
