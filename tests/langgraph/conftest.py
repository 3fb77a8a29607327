"""One local host per module serving every conformance graph (tests/langgraph/apps)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from azure_functions_durable_graph.testing import LocalHost
from tests.langgraph.support import APP


@pytest.fixture(scope="module")
def host() -> Iterator[LocalHost]:
    """The LangGraph app on an in-memory store and the wall clock (retries wait briefly)."""
    with LocalHost(APP, store=":memory:") as local_host:
        yield local_host
