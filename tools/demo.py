"""`make demo`: generate a graph service from the template and run its example graph.

It generates build/demo from this working tree (no network), starts the local
Durable host on it (`python -m azure_functions_durable_graph serve`, from the
app folder, so the vendored runtime is the one that runs), shows the graph's
Mermaid diagram when the API serves one, starts an expense_approval run, prints
each step it takes, approves it when it waits, prints the path it took and its
final state, and stops the host. Exit status 0 only if the run completed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
GRAPH = "expense_approval"
EXPENSE = {"employee": "ada", "amount": 250, "description": "Conference ticket"}
APPROVAL = {"approved": True, "approver": "grace", "comment": "Enjoy the talks"}
FINISHED = {"Completed", "Failed", "Terminated", "Canceled"}
# Steps take milliseconds on the local host: poll often so that few go unseen.
POLL_SECONDS = 0.005
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class DemoError(Exception):
    """A step of the demo failed; the message says which and why."""


def generate(dest: Path) -> None:
    """copier copy with the defaults, from a staged copy of the working tree."""
    from copier import run_copy

    with tempfile.TemporaryDirectory(prefix="durable-graph-template-") as staging:
        stage = Path(staging)
        shutil.copy2(REPO_ROOT / "copier.yml", stage / "copier.yml")
        # runtime/ is the template's root: the runtime package and the template files.
        shutil.copytree(
            REPO_ROOT / "runtime",
            stage / "runtime",
            ignore=shutil.ignore_patterns("__pycache__", "*.py[co]", "*.egg-info"),
        )
        if dest.exists():
            if not (dest / ".copier-answers.yml").is_file():
                raise DemoError(f"{dest} exists and is not a generated service; not replacing it")
            shutil.rmtree(dest)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # copier's cleanup notes; failures still raise
            run_copy(
                str(stage), str(dest), data={"project_name": "Demo"}, defaults=True, quiet=True
            )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def call(base_url: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """One JSON request; returns (status, parsed body) for any HTTP status."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        base_url + path, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with _NO_PROXY.open(request, timeout=10) as reply:
            status, text = reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode()
    return status, json.loads(text) if text else None


def expect(status: int, body: Any, wanted: int, what: str) -> Any:
    if status != wanted:
        raise DemoError(f"{what}: expected HTTP {wanted}, got {status}: {json.dumps(body)}")
    return body


def wait_until_ready(host: subprocess.Popen[str], base_url: str, log: Path) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if host.poll() is not None:
            raise DemoError(f"the host exited with code {host.returncode}:\n{tail(log)}")
        try:
            status, body = call(base_url, "GET", "/api/health")
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
            continue
        result: dict[str, Any] = expect(status, body, 200, "GET /api/health")
        return result
    raise DemoError(f"the host did not answer on {base_url} within 60s:\n{tail(log)}")


def tail(log: Path, lines: int = 20) -> str:
    text = log.read_text(errors="replace") if log.exists() else ""
    return "\n".join("    " + line for line in text.splitlines()[-lines:])


class Progress:
    """Turns successive GET /api/runs/{id} bodies into one line per step, in order, once.

    A step can start and finish between two polls. The run's `path` (the nodes it
    executed, reported when it finishes) names such steps, so lines wait until every
    earlier step has a name; a step no poll saw and no path names is shown as unobserved,
    never guessed.
    """

    def __init__(self) -> None:
        self.names: dict[int, str] = {}  # step number -> node, as seen or reported
        self.waits: dict[int, dict[str, str]] = {}  # step -> the event it waited for after
        self.last_step = 0
        self.printed = 0  # steps printed so far
        self.waits_printed: set[int] = set()

    def update(self, run: dict[str, Any]) -> list[str]:
        step = int(run.get("step") or 0)
        if step and run.get("current_node"):
            self.names.setdefault(step, str(run["current_node"]))
        self.names.update(enumerate(run_path(run) or [], start=1))
        if run.get("waiting_for"):
            self.waits.setdefault(step, run["waiting_for"])
        self.last_step = max(self.last_step, step)
        finished = run["status"] in FINISHED
        lines: list[str] = []
        while self.printed < self.last_step and (finished or self.printed + 1 in self.names):
            self.printed += 1
            node = self.names.get(self.printed, "(not seen: it ran between two polls)")
            lines.append(f"  step {self.printed}  {node}")
            lines += self._wait_line(self.printed)
        lines += self._wait_line(step)  # a wait seen after its step was printed
        if finished:
            lines.append(f"  {run['status']}")
        return lines

    def _wait_line(self, step: int) -> list[str]:
        wait = self.waits.get(step)
        if wait is None or step > self.printed or step in self.waits_printed:
            return []
        self.waits_printed.add(step)
        line = f"          waiting for '{wait['event_name']}' (resumes at {wait['resume_node']})"
        if wait.get("timeout_node"):
            line += f" until {wait['deadline']}, then {wait['timeout_node']}"
        return [line]

    def path_line(self, run: dict[str, Any]) -> str | None:
        """`review -> (manager_approval) -> apply_decision -> ...`, if the run reports its path."""
        path = run_path(run)
        if path is None:
            return None
        parts: list[str] = []
        for number, node in enumerate(path, start=1):
            parts.append(node)
            wait = self.waits.get(number)
            if wait is not None:
                timed_out = number < len(path) and path[number] != wait["resume_node"]
                parts.append(f"({wait['event_name']}{' timed out' if timed_out else ''})")
        return " -> ".join(parts)


def run_path(run: dict[str, Any]) -> list[str] | None:
    """The executed node names (runtimes that report them do so once the run finishes)."""
    path = run.get("path")
    if not isinstance(path, list):
        return None
    return [node if isinstance(node, str) else json.dumps(node) for node in path]


def mermaid_of(graph: Any) -> str | None:
    """The graph's Mermaid diagram from GET /api/graphs/{name}, when the runtime serves one."""
    diagram = graph.get("diagram") if isinstance(graph, dict) else None
    text = diagram.get("mermaid") if isinstance(diagram, dict) else None
    return text.strip() if isinstance(text, str) and text.strip() else None


def show_graph(base_url: str) -> None:
    status, graph = call(base_url, "GET", f"/api/graphs/{GRAPH}")
    diagram = mermaid_of(graph) if status == 200 else None
    if diagram:
        print(f"\nThe {GRAPH} graph (Mermaid, GET /api/graphs/{GRAPH}):")
        print("\n".join("    " + line for line in diagram.splitlines()))


def follow_run(base_url: str) -> tuple[dict[str, Any], Progress]:
    """Start a run, print each step as it starts, approve the run when it waits."""
    print(f"\nPOST /api/graphs/{GRAPH}/runs  {json.dumps(EXPENSE)}")
    started = expect(
        *call(base_url, "POST", f"/api/graphs/{GRAPH}/runs", {"input": EXPENSE}), 202, "start"
    )
    instance_id = started["instance_id"]
    print(f"  run {instance_id} accepted")
    progress = Progress()
    approved = False
    run: dict[str, Any] = {}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        run = expect(*call(base_url, "GET", f"/api/runs/{instance_id}"), 200, "GET run")
        for line in progress.update(run):
            print(line, flush=True)
        if run["status"] in FINISHED:
            return run, progress
        waiting = run.get("waiting_for")
        if waiting and not approved:
            event = waiting["event_name"]
            print(f"POST /api/runs/{instance_id}/events/{event}  {json.dumps(APPROVAL)}")
            expect(
                *call(base_url, "POST", f"/api/runs/{instance_id}/events/{event}", APPROVAL),
                202,
                "send the approval event",
            )
            approved = True
        time.sleep(POLL_SECONDS)
    raise DemoError(f"run {instance_id} did not finish within 60s; last seen: {json.dumps(run)}")


def stop(host: subprocess.Popen[str]) -> str | None:
    """Ctrl+C, as a user would; returns what went wrong, if anything."""
    if host.poll() is None:
        host.send_signal(signal.SIGINT)
        try:
            host.wait(timeout=15)
        except subprocess.TimeoutExpired:
            host.kill()
            host.wait()
            return "the host did not stop within 15s of Ctrl+C; killed it"
    return None if host.returncode == 0 else f"the host exited with code {host.returncode}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=REPO_ROOT / "build" / "demo")
    args = parser.parse_args(argv)
    dest: Path = args.dest.resolve()
    shown = dest.relative_to(REPO_ROOT) if dest.is_relative_to(REPO_ROOT) else dest

    try:
        print(f"Generating a graph service from the template into {shown}/ ...")
        generate(dest)
    except Exception as error:  # copier's errors have no common base worth naming
        print(f"demo failed: could not generate the service: {error}", file=sys.stderr)
        return 1

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "azure_functions_durable_graph",
        "serve",
        ".",
        "--port",
        str(port),
    ]
    print(
        f"Starting the local Durable host: cd {shown} && "
        f"python -m azure_functions_durable_graph serve --port {port}"
    )
    log = dest / ".durable-graph" / "serve.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    with log.open("w") as log_file:
        host = subprocess.Popen(
            command, cwd=dest, stdout=log_file, stderr=subprocess.STDOUT, text=True, env=env
        )
        run: dict[str, Any] | None = None
        progress = Progress()
        try:
            health = wait_until_ready(host, base_url, log)
            names = ", ".join(graph["graph_name"] for graph in health.get("graphs", []))
            print(f"  ready at {base_url}  graphs: {names or 'none'}")
            show_graph(base_url)
            run, progress = follow_run(base_url)
        except DemoError as error:
            print(f"demo failed: {error}", file=sys.stderr)
        finally:
            print("Stopping the host (Ctrl+C) ...", end=" ", flush=True)
            problem = stop(host)
            print("stopped." if problem is None else "failed.")
    if problem is not None:
        print(f"demo failed: {problem}\n{tail(log)}", file=sys.stderr)
        return 1
    if run is None:
        return 1
    if run["status"] != "Completed":
        print(
            f"demo failed: the run ended {run['status']}: {json.dumps(run.get('error'))}",
            file=sys.stderr,
        )
        return 1
    print(f"\nCompleted at '{run['current_node']}' after {run['step']} steps.")
    path = progress.path_line(run)
    if path:
        print(f"Path: {path}")
    print("Final state:")
    print(json.dumps(run["output"], indent=2))
    # The interpreter running this demo has what the service's tests need (make venv);
    # a bare `pytest` may be another Python's, without them.
    python = os.path.relpath(sys.executable, dest)
    print(f"\nThe service is in {shown}/: see its README.md. Run its tests with:")
    print(f"  cd {shown} && {python} -m pytest")
    return 0


if __name__ == "__main__":
    sys.exit(main())
