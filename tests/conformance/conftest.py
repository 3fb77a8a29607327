"""Fixtures for the conformance suite: one in-process local host per test.

Every app under `apps/` is an ordinary Durable Functions v2 app; `links.py`
has the helpers that drive it over real HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from azure_functions_durable_graph.testing import LocalHost, VirtualClock
from tests.conformance.links import HostFactory

APPS = Path(__file__).parent / "apps"


@pytest.fixture
def local_host() -> Iterator[HostFactory]:
    """Start a conformance app on an in-memory store; stopped when the test ends.

    Pass `virtual_clock=True` to drive durable timers with `host.advance(...)`.
    """
    with ExitStack() as stack:

        def start(app: str, *, virtual_clock: bool = False, store: str = ":memory:") -> LocalHost:
            clock = VirtualClock() if virtual_clock else None
            return stack.enter_context(LocalHost(APPS / app, store=store, clock=clock))

        yield start
