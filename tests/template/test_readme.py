"""The generated README's "Run it locally" section, followed to the letter: its serve
command starts the app, its curl commands drive the example, and every option it or the
VS Code launch settings pass to `serve` is one the CLI has."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import eventually
from tests.template.support import clean_env, copier_copy, run

README_PORT = "7071"


def section(readme: str, title: str) -> str:
    return readme.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def shell_commands(text: str) -> list[str]:
    """The commands of the ```sh blocks: continuations joined, trailing comments dropped."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL):
        for line in block.replace("\\\n", " ").splitlines():
            command = re.sub(r"\s+#.*$", "", line).strip()
            if command:
                commands.append(command)
    return commands


def free_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


@pytest.fixture(scope="module", params=["vendored", "pip"])
def project(
    request: pytest.FixtureRequest, template_repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    data = {"runtime_install": request.param}
    return copier_copy(template_repo, tmp_path_factory.mktemp("readme") / "service", data)


def serve_command(project: Path) -> list[str]:
    """The README's serve command, on this interpreter (its venv has what the README installs)."""
    line = next(
        command
        for command in shell_commands(
            section((project / "README.md").read_text(), "Run it locally")
        )
        if " serve" in command
    )
    words = shlex.split(line)
    if words[0] == "python":
        return [sys.executable, *words[1:]]
    script = Path(sys.executable).with_name(words[0])
    assert script.is_file(), f"the README's {words[0]!r} is not installed next to {sys.executable}"
    return [str(script), *words[1:]]


def serve_options(project: Path) -> set[str]:
    help_text = run([*serve_command(project), "--help"], project).stdout
    return set(re.findall(r"--[a-z][a-z-]*", help_text))


def test_serve_options_in_the_readme_and_launch_settings_exist(project: Path) -> None:
    local = section((project / "README.md").read_text(), "Run it locally")
    launch = json.loads((project / ".vscode" / "launch.json").read_text())
    serve_args = [
        arg
        for config in launch["configurations"]
        if config.get("module") == "azure_functions_durable_graph"
        for arg in config["args"]
    ]

    mentioned = set(re.findall(r"--[a-z][a-z-]*", local)) | {
        arg for arg in serve_args if arg.startswith("--")
    }

    assert serve_args[0] == "serve"
    assert mentioned, "the README names no serve option"
    assert mentioned <= serve_options(project)


@pytest.fixture
def served(project: Path) -> Iterator[str]:
    """The README's serve command running from the project folder, on a free port."""
    port = free_port()
    log = project / "serve.log"
    with log.open("w") as output:
        host = subprocess.Popen(
            [*serve_command(project), "--port", port],
            cwd=project,
            env=clean_env(),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        eventually(lambda: curl(f"curl -s localhost:{port}/api/health", project)[0] == 200, 30)
        yield port
    finally:
        host.send_signal(signal.SIGINT)
        host.wait(timeout=15)
    assert host.returncode == 0, log.read_text()


def curl(command: str, cwd: Path) -> tuple[int, Any]:
    """Run a curl command line as a shell would; (HTTP status, JSON body, text or None)."""
    result = subprocess.run(
        ["bash", "-c", command + " -w '\\n%{http_code}'"],
        cwd=cwd,
        env={**clean_env(), "NO_PROXY": "*", "no_proxy": "*"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    body, _, status = result.stdout.rpartition("\n")
    try:
        return int(status or 0), json.loads(body) if body.strip() else None
    except ValueError:  # not JSON (a host still starting): the text, for the failure message
        return int(status or 0), body


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_readme_curl_commands_drive_the_example(project: Path, served: str) -> None:
    local = section((project / "README.md").read_text(), "Run it locally")
    curls = [
        command.replace(f"localhost:{README_PORT}", f"localhost:{served}")
        for command in shell_commands(local)
        if command.startswith("curl ")
    ]
    assert len(curls) == 5, curls
    list_graphs, start, get_run, approve, openapi = curls

    status, graphs = curl(list_graphs, project)
    assert status == 200
    assert [graph["graph_name"] for graph in graphs["graphs"]] == ["expense_approval"]
    status, started = curl(start, project)
    assert status == 202, started
    get_run = get_run.replace("<instance_id>", started["instance_id"])
    # As the README's comment says: the run waits for the manager's approval.
    eventually(lambda: (curl(get_run, project)[1].get("waiting_for") or {}).get("event_name"))
    assert curl(get_run, project)[1]["waiting_for"]["event_name"] == "manager_approval"
    status, _ = curl(approve.replace("<instance_id>", started["instance_id"]), project)
    assert status == 202
    finished = eventually(
        lambda: (run := curl(get_run, project)[1])["status"] == "Completed" and run
    )
    assert finished["output"]["approver"] == "grace"
    status, document = curl(openapi, project)
    assert status == 200
    assert document["openapi"].startswith("3.")
