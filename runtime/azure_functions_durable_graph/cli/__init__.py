"""The `durable-graph` command (also `python -m azure_functions_durable_graph`).

One module per command group: `graphs` (graphs, draw), `run`, `runs` (runs, show, send,
resume, cancel against a running serve) and `serve`. Optional terminal niceties (rich,
watchfiles) come from the `cli` extra and are imported only by the commands that use them,
never by a deployed function_app.py.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TextIO

from .. import __version__
from . import graphs, run, runs, serve
from ._common import EXIT_CODES_HELP, EXIT_INTERRUPTED, EXIT_OK, CliError

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="durable-graph",
        description="Develop graph workflows for Azure Durable Functions locally: list, draw "
        "and run graphs, serve an app without Core Tools, and drive its runs.",
        epilog="examples:\n"
        "  durable-graph graphs                       # graphs of the app in this folder\n"
        "  durable-graph draw approval --format svg -o approval.svg\n"
        "  durable-graph run approval --input '{\"amount\": 500}'\n"
        "  durable-graph serve --reload               # then open /_inspector/\n"
        "  durable-graph runs --status Running\n\n" + EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"durable-graph {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    serve.add_parser(commands)
    graphs.add_parsers(commands)
    run.add_parser(commands)
    runs.add_parsers(commands)
    return parser


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args, out or sys.stdout)
    except CliError as exc:
        print(f"durable-graph: error: {exc}", file=sys.stderr)
        return exc.code
    except BrokenPipeError:
        # The reader went away (`| head`): stop writing, quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("durable-graph: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return code
