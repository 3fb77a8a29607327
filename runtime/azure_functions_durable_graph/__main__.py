"""`python -m azure_functions_durable_graph` is the `durable-graph` command."""

from __future__ import annotations

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
