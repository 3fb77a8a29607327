"""`graphs` and `draw`: what an app folder's graphs look like, without serving it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from ..extras import install_hint
from ._common import EXIT_OK, CliError, dumps, quoted
from ._local import local_app, require_graph

FORMATS = ("mermaid", "svg", "png")


def add_parsers(commands: Any) -> None:
    graphs = commands.add_parser(
        "graphs",
        help="list the graphs of an app folder",
        description="Import the app (in-process, nothing is served) and list its graphs with "
        "version, hash, nodes and events.",
        epilog="examples:\n  durable-graph graphs\n  durable-graph graphs my_service --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _app_dir(graphs)
    graphs.add_argument("--json", action="store_true", help="print the manifests as JSON")
    graphs.set_defaults(handler=list_graphs)

    draw = commands.add_parser(
        "draw",
        help="draw a graph as Mermaid text, SVG or PNG",
        description="Print a graph's Mermaid flowchart, or render it to SVG/PNG offline with "
        "the Mermaid bundle shipped in this package and a local Chromium (the `inspector` "
        f"extra: {install_hint('inspector')}).",
        epilog="examples:\n  durable-graph draw approval\n"
        "  durable-graph draw approval --format svg -o approval.svg\n"
        "  durable-graph draw approval . --format png -o approval.png",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    draw.add_argument("graph", metavar="GRAPH", help="graph name")
    _app_dir(draw)
    draw.add_argument("--format", choices=FORMATS, default="mermaid", help="default: mermaid")
    draw.add_argument(
        "-o", "--output", metavar="FILE", help="write here (required for png on a terminal)"
    )
    draw.set_defaults(handler=draw_graph)


def _app_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "app_dir", nargs="?", default=".", metavar="APP_DIR", help="default: the current folder"
    )


def list_graphs(args: argparse.Namespace, out: TextIO) -> int:
    with local_app(args.app_dir) as (_, client):
        manifests: list[dict[str, Any]] = client.get("graphs").get("graphs", [])
    if args.json:
        print(dumps(manifests), file=out)
        return EXIT_OK
    if not manifests:
        print("no graphs", file=out)
    for manifest in manifests:
        nodes = ", ".join(manifest.get("nodes", {}))
        events = ", ".join(manifest.get("event_handlers", [])) or "-"
        print(
            f"{manifest['graph_name']}  version {manifest.get('version')}  "
            f"hash {str(manifest.get('graph_hash'))[:12]}",
            file=out,
        )
        print(f"  entrypoint: {manifest.get('entrypoint')}", file=out)
        print(f"  nodes:      {nodes}", file=out)
        print(f"  events:     {events}", file=out)
    return EXIT_OK


def draw_graph(args: argparse.Namespace, out: TextIO) -> int:
    with local_app(args.app_dir) as (_, client):
        require_graph(client, args.graph)
        text = str(client.get(f"graphs/{quoted(args.graph)}")["diagram"]["mermaid"])
    if args.format == "mermaid":
        data = (text + "\n").encode()
    else:
        from .render import render

        data = render(text, args.format)
    if args.output:
        Path(args.output).write_bytes(data)
        print(f"wrote {args.output} ({len(data)} bytes)", file=sys.stderr)
    elif args.format == "png" and out.isatty():
        raise CliError("PNG is binary: pass -o FILE or redirect the output")
    else:
        out.flush()
        if out is sys.stdout:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            out.write(data.decode())
    return EXIT_OK
