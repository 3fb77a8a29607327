"""Where the user declared something: the first caller outside this package.

A graph module is checked when `build()` runs, often far from the line that made
the mistake; errors name the user's ``file:line`` instead of graph/builder.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE = str(Path(__file__).resolve().parent.parent)


def caller_site() -> str | None:
    """``file:line`` of the nearest frame outside azure_functions_durable_graph, if any."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not str(Path(filename).resolve()).startswith(_PACKAGE):
            return f"{filename}:{frame.f_lineno}"
        frame = frame.f_back  # type: ignore[assignment]
    return None
