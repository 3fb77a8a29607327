"""`durable-graph serve`: a Functions app folder on the local host, like `func start`.

It loads local.settings.json and host.json, imports function_app.py, prints each function
and each graph with its URL, and serves until Ctrl+C or SIGTERM. `--reload` restarts the
app when a Python file under APP_DIR changes; the SQLite store stays, so runs in flight
carry on in the new code.
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
from typing import TYPE_CHECKING, Any, TextIO

from .. import __version__
from ._common import EXIT_CODES_HELP, EXIT_OK, EXIT_USAGE, ApiClient, CliError

if TYPE_CHECKING:
    from ..local.host import LocalHost

_QUIET_LOGGERS = ("aiohttp", "asyncio", "urllib3", "azure", "watchfiles")
#: The key `serve --keys` wants; a fresh random one at each start when unset.
KEY_VARIABLE = "DURABLE_GRAPH_FUNCTION_KEY"
INSPECTOR_PATH = "/_inspector/"


def add_parser(commands: Any) -> argparse.ArgumentParser:
    serve: argparse.ArgumentParser = commands.add_parser(
        "serve",
        help="serve a Functions app folder (like `func start`)",
        description=(
            "Serve a Python v2 Functions app: its HTTP triggers under the host.json route "
            "prefix, its orchestrators and activities, and the Durable management API under "
            "/runtime/webhooks/durabletask/. No function keys are required unless --keys. "
            "State is kept in SQLite, so a restart resumes unfinished orchestrations. "
            f"The run inspector page is at {INSPECTOR_PATH} "
            "(answers requests from this machine only)."
        ),
        epilog="examples:\n  durable-graph serve\n  durable-graph serve my_service --port 8080\n"
        "  durable-graph serve --reload            # restart on *.py changes\n\n" + EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
    serve.add_argument(
        "--reload",
        action="store_true",
        help="restart the app when a .py file under APP_DIR changes (needs the `cli` extra; "
        "the store is kept, so not with --in-memory)",
    )
    serve.set_defaults(handler=serve_command)
    return serve


def _configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="[%(asctime)s] %(message)s", stream=sys.stderr)
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def _print_banner(host: LocalHost, out: TextIO) -> None:
    print(f"durable-graph {__version__}: local Functions + Durable host (no Core Tools)", file=out)
    print(f"App folder: {host.app_dir}", file=out)
    print(f"Task hub:   {host.settings.hub_name}", file=out)
    print(f"Store:      {host.store_path}", file=out)
    print("\nFunctions:\n", file=out)
    for function in host.functions:
        print(f"        {function.describe()}\n", file=out)
    graphs = _graphs(host)
    if graphs:
        print("Graphs:\n", file=out)
        client = ApiClient(host.base_url, host.settings.route_prefix)
        for name, version in graphs:
            print(
                f"        {name} (version {version}): POST {client.api}/graphs/{name}/runs",
                file=out,
            )
        print(f"\nRun inspector: {host.base_url}{INSPECTOR_PATH}", file=out)
    print(f"Durable management API: {host.base_url}/runtime/webhooks/durabletask/", file=out)
    if host.function_key is not None:
        print(f"Function key (?code= or x-functions-key): {host.function_key}", file=out)
    print("Press Ctrl+C to stop.", file=out, flush=True)


def _graphs(host: LocalHost) -> list[tuple[str, str]]:
    """The graphs the app serves (none when it has no graph API)."""
    client = ApiClient(host.base_url, host.settings.route_prefix, timeout=10)
    try:
        body = client.get("graphs")
    except CliError:
        return []
    if not isinstance(body, dict):
        return []
    return [(str(g["graph_name"]), str(g.get("version"))) for g in body.get("graphs", [])]


def _check(args: argparse.Namespace) -> Path:
    app_dir = Path(args.app_dir)
    if not app_dir.is_dir():
        raise CliError(f"app folder {app_dir} does not exist")
    if not (app_dir / "function_app.py").is_file():
        raise CliError(
            f"{app_dir.resolve()} has no function_app.py: expected a Python v2 Functions app "
            "(run serve in the app folder or pass APP_DIR)"
        )
    if not 0 <= args.port <= 65535:
        raise CliError(f"--port must be between 0 and 65535, got {args.port}")
    if args.max_activities < 1:
        raise CliError(f"--max-activities must be at least 1, got {args.max_activities}")
    if args.reload and args.in_memory:
        raise CliError("--reload keeps the store across restarts, so it needs a file store")
    return app_dir


def serve_command(args: argparse.Namespace, out: TextIO) -> int:
    """Run the host until SIGINT/SIGTERM; 0 after a clean stop, 2 when it cannot start."""
    from ..local.errors import LocalHostError
    from ..local.host import MEMORY, LocalHost

    app_dir = _check(args)
    watch: Any = None
    if args.reload:
        try:
            import watchfiles
        except ImportError:
            from ..extras import install_hint

            raise CliError(f"--reload needs watchfiles: {install_hint('cli')}") from None
        watch = watchfiles

    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    # One key for the whole serve session, so --reload keeps it.
    key = (os.environ.get(KEY_VARIABLE) or secrets.token_urlsafe(24)) if args.keys else None

    def new_host() -> LocalHost:
        host = LocalHost(
            app_dir,
            store=MEMORY if args.in_memory else args.store,
            host=args.host,
            port=args.port,
            max_activity_concurrency=args.max_activities,
            function_key=key,
        )
        try:
            host.start()
        except LocalHostError as exc:
            raise CliError(str(exc)) from None
        except OSError as exc:
            raise CliError(
                f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}"
            ) from None
        return host

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    host: LocalHost | None = None
    try:
        host = new_host()
        _configure_logging()
        _print_banner(host, out)
        if watch is None:
            while not stop.wait(0.5):
                pass
        else:
            host = _reload_loop(watch, app_dir, host, new_host, stop, out)
        print("Stopping...", file=out, flush=True)
        return EXIT_OK
    finally:
        if host is not None:
            host.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _reload_loop(
    watchfiles: Any,
    app_dir: Path,
    host: LocalHost,
    new_host: Any,
    stop: threading.Event,
    out: TextIO,
) -> LocalHost | None:
    """Restart the app on each batch of .py changes; a broken app waits for the next change."""
    current: LocalHost | None = host
    for changes in watchfiles.watch(
        app_dir, watch_filter=watchfiles.PythonFilter(), stop_event=stop, raise_interrupt=False
    ):
        changed = sorted({Path(path).name for _, path in changes})
        print(f"Changed: {', '.join(changed)}; restarting the app...", file=out, flush=True)
        if current is not None:
            current.stop()
            current = None
        try:
            current = new_host()
        except CliError as exc:
            print(
                f"durable-graph: error: {exc} (waiting for the next change)", file=out, flush=True
            )
            continue
        _print_banner(current, out)
    return current


__all__ = ["EXIT_USAGE", "add_parser", "serve_command"]
