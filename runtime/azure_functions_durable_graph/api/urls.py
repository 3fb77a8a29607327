"""The URLs the API hands back, built from the request's own URL and percent-encoded."""

from __future__ import annotations

from urllib.parse import quote

import azure.functions as func


def api_base(req: func.HttpRequest, *, segments_after_base: int) -> str:
    """The URL up to and including the route prefix ('.../api/'), from the request's own URL."""
    path = str(req.url).split("?", 1)[0].rstrip("/")
    return path.rsplit("/", segments_after_base)[0] + "/"


def segment(value: str) -> str:
    """One path segment: every reserved character escaped, '/' included."""
    return quote(value, safe="")


def run_url(base: str, instance_id: str) -> str:
    return f"{base}runs/{segment(instance_id)}"
