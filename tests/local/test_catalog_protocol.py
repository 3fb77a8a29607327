"""The app catalog (and the benchmarks' wrapper) satisfy the whole FunctionCatalog protocol,
so the engine calls its methods directly instead of probing for them."""

from __future__ import annotations

import inspect

from azure_functions_durable_graph.local.catalog import AppCatalog, FunctionCatalog
from bench.drivers import TimedCatalog


def protocol_members() -> set[str]:
    return {
        name
        for name, member in vars(FunctionCatalog).items()
        if not name.startswith("_") and (inspect.isfunction(member) or isinstance(member, property))
    }


def test_the_protocol_names_what_the_engine_uses() -> None:
    assert protocol_members() == {
        "orchestrator",
        "run_activity",
        "has_activity",
        "entity",
        "orchestrator_names",
    }


def test_every_catalog_implements_the_protocol() -> None:
    for catalog in (AppCatalog, TimedCatalog):
        missing = sorted(name for name in protocol_members() if not hasattr(catalog, name))
        assert missing == [], catalog.__name__
