"""`runs`, `show`, `send`, `resume`, `cancel`: drive runs of a running `serve` over its HTTP API.

A run's fields (active, interrupts, waiting_for, ...) come from its custom status, whose
one definition is `durable.protocol.CustomStatus` (mapped by api/status.py).
"""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from ._common import (
    EXIT_CODES_HELP,
    EXIT_OK,
    URL_ENV,
    ApiClient,
    CliError,
    default_url,
    dumps,
    parse_json,
    quoted,
)


def add_parsers(commands: Any) -> None:
    runs = _parser(
        commands,
        "runs",
        "list runs (newest first)",
        "durable-graph runs\n  durable-graph runs --graph approval --status Running\n"
        "  durable-graph runs --url http://127.0.0.1:8080 --json",
    )
    runs.add_argument("--graph", help="only runs of this graph")
    runs.add_argument("--status", help="comma-separated: Pending,Running,Completed,Failed,...")
    runs.add_argument("--since", metavar="TIME", help="created at or after (ISO 8601)")
    runs.add_argument("--until", metavar="TIME", help="created at or before (ISO 8601)")
    runs.add_argument("--limit", type=int, default=50, help="at most this many (default: 50)")
    runs.add_argument("--json", action="store_true", help="print the runs as JSON")
    runs.set_defaults(handler=list_runs)

    show = _parser(commands, "show", "show one run", "durable-graph show 3f2a9c...")
    show.add_argument("run_id", metavar="RUN_ID")
    show.add_argument("--json", action="store_true", help="print the run resource as JSON")
    show.set_defaults(handler=show_run)

    send = _parser(
        commands,
        "send",
        "send an event to a run",
        "durable-graph send 3f2a9c... manager_approval '{\"approved\": true}'\n"
        "  durable-graph send 3f2a9c... manager_approval @approval.json",
    )
    send.add_argument("run_id", metavar="RUN_ID")
    send.add_argument("event", metavar="EVENT")
    send.add_argument("payload", metavar="JSON", nargs="?", default="null", help="or @FILE")
    send.set_defaults(handler=send_event)

    resume = _parser(
        commands,
        "resume",
        "answer a run's interrupt",
        "durable-graph resume 3f2a9c... '\"yes\"'\n"
        '  durable-graph resume 3f2a9c... \'{"<interrupt id>": {"ok": true}}\'',
    )
    resume.add_argument("run_id", metavar="RUN_ID")
    resume.add_argument("value", metavar="JSON", help="the resume value, or @FILE")
    resume.set_defaults(handler=resume_run)

    cancel = _parser(commands, "cancel", "cancel a run", "durable-graph cancel 3f2a9c...")
    cancel.add_argument("run_id", metavar="RUN_ID")
    cancel.add_argument("--reason", help="recorded with the cancellation")
    cancel.set_defaults(handler=cancel_run)


def _parser(commands: Any, name: str, summary: str, examples: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=f"{summary} (against a running serve)",
        description=f"{summary[0].upper()}{summary[1:]}, through the HTTP API of a running "
        "`durable-graph serve` (or any deployment of the app).",
        epilog=f"examples:\n  {examples}\n\n{EXIT_CODES_HELP}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--url", default=None, help=f"the app's origin (default: ${URL_ENV} or {default_url()})"
    )
    parser.add_argument(
        "--route-prefix", default="api", help="host.json routePrefix (default: api)"
    )
    return parser


def _client(args: argparse.Namespace) -> ApiClient:
    return ApiClient(args.url or default_url(), args.route_prefix)


def list_runs(args: argparse.Namespace, out: TextIO) -> int:
    if args.limit < 1:
        raise CliError(f"--limit must be at least 1, got {args.limit}")
    client = _client(args)
    query = {
        key: value
        for key, value in {
            "graph": args.graph,
            "status": _statuses(args.status),
            "created_from": args.since,
            "created_to": args.until,
        }.items()
        if value
    }
    runs: list[dict[str, Any]] = []
    token = None
    while len(runs) < args.limit:
        page_query = {**query, "page_size": str(min(1000, args.limit - len(runs)))}
        if token:
            page_query["continuation_token"] = token
        page = client.get("runs", **page_query)
        runs.extend(page["runs"])
        token = page.get("continuation_token")
        if not token:
            break
    runs.sort(key=lambda run: str(run.get("created_at") or ""), reverse=True)
    if args.json:
        print(dumps(runs), file=out)
        return EXIT_OK
    if not runs:
        print("no runs", file=out)
        return EXIT_OK
    print(f"{'RUN ID':34} {'GRAPH':16} {'STATUS':11} {'NODE':16} CREATED", file=out)
    for run in runs:
        node = run.get("current_node") or ""
        waiting = run.get("waiting_for") or {}
        if waiting.get("event_name"):
            node = f"{node} (waits {waiting['event_name']})"
        print(
            f"{run['instance_id']:34} {run.get('graph_name') or '':16} "
            f"{run.get('status') or '':11} {node:16} {run.get('created_at') or ''}",
            file=out,
        )
    return EXIT_OK


def show_run(args: argparse.Namespace, out: TextIO) -> int:
    run = _client(args).get(f"runs/{quoted(args.run_id)}")
    if args.json:
        print(dumps(run), file=out)
        return EXIT_OK
    for label, key in (
        ("run", "instance_id"),
        ("graph", "graph_name"),
        ("version", "graph_version"),
        ("status", "status"),
        ("node", "current_node"),
        ("step", "step"),
        ("created", "created_at"),
        ("updated", "updated_at"),
    ):
        print(f"{label + ':':9} {run.get(key)}", file=out)
    if run.get("waiting_for"):
        print(f"waiting:  {dumps(run['waiting_for'])}", file=out)
    for key in ("interrupts", "pending_events"):
        if run.get(key):
            print(f"{key}: {dumps(run[key])}", file=out)
    if run.get("path"):
        print(f"path:     {' -> '.join(run['path'])}", file=out)
    if run.get("error"):
        print(f"error:    {run['error']}", file=out)
    state = run.get("output") if run.get("output") is not None else run.get("state")
    if state is not None:
        print(f"state:\n{dumps(state)}", file=out)
    steps = _client(args).get(f"runs/{quoted(args.run_id)}/steps?page_size=500")["steps"]
    if steps:
        print("steps:", file=out)
        for step in steps:
            print(f"  {describe_step(step)}", file=out)
    return EXIT_OK


def describe_step(step: dict[str, Any]) -> str:
    """One line per superstep: each task's update (or failure), and the event it waited for."""
    parts = []
    for task in step.get("tasks") or []:
        what = (
            f"failed: {task['error']['error_type']}"
            if task.get("error")
            else dumps_line(task.get("update") or {})
        )
        tries = f" ({task['attempts']} attempts)" if task.get("attempts", 1) > 1 else ""
        parts.append(f"{task['node']}{tries} -> {what}")
    event = step.get("event") or {}
    waited = f" | event {event['name']}" if event.get("name") else ""
    return f"#{step['superstep']} {'; '.join(parts)}{waited}"


def dumps_line(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)


def send_event(args: argparse.Namespace, out: TextIO) -> int:
    payload = parse_json(args.payload, "event payload")
    path = f"runs/{quoted(args.run_id)}/events/{quoted(args.event)}"
    _client(args).post(path, payload)
    print(f"sent {args.event} to {args.run_id}", file=out)
    return EXIT_OK


def resume_run(args: argparse.Namespace, out: TextIO) -> int:
    value = parse_json(args.value, "resume value")
    _client(args).post(f"runs/{quoted(args.run_id)}/resume", {"resume": value})
    print(f"resumed {args.run_id}", file=out)
    return EXIT_OK


def cancel_run(args: argparse.Namespace, out: TextIO) -> int:
    body = {"reason": args.reason} if args.reason else None
    _client(args).post(f"runs/{quoted(args.run_id)}/cancel", body)
    print(f"cancelled {args.run_id}", file=out)
    return EXIT_OK


def _statuses(raw: str | None) -> str | None:
    """``running, failed`` -> ``Running,Failed``: the API takes the exact names."""
    if not raw:
        return None
    from ..api.runs_list import RUN_STATUSES

    canonical = {s.lower(): s for s in RUN_STATUSES}
    return ",".join(canonical.get(p.strip().lower(), p.strip()) for p in raw.split(","))
