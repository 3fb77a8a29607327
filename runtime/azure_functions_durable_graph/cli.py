"""The `durable-graph` command.

    durable-graph serve [APP_DIR] [--port 7071] [--host 127.0.0.1] [--store PATH | --in-memory]
                        [--keys]

`serve` does what `func start` does for a Python v2 Durable app, without
Core Tools, extension bundles or a storage emulator: it loads
local.settings.json and host.json, imports function_app.py, prints each
function with its URL and serves until Ctrl+C or SIGTERM.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, TextIO

from . import __version__

if TYPE_CHECKING:
    from .local.host import LocalHost

EXIT_USAGE = 2
#: The key `serve --keys` wants; a fresh random one at each start when unset.
KEY_VARIABLE = "DURABLE_GRAPH_FUNCTION_KEY"
_QUIET_LOGGERS = ("aiohttp", "asyncio", "urllib3", "azure")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="durable-graph",
        description="Run and develop Azure Durable Functions apps locally, without Core Tools.",
    )
    parser.add_argument("--version", action="version", version=f"durable-graph {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    serve = commands.add_parser(
        "serve",
        help="serve a Functions app folder (like `func start`)",
        description=(
            "Serve a Python v2 Functions app: its HTTP triggers under the host.json route "
            "prefix, its orchestrators and activities, and the Durable management API under "
            "/runtime/webhooks/durabletask/. No function keys are required unless --keys. "
            "State is kept in "
            "SQLite, so a restart resumes unfinished orchestrations."
        ),
    )
    serve.add_argument(
        "app_dir",
        nargs="?",
        default=".",
        metavar="APP_DIR",
        help="folder holding function_app.py (default: the current folder)",
    )
    serve.add_argument("--port", type=int, default=7071, help="port to listen on (default: 7071)")
    serve.add_argument(
        "--max-activities",
        type=int,
        default=8,
        metavar="N",
        help="activities that may run at the same time (default: 8)",
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default: 127.0.0.1, this machine only)",
    )
    serve.add_argument(
        "--keys",
        action="store_true",
        help="require the function key (?code= or x-functions-key) on routes that are not "
        f"anonymous and on the Durable API, as on Azure; the key is ${KEY_VARIABLE} or a "
        "random one printed at start (default: no keys, like func start)",
    )
    store = serve.add_mutually_exclusive_group()
    store.add_argument(
        "--store",
        metavar="PATH",
        help="SQLite file for instances and history "
        "(default: APP_DIR/.durable-graph/store.sqlite3)",
    )
    store.add_argument(
        "--in-memory",
        action="store_true",
        help="keep state in memory only: everything is lost at exit",
    )
    return parser


def _configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="[%(asctime)s] %(message)s", stream=sys.stderr)
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def _fail(message: str, stream: TextIO) -> int:
    print(f"durable-graph: error: {message}", file=stream)
    return EXIT_USAGE


def _print_banner(host: LocalHost, out: TextIO) -> None:
    print(f"durable-graph {__version__}: local Functions + Durable host (no Core Tools)", file=out)
    print(f"App folder: {host.app_dir}", file=out)
    print(f"Task hub:   {host.settings.hub_name}", file=out)
    print(f"Store:      {host.store_path}", file=out)
    print("\nFunctions:\n", file=out)
    for function in host.functions:
        print(f"        {function.describe()}\n", file=out)
    print(f"Durable management API: {host.base_url}/runtime/webhooks/durabletask/", file=out)
    if host.function_key is not None:
        print(f"Function key (?code= or x-functions-key): {host.function_key}", file=out)
    print("Press Ctrl+C to stop.", file=out, flush=True)


def serve(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the host until SIGINT/SIGTERM; 0 after a clean stop, 2 when it cannot start."""
    out = out or sys.stdout
    err = err or sys.stderr
    from .local.errors import LocalHostError
    from .local.host import MEMORY, LocalHost

    app_dir = Path(args.app_dir)
    if not app_dir.is_dir():
        return _fail(f"app folder {app_dir} does not exist", err)
    if not (app_dir / "function_app.py").is_file():
        return _fail(
            f"{app_dir.resolve()} has no function_app.py: expected a Python v2 Functions app "
            "(run serve in the app folder or pass APP_DIR)",
            err,
        )
    if not 0 <= args.port <= 65535:
        return _fail(f"--port must be between 0 and 65535, got {args.port}", err)
    if args.max_activities < 1:
        return _fail(f"--max-activities must be at least 1, got {args.max_activities}", err)

    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    host = LocalHost(
        app_dir,
        store=MEMORY if args.in_memory else args.store,
        host=args.host,
        port=args.port,
        max_activity_concurrency=args.max_activities,
        function_key=(os.environ.get(KEY_VARIABLE) or secrets.token_urlsafe(24))
        if args.keys
        else None,
    )
    try:
        try:
            host.start()
        except LocalHostError as exc:
            return _fail(str(exc), err)
        except OSError as exc:
            return _fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", err)
        _configure_logging()
        _print_banner(host, out)
        while not stop.wait(0.5):
            pass
        print("Stopping...", file=out, flush=True)
        return 0
    finally:
        host.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return EXIT_USAGE  # pragma: no cover - argparse rejects unknown commands first
