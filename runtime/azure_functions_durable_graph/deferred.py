"""Function bodies imported when they first run, not when they are registered.

The Functions host indexes a deployed app's functions by importing function_app.py,
at every cold start; an instance may then never run most of them. So the app
registers thin bodies that import the real one on their first call (the engines,
the step-log and thread entities, the HTTP handlers). A module that fails to
import raises there, from the import statement, with its own message.
bench/import_time.py measures what this saves; tests/test_lazy_app.py lists what
registering an app must not import.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def load(module: str, name: str) -> Any:
    """`name` from `module` (relative to this package, or absolute): imported on first use."""
    return getattr(importlib.import_module(module, __package__), name)


def entity(module: str, name: str) -> Callable[[Any], None]:
    """A Durable entity function that runs ``module.name(context)``."""

    def body(context: Any) -> None:
        load(module, name)(context)

    body.__name__ = name
    return body
