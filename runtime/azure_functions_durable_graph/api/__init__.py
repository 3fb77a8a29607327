"""HTTP layer: the /api/... handlers, their JSON errors, and the OpenAPI document.

`openapi` is imported on first request only, to keep cold starts small.
"""

from __future__ import annotations

from .errors import ApiError
from .handlers import GraphApi

__all__ = ["ApiError", "GraphApi"]
