"""An app folder served in-process, for the commands that work without a `serve`."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ._common import ApiClient, CliError, check_app_dir

if TYPE_CHECKING:
    from ..local.host import LocalHost


@contextmanager
def local_app(app_dir: str, store: str | None = None) -> Iterator[tuple[LocalHost, ApiClient]]:
    """Start the app on a free loopback port (in-memory store unless `store` is a file)."""
    from ..local.errors import LocalHostError
    from ..local.host import MEMORY, LocalHost

    folder = check_app_dir(app_dir)
    # The host logs each request at INFO; the commands print their own progress instead.
    logging.getLogger("azure_functions_durable_graph.local").setLevel(logging.WARNING)
    host = LocalHost(folder, store=store or MEMORY, port=0)
    try:
        host.start()
    except LocalHostError as exc:
        raise CliError(str(exc)) from None
    try:
        yield host, ApiClient(host.base_url, host.settings.route_prefix)
    finally:
        host.stop()


def graph_names(client: ApiClient) -> list[str]:
    body = client.get("graphs")
    return [str(g["graph_name"]) for g in body.get("graphs", [])]


def require_graph(client: ApiClient, graph: str) -> None:
    try:
        names = graph_names(client)
    except CliError as exc:
        raise CliError(f"this app serves no graph API ({exc})") from None
    if graph not in names:
        known = ", ".join(names) or "none"
        raise CliError(f"no graph named {graph!r} in this app; its graphs: {known}")
