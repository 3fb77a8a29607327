"""`durable-graph run`: one run of a graph on an in-process host, answered from flags or prompts.

The app is served on a free loopback port with the real Durable SDK replay (the same host
as `serve`), so a run behaves as it would deployed. Events the run waits for and
interrupts it raises are answered from `--event`/`--resume` in order, else asked on a
terminal; with neither, the command stops with exit code 1 and says which flag is missing.
The run's fields come from its custom status: see `durable.protocol.CustomStatus`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import deque
from typing import Any, TextIO

from ._common import (
    EXIT_CODES_HELP,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    ApiClient,
    CliError,
    HttpError,
    dumps,
    parse_json,
    quoted,
)
from ._local import local_app, require_graph
from .progress import ProgressDisplay, make_progress

FINISHED = frozenset({"Completed", "Failed", "Terminated", "Canceled"})
POLL_SECONDS = 0.05
#: How long `run` waits for the step log to catch up with the status (an entity signal).
STEP_LOG_WAIT_SECONDS = 5.0


def add_parser(commands: Any) -> None:
    run = commands.add_parser(
        "run",
        help="run a graph in-process and watch it node by node",
        description="Start one run of GRAPH on an in-process local host (in-memory store "
        "unless --store), show its progress node by node, answer the events it waits for "
        "and the interrupts it raises, and print the final state as JSON on stdout.",
        epilog="examples:\n"
        "  durable-graph run approval --input '{\"amount\": 500}'\n"
        "  durable-graph run approval --input @order.json "
        "--event manager_approval='{\"approved\": true}'\n"
        "  durable-graph run review --input '{}' --resume '\"yes\"' | jq .\n\n" + EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("graph", metavar="GRAPH", help="graph name")
    run.add_argument(
        "app_dir", nargs="?", default=".", metavar="APP_DIR", help="default: the current folder"
    )
    run.add_argument(
        "--input", default="{}", metavar="JSON", help="the input state, or @FILE (default: {})"
    )
    run.add_argument(
        "--event",
        action="append",
        default=[],
        metavar="NAME=JSON",
        help="answer a wait for event NAME with this payload (repeat for more; @FILE works)",
    )
    run.add_argument(
        "--resume",
        action="append",
        default=[],
        metavar="JSON",
        help="answer the next interrupt with this value (repeat for more)",
    )
    run.add_argument("--store", metavar="PATH", help="keep the run in this SQLite file")
    run.add_argument("--no-input", action="store_true", help="never prompt, even on a terminal")
    run.add_argument("--timeout", type=float, default=300.0, help="give up after SECONDS")
    run.set_defaults(handler=run_command)


def _events(specs: list[str]) -> dict[str, deque[Any]]:
    events: dict[str, deque[Any]] = {}
    for spec in specs:
        name, sep, payload = spec.partition("=")
        if not sep or not name:
            raise CliError(f"--event takes NAME=JSON, got {spec!r}")
        events.setdefault(name, deque()).append(parse_json(payload, f"--event {name}"))
    return events


class _Answers:
    """The flags' answers, then the terminal's; None when neither has one."""

    def __init__(self, args: argparse.Namespace, progress: ProgressDisplay, interactive: bool):
        self.events = _events(args.event)
        self.resumes = deque(parse_json(v, "--resume") for v in args.resume)
        self.progress = progress
        self.interactive = interactive

    def event(self, name: str) -> Any:
        queued = self.events.get(name)
        if queued:
            return queued.popleft()
        return self._ask(f"event {name!r} payload (JSON): ", f"--event {name}=JSON")

    def resume(self, interrupt: dict[str, Any]) -> Any:
        if self.resumes:
            return self.resumes.popleft()
        value = json.dumps(interrupt.get("value"))
        return self._ask(
            f"interrupt in {interrupt.get('node')!r}: {value}\n  resume value (JSON): ",
            "--resume JSON",
        )

    def _ask(self, question: str, flag: str) -> Any:
        if not self.interactive:
            raise CliError(f"the run needs an answer: pass {flag}", EXIT_FAILED)
        while True:
            try:
                text = self.progress.ask(question)
            except EOFError:
                raise CliError(f"no answer given: pass {flag}", EXIT_FAILED) from None
            try:
                return json.loads(text)
            except json.JSONDecodeError as exc:
                self.progress.note(f"not JSON ({exc}); try again")


def run_command(args: argparse.Namespace, out: TextIO) -> int:
    state = parse_json(args.input, "--input")
    if not isinstance(state, dict):
        raise CliError(f"--input must be a JSON object, got {type(state).__name__}")
    err = sys.stderr
    interactive = not args.no_input and sys.stdin.isatty() and err.isatty()
    _events(args.event)  # bad flags fail before the app is imported
    with local_app(args.app_dir, args.store) as (_, client):
        require_graph(client, args.graph)
        progress = make_progress(err, live=err.isatty())
        try:
            answers = _Answers(args, progress, interactive)
            run = _drive(client, args, state, progress, answers)
        finally:
            progress.close()
    final = run.get("output") if run.get("output") is not None else run.get("state")
    if final is not None:
        print(dumps(final), file=out)
    return EXIT_OK if run.get("status") == "Completed" else EXIT_FAILED


def _drive(
    client: ApiClient,
    args: argparse.Namespace,
    state: dict[str, Any],
    progress: ProgressDisplay,
    answers: _Answers,
) -> dict[str, Any]:
    try:
        started = client.post(f"graphs/{quoted(args.graph)}/runs", {"input": state})
    except HttpError as exc:
        if exc.status in (400, 422):  # the input is the user's to fix
            exc.code = EXIT_USAGE
        raise
    run_id = str(started["instance_id"])
    path = f"runs/{quoted(run_id)}"
    progress.started(run_id, args.graph)
    began = time.monotonic()
    steps = _StepLines(client, path, progress)
    answered: set[tuple[Any, ...]] = set()
    while True:
        run: dict[str, Any] = client.get(path)
        steps.show()
        if run.get("status") in FINISHED:
            steps.show_until(_step(run))
            steps.show_unrecorded(run)
            progress.finished(run, time.monotonic() - began)
            return run
        waiting = run.get("waiting_for") or {}
        name = waiting.get("event_name")
        if name and (_step(run), name) not in answered:
            steps.show_until(_step(run))  # the step that waits comes before what answers it
            answered.add((_step(run), name))
            payload = answers.event(name)
            client.post(f"{path}/events/{quoted(name)}", payload)
            progress.note(f"sent {name} {json.dumps(payload)}")
        for interrupt in run.get("interrupts") or []:
            key = ("interrupt", interrupt.get("id"))
            if key not in answered:
                steps.show_until(_step(run) - 1)  # the interrupted step is not recorded yet
                answered.add(key)
                value = answers.resume(interrupt)
                client.post(f"{path}/resume", {"resume": {str(interrupt.get("id")): value}})
                progress.note(f"resumed {interrupt.get('node')} with {json.dumps(value)}")
        if time.monotonic() - began > args.timeout:
            raise CliError(
                f"run {run_id} still {run.get('status')} after {args.timeout}s", EXIT_FAILED
            )
        time.sleep(POLL_SECONDS)


class _StepLines:
    """One line per node of each recorded step, read from the run's step log in order.

    The step log (GET /api/runs/{id}/steps) holds every superstep once, in order, so no
    step is missed between two polls or shown out of place. It is written by an entity
    signal and may lag the run's status a little: `show_until` waits for it, briefly.
    """

    def __init__(self, client: ApiClient, path: str, progress: ProgressDisplay) -> None:
        self._client = client
        self._path = path
        self._progress = progress
        self.next = 1  # the first superstep not shown yet
        self.recorded = True  # until the API says this run keeps no step log

    def show(self) -> None:
        while self.recorded:
            page = self._client.get(f"{self._path}/steps", from_step=str(self.next))
            self.recorded = page.get("step_log") is not False
            for step in page.get("steps") or []:
                for node in step.get("nodes") or []:
                    self._progress.node(int(step["superstep"]), str(node))
                self.next = int(step["superstep"]) + 1
            if page.get("next_from_step") is None:
                return

    def show_until(self, superstep: Any, seconds: float = STEP_LOG_WAIT_SECONDS) -> None:
        """Show steps up to `superstep`, waiting up to `seconds` for the log to catch up."""
        deadline = time.monotonic() + seconds
        while True:
            self.show()
            if not self.recorded or not isinstance(superstep, int) or self.next > superstep:
                return
            if time.monotonic() > deadline:
                return  # the log is late: the rest shows on the next poll
            time.sleep(POLL_SECONDS)

    def show_unrecorded(self, run: dict[str, Any]) -> None:
        """A finished run whose steps were not recorded: its path, numbered when it can be."""
        if self.recorded:
            return
        self._progress.note("this app records no step log (step_log=False): the run's path")
        path = run.get("path") or []
        numbered = _step(run) == len(path)  # one node per superstep: step n ran path[n-1]
        for n, node in enumerate(path, 1):
            self._progress.node(n if numbered else None, str(node))


def _step(run: dict[str, Any]) -> Any:
    """The superstep (engine v2) or step (0.1.0 runs) the run is at."""
    return run.get("superstep") if run.get("superstep") is not None else run.get("step")
