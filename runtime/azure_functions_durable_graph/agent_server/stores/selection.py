"""Which store an app uses: chosen once, opened on first use, shared by routes and nodes.

In order: `DurableGraphApp(store=...)` (any LangGraph BaseStore); the app
setting `DURABLE_GRAPH_STORE` (`sqlite`, `sqlite:<file>`, `azure-tables`,
`memory`); else SQLite beside the local host's store when the local host runs
the app (it sets `DURABLE_GRAPH_LOCAL_STORE`), and the Azure table store on
the `AzureWebJobsStorage` account everywhere else. A store that cannot be
opened is an error on first use, never a quiet switch to another store.

Nothing here imports LangGraph or the Azure SDK until a store is opened, so
an app that never touches the store starts as fast as before.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from langgraph.store.base import BaseStore

#: App setting that picks the store.
STORE_SETTING = "DURABLE_GRAPH_STORE"
#: Set by the local host while it runs an app: the path of its own store (or ":memory:").
LOCAL_STORE_SETTING = "DURABLE_GRAPH_LOCAL_STORE"
#: App setting naming the setting that holds the storage connection string.
CONNECTION_SETTING = "DURABLE_GRAPH_STORE_CONNECTION"
#: App setting with the table's name (LangGraphStore by default).
TABLE_SETTING = "DURABLE_GRAPH_STORE_TABLE"
DEFAULT_CONNECTION = "AzureWebJobsStorage"
#: Azurite's well-known account, for `UseDevelopmentStorage=true` (Core Tools' default).
DEVELOPMENT_STORAGE = (
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
    "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/"
    "KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;"
)
MEMORY = ":memory:"
_DEFAULT_SQLITE = Path(".durable-graph") / "langgraph-store.sqlite3"


class StoreUnavailableError(RuntimeError):
    """The store's service cannot be reached or failed: not the request's fault (a 503)."""


class StoreConfigError(StoreUnavailableError):
    """The configured store cannot be opened; the message says which setting to fix."""


class StoreProvider:
    """The app's one store, chosen when the app is built and opened on first use."""

    def __init__(self, store: BaseStore | None = None, environ: Mapping[str, str] | None = None):
        env = dict(os.environ if environ is None else environ)
        self._store = store
        self._lock = threading.Lock()
        self.kind, self._target = ("custom", "") if store is not None else _choose(env)
        self._environ = env
        self._companions: dict[str, StoreProvider] = {}

    def get(self) -> BaseStore:
        """The store, opened now if this is the first use.

        Raises:
            StoreConfigError: the chosen store cannot be opened (a missing extra or setting).
        """
        with self._lock:
            if self._store is None:
                self._store = _open(self.kind, self._target, self._environ)
            return self._store

    def companion(self, name: str) -> StoreProvider:
        """A store of the same kind kept apart from this one (the table ``<table><name>``,
        or the file ``<stem>.<name>.sqlite3``), for what the app keeps out of its clients'
        items; a store given as an object is its own companion."""
        with self._lock:
            if name not in self._companions:
                self._companions[name] = self._make_companion(name)
            return self._companions[name]

    def _make_companion(self, name: str) -> StoreProvider:
        if self.kind == "custom":
            return self
        if self.kind == "memory":
            return StoreProvider(environ={STORE_SETTING: "memory"})
        if self.kind == "sqlite":
            file = self._target
            if file != MEMORY:
                file = str(Path(file).with_name(f"{Path(file).stem}.{name}.sqlite3"))
            return StoreProvider(environ={STORE_SETTING: f"sqlite:{file}"})
        table = self._environ.get(TABLE_SETTING, "").strip() or "LangGraphStore"
        settings = {STORE_SETTING: "azure-tables", TABLE_SETTING: f"{table}{name}"}
        return StoreProvider(environ={**self._environ, **settings})

    def describe(self) -> str:
        """What was chosen, for logs and errors."""
        return f"{self.kind} {self._target}".strip()


def _choose(env: Mapping[str, str]) -> tuple[str, str]:
    setting = env.get(STORE_SETTING, "").strip()
    local = env.get(LOCAL_STORE_SETTING, "").strip()
    if not setting:
        return ("sqlite", _sqlite_beside(local)) if local else ("azure-tables", "")
    kind, _, target = setting.partition(":")
    kind = kind.strip().lower()
    if kind == "sqlite":
        return "sqlite", target or (_sqlite_beside(local) if local else str(_DEFAULT_SQLITE))
    if kind in ("azure-tables", "memory") and not target:
        return kind, ""
    raise StoreConfigError(
        f"app setting {STORE_SETTING}={setting!r} is not a store: use 'sqlite', "
        "'sqlite:<file>', 'azure-tables' or 'memory'"
    )


def _sqlite_beside(host_store: str) -> str:
    """The store file that goes with a local host's store file (`:memory:` stays in memory)."""
    if host_store == MEMORY:
        return MEMORY
    file = Path(host_store)
    return str(file.with_name(f"{file.stem}.langgraph-store.sqlite3"))


def _open(kind: str, target: str, env: Mapping[str, str]) -> BaseStore:
    if kind == "sqlite":
        try:
            from .sqlite import open_sqlite_store
        except ImportError as exc:
            raise StoreConfigError(
                "the SQLite store needs langgraph-checkpoint-sqlite: "
                "pip install 'azure-functions-durable-graph[langgraph]'"
            ) from exc
        return open_sqlite_store(target)
    if kind == "memory":
        from langgraph.store.memory import InMemoryStore

        return InMemoryStore()
    return _open_azure_tables(env)


def _open_azure_tables(env: Mapping[str, str]) -> BaseStore:
    try:
        from .azure_tables import DEFAULT_TABLE, AzureTableStore
    except ImportError as exc:
        raise StoreConfigError(
            "the Azure table store needs azure-data-tables: "
            "pip install 'azure-functions-durable-graph[azure-tables]' (or set "
            f"{STORE_SETTING} to choose another store)"
        ) from exc
    name = env.get(CONNECTION_SETTING, "").strip() or DEFAULT_CONNECTION
    connection = env.get(name, "").strip()
    if not connection:
        raise StoreConfigError(
            f"the Azure table store reads its connection string from the app setting {name}, "
            f"which is not set (name another setting with {CONNECTION_SETTING}, or set "
            f"{STORE_SETTING} to choose another store)"
        )
    if connection.replace(" ", "").lower() == "usedevelopmentstorage=true":
        connection = DEVELOPMENT_STORAGE
    table = env.get(TABLE_SETTING, "").strip() or DEFAULT_TABLE
    return AzureTableStore(connection, table)
