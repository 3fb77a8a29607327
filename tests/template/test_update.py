"""`copier update` from v0.1.0 to v0.2.0 of the template on a project its user changed.

The user adds a graph (and its test), tunes the example graph and edits
function_app.py; the template then bumps the runtime, changes a template-owned
file, the shared function_app.py and the example graph. After the update the
runtime and template files are new, every user change is intact, and nothing is
left to merge by hand. `copier update` exits 0 even when it leaves conflicts, so
the test looks for conflict markers and *.rej files itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from tests.template.support import (
    RUNTIME_PACKAGE,
    TEMPLATE_ROOT,
    commit_all,
    copier_copy,
    git,
    make_template_repo,
    run,
    tracked_text_files,
)

USER_GRAPH = '''"""A graph the user added after generating the service."""

from azure_functions_durable_graph import ManifestBuilder
from pydantic import BaseModel


class Order(BaseModel):
    item: str
    approved: bool = False


def approve(state: Order) -> dict[str, bool]:
    return {"approved": True}


builder = ManifestBuilder(graph_name="purchase_order", state_model=Order)
builder.set_entrypoint("approve")
builder.add_node("approve", approve, terminal=True)
registration = builder.build()
'''

USER_TEST = """from conftest import GraphService


def test_purchase_order_is_approved(service: GraphService) -> None:
    instance_id = service.start("purchase_order", {"item": "chair"})

    run = service.wait_finished(instance_id)

    assert run["output"] == {"item": "chair", "approved": True}
"""

USER_FUNCTION = '''

@app.route(route="ping", auth_level=func.AuthLevel.ANONYMOUS)
def ping(req: func.HttpRequest) -> func.HttpResponse:
    """Added by the user: a liveness probe outside the graph API."""
    return func.HttpResponse("pong")
'''

TEMPLATE_DOCSTRING = (
    '"""The Function App: every graph module in graphs/ registered on one DurableGraphApp.'
)
NEW_TEMPLATE_DOCSTRING = (
    '"""The Function App: each graph module in graphs/, served by one DurableGraphApp.'
)

HARNESS_DOCSTRING = '"""Test harness: the whole app on the local Durable host, in-process.'
NEW_HARNESS_DOCSTRING = '"""Test harness: the whole app on the local Durable host, in this process.'


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


@pytest.fixture(scope="module")
def updated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("update")
    template = make_template_repo(root / "template", tag="v0.1.0")
    project = copier_copy(
        template, root / "service", {"project_name": "Expenses"}, vcs_ref="v0.1.0"
    )
    git(project, "init", "-q")
    commit_all(project, "generated from v0.1.0")

    # The user's changes.
    (project / "graphs" / "purchase_order.py").write_text(USER_GRAPH)
    (project / "tests" / "test_purchase_order.py").write_text(USER_TEST)
    replace_in(
        project / "graphs" / "expense_approval.py",
        "AUTO_APPROVAL_LIMIT = 100.0",
        "AUTO_APPROVAL_LIMIT = 150.0",
    )
    with (project / "function_app.py").open("a") as function_app:
        function_app.write(USER_FUNCTION)
    replace_in(project / "tests" / "test_service.py", "as JSON.", "as JSON (edited).")
    commit_all(project, "user changes")

    # The template's next release.
    replace_in(
        template / RUNTIME_PACKAGE / "__init__.py",
        '__version__ = "0.1.0"',
        '__version__ = "0.2.0"',
    )
    # A file the new runtime no longer ships: the update must remove the vendored copy.
    (template / RUNTIME_PACKAGE / "py.typed").unlink()
    replace_in(
        template / TEMPLATE_ROOT / "host.json.jinja",
        '"default": "Information"',
        '"default": "Warning"',
    )
    replace_in(
        template / TEMPLATE_ROOT / "function_app.py.jinja",
        TEMPLATE_DOCSTRING,
        NEW_TEMPLATE_DOCSTRING,
    )
    example = next((template / TEMPLATE_ROOT / "graphs").glob("*expense_approval.py*"))
    replace_in(example, "AUTO_APPROVAL_LIMIT = 100.0", "AUTO_APPROVAL_LIMIT = 75.0")
    replace_in(
        template / TEMPLATE_ROOT / "tests" / "conftest.py.jinja",
        HARNESS_DOCSTRING,
        NEW_HARNESS_DOCSTRING,
    )
    replace_in(
        template / TEMPLATE_ROOT / "tests" / "test_service.py.jinja",
        "as JSON.",
        "as JSON (v0.2.0).",
    )
    commit_all(template, "template v0.2.0", tag="v0.2.0")

    result = run(
        [sys.executable, "-m", "copier", "update", "--defaults", "--trust", "--vcs-ref=v0.2.0"],
        project,
    )
    assert result.returncode == 0
    return template, project


def files_of(folder: Path) -> dict[str, bytes]:
    # Bytes: the runtime ships binary package data (the inspector's gzipped Mermaid bundle).
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_runtime_and_template_files_are_updated(updated: tuple[Path, Path]) -> None:
    template, project = updated
    vendored = project / "azure_functions_durable_graph"

    assert '__version__ = "0.2.0"' in (vendored / "__init__.py").read_text()
    # The vendored copy is exactly the new runtime: changed, added and removed files alike.
    assert not (vendored / "py.typed").exists()
    assert files_of(vendored) == files_of(template / RUNTIME_PACKAGE)
    assert '"default": "Warning"' in (project / "host.json").read_text()
    assert NEW_HARNESS_DOCSTRING in (project / "tests" / "conftest.py").read_text()
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_commit"] == "v0.2.0"


def test_user_changes_survive(updated: tuple[Path, Path]) -> None:
    _, project = updated
    function_app = (project / "function_app.py").read_text()

    assert (project / "graphs" / "purchase_order.py").read_text() == USER_GRAPH
    assert (project / "tests" / "test_purchase_order.py").read_text() == USER_TEST
    # Test modules belong to the user too: their edit stays, the template's is not applied.
    assert "as JSON (edited)." in (project / "tests" / "test_service.py").read_text()
    # graphs/ belongs to the user: the template's new example limit is not applied.
    assert "AUTO_APPROVAL_LIMIT = 150.0" in (project / "graphs" / "expense_approval.py").read_text()
    # function_app.py is shared: the template's change and the user's edit are both there.
    assert USER_FUNCTION.strip() in function_app
    assert NEW_TEMPLATE_DOCSTRING in function_app


def test_nothing_is_left_to_merge_by_hand(updated: tuple[Path, Path]) -> None:
    _, project = updated
    files = tracked_text_files(project)

    assert not [path for path in files if path.suffix in {".rej", ".orig"}]
    conflicted = [
        path
        for path in files
        if "<<<<<<<" in path.read_text(errors="replace")
        or ">>>>>>>" in path.read_text(errors="replace")
    ]
    assert not conflicted
    assert not [path for path in files if "__pycache__" in path.parts]


@pytest.mark.slow
def test_generated_tests_still_pass(updated: tuple[Path, Path]) -> None:
    _, project = updated

    result = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)

    assert "12 passed" in result.stdout, result.stdout


def test_pip_pin_follows_the_template_release(tmp_path: Path) -> None:
    template = make_template_repo(tmp_path / "template", tag="v0.1.0")
    project = copier_copy(
        template, tmp_path / "service", {"runtime_install": "pip"}, vcs_ref="v0.1.0"
    )
    git(project, "init", "-q")
    commit_all(project, "generated from v0.1.0")
    assert "azure-functions-durable-graph==0.1.0" in (project / "requirements.txt").read_text()
    replace_in(template / "copier.yml", 'default: "0.1.0"', 'default: "0.2.0"')
    commit_all(template, "release 0.2.0", tag="v0.2.0")

    run(
        [sys.executable, "-m", "copier", "update", "--defaults", "--trust", "--vcs-ref=v0.2.0"],
        project,
    )

    requirements = (project / "requirements.txt").read_text().splitlines()
    assert "azure-functions-durable-graph==0.2.0" in requirements
    assert not (project / "azure_functions_durable_graph").exists()


def test_dropping_the_example_is_an_answer_that_lasts(tmp_path: Path) -> None:
    # Deleting the example by hand is not enough (copier recreates missing user files);
    # the generated README says to answer include_examples=false instead.
    template = make_template_repo(tmp_path / "template", tag="v0.1.0")
    project = copier_copy(template, tmp_path / "service", {}, vcs_ref="v0.1.0")
    git(project, "init", "-q")
    commit_all(project, "generated from v0.1.0")
    example = [
        project / "graphs" / "expense_approval.py",
        project / "tests" / "test_expense_approval.py",
    ]
    assert "--data include_examples=false" in (project / "README.md").read_text()

    copier_update = [sys.executable, "-m", "copier", "update", "--defaults", "--trust"]
    run([*copier_update, "--data=include_examples=false"], project)
    commit_all(project, "drop the example")
    template_example = next((template / TEMPLATE_ROOT / "graphs").glob("*expense_approval.py*"))
    replace_in(template_example, "AUTO_APPROVAL_LIMIT = 100.0", "AUTO_APPROVAL_LIMIT = 75.0")
    commit_all(template, "template v0.2.0", tag="v0.2.0")
    run([*copier_update, "--vcs-ref=v0.2.0"], project)

    assert [path.exists() for path in example] == [False, False]
    assert (
        yaml.safe_load((project / ".copier-answers.yml").read_text())["include_examples"] is False
    )
    assert (project / "graphs" / "__init__.py").is_file()


def test_update_works_after_a_copy_from_a_relative_path(tmp_path: Path) -> None:
    # copier keeps the source path as typed and `copier update` reads it from the project's
    # folder; the answers file stores a relative local path made absolute.
    make_template_repo(tmp_path / "templates" / "graph-template", tag="v0.1.0")
    copier = [sys.executable, "-m", "copier"]
    run(
        [*copier, "copy", "--defaults", "--quiet", "graph-template", "../my-service"],
        tmp_path / "templates",
    )
    project = tmp_path / "my-service"
    git(project, "init", "-q")
    commit_all(project, "generated from v0.1.0")
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_src_path"] == str((tmp_path / "templates" / "graph-template").resolve())
    template = tmp_path / "templates" / "graph-template"
    replace_in(
        template / TEMPLATE_ROOT / "host.json.jinja",
        '"default": "Information"',
        '"default": "Warning"',
    )
    commit_all(template, "template v0.2.0", tag="v0.2.0")

    run([*copier, "update", "--defaults", "--trust"], project)

    assert '"default": "Warning"' in (project / "host.json").read_text()
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "v0.2.0"
