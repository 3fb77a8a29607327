"""HTTP layer: the /api/... handlers, their JSON errors, and the OpenAPI document.

Importing the package (or its route table, as app.py does) imports no handler: a
deployed app registers the routes at every cold start, and the handlers load with
the first request (route_table.py). `GraphApi` and `ApiError` load on first access.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import ApiError
    from .handlers import GraphApi

_EXPORTS = {"ApiError": ".errors", "GraphApi": ".handlers"}

__all__ = ["ApiError", "GraphApi"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module, __name__), name)
