"""LocalHost: a whole Functions + Durable host for one app, started in-process.

`durable-graph serve` runs one until Ctrl+C; tests run one per test with
an in-memory store and a VirtualClock. Its blocking methods are meant for
an ordinary (sync) thread: they hand coroutines to the worker loop with
`run_coroutine_threadsafe` and wait for the result.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from email.message import Message
from pathlib import Path
from types import TracebackType
from typing import Any

from ..agent_server.stores.selection import LOCAL_STORE_SETTING
from .app_loader import LoadedApp, load_app, unload_app
from .catalog import AppCatalog
from .clock import Clock, VirtualClock, WallClock
from .engine import Engine
from .errors import LocalHostError
from .http import http_v2
from .http.cross_site import read_cors
from .http.durable_urls import DurableUrls
from .http.functions import HttpFunction, index_http_functions
from .http.management_api import ManagementApi
from .http.server import AppServer
from .settings import HostSettings, apply_local_settings, read_host_settings
from .store import opening
from .store.private import STORE_DIR, make_private, prepare_private_store
from .store.store import Store
from .worker_loop import close_sdk_session, run_sync

STORE_FILE = "store.sqlite3"
MEMORY = ":memory:"
TERMINAL_STATUSES = ("Completed", "Failed", "Terminated")
_ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class FunctionInfo:
    """One indexed function, for listing the way `func start` does."""

    name: str
    trigger: str
    methods: tuple[str, ...] = ()
    url: str | None = None

    def describe(self) -> str:
        if self.url is not None:
            methods = ",".join(self.methods or _ALL_METHODS)
            return f"{self.name}: [{methods}] {self.url}"
        return f"{self.name}: {self.trigger}"


@dataclass(frozen=True)
class Response:
    """An HTTP response read with urllib from the host's real socket."""

    status: int
    headers: Message
    text: str

    def json(self) -> Any:
        return jsonlib.loads(self.text)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Tests want to see a 302 and its Location, not where it leads."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_RUNNING: set[LocalHost] = set()


def _forget_running(host: LocalHost) -> int:
    """Drop `host` from the running hosts; how many are left."""
    _RUNNING.discard(host)
    return len(_RUNNING)


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def _advertised(host: str) -> str:
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


class LocalHost:
    """Serve one Functions app folder: HTTP triggers, orchestrations and the Durable API.

    Args:
        app_dir: folder with function_app.py (and optionally host.json,
            local.settings.json).
        store: SQLite file path; None means `<app_dir>/.durable-graph/store.sqlite3`,
            ":memory:" an in-memory store that vanishes at stop().
        clock: WallClock (default) or a VirtualClock that `advance()` moves.
        host, port: where to listen; port 0 picks a free port.
        max_activity_concurrency: activities that may run at the same time.
        allowed_hosts: host names the port answers (`Host` header); None means the
            loopback names and the bound address.
        function_key: when set, HTTP functions that are not anonymous and the Durable
            management API want this key (`?code=` or `x-functions-key`), as on Azure.
    """

    def __init__(
        self,
        app_dir: str | os.PathLike[str] = ".",
        *,
        store: str | os.PathLike[str] | None = None,
        clock: Clock | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        max_activity_concurrency: int = 8,
        allowed_hosts: frozenset[str] | None = None,
        function_key: str | None = None,
    ) -> None:
        if max_activity_concurrency < 1:
            raise ValueError(
                f"max_activity_concurrency must be at least 1, got {max_activity_concurrency}"
            )
        self.app_dir = Path(app_dir).resolve()
        if store is None:
            self.store_path = str(self.app_dir / STORE_DIR / STORE_FILE)
        elif str(store) == MEMORY:
            self.store_path = MEMORY
        else:
            self.store_path = str(Path(store).resolve())
        self.clock: Clock = clock if clock is not None else WallClock()
        self._host = host
        self._port = port
        self._max_activity_concurrency = max_activity_concurrency
        self._allowed_hosts = allowed_hosts
        self.function_key = function_key
        self.settings = HostSettings()
        self._applied_env: dict[str, str] = {}
        self._loaded: LoadedApp | None = None
        self._store: Store | None = None
        self._store_lock: opening.StoreLock | None = None
        self._engine: Engine | None = None
        self._server: AppServer | None = None
        self._http: list[HttpFunction] = []
        self._functions: list[FunctionInfo] = []

    # Lifecycle -------------------------------------------------------------

    def start(self) -> LocalHost:
        """Load settings and the app, open the store, listen, resume unfinished work."""
        if self._server is not None:
            raise LocalHostError("this LocalHost is already started")
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        if not self.app_dir.is_dir():
            raise LocalHostError(f"app folder {self.app_dir} does not exist")
        self._applied_env = apply_local_settings(self.app_dir)
        # The app's LangGraph store goes beside this host's store (agent_server/stores).
        os.environ[LOCAL_STORE_SETTING] = self._applied_env[LOCAL_STORE_SETTING] = self.store_path
        self.settings = read_host_settings(self.app_dir)
        self._loaded = load_app(self.app_dir)
        web = http_v2.detect()  # HTTP streaming, when the app imported the extension
        self._http = index_http_functions(self._loaded.functions, str(self.app_dir), web)
        catalog = AppCatalog(self._loaded.functions, directory=str(self.app_dir))
        self._store = self._open_store()
        self._engine = Engine(
            catalog,
            self._store,
            self.clock,
            max_activity_concurrency=self._max_activity_concurrency,
        )
        # Bound to this server, not to self._server: a request still in flight while
        # stop() runs must get its answer, not a "not started" error.
        management = ManagementApi(self._engine, lambda: self._urls_of(server))
        server = AppServer(
            self._http,
            route_prefix=self.settings.route_prefix,
            management=management,
            starter=lambda: self._urls_of(server).starter_json(),
            host=self._host,
            port=self._port,
            allowed_hosts=self._allowed_hosts,
            function_key=self.function_key,
            cors=read_cors(self.app_dir),
        )
        run_sync(server.start())
        catalog.starter = lambda: self._urls_of(server).starter_json()
        self._server = server
        _RUNNING.add(self)
        run_sync(self._engine.start())
        self._functions = self._describe(self._loaded)

    def _open_store(self) -> Store:
        if self.store_path == MEMORY:
            return Store(MEMORY)
        path = Path(self.store_path)
        if not path.is_dir():
            try:
                prepare_private_store(path)
            except OSError as exc:
                raise opening.StoreUnavailable(
                    path,
                    f"it cannot be created or opened ({exc.strerror or exc})",
                    "make its folder writable by this user, or give another --store",
                ) from None
        self._store_lock = opening.StoreLock(path)  # held until stop()
        store = opening.open_file_store(path)
        make_private(path)  # the journal files SQLite has just created
        return store

    def stop(self) -> None:
        """Stop serving, stop the engine, close the store, unload the app. Idempotent."""
        server, self._server = self._server, None
        engine, self._engine = self._engine, None
        store, self._store = self._store, None
        loaded, self._loaded = self._loaded, None
        try:
            if server is not None:
                run_sync(server.stop())
            if engine is not None:
                run_sync(engine.stop())
            if server is not None and _forget_running(self) == 0:
                # Other hosts in this process may still be using the SDK's session.
                run_sync(close_sdk_session())
        finally:
            if store is not None:
                store.close()
            lock, self._store_lock = self._store_lock, None
            if lock is not None:
                lock.release()
            if loaded is not None:
                unload_app(loaded)
            for key, value in self._applied_env.items():
                if os.environ.get(key) == value:
                    del os.environ[key]
            self._applied_env = {}

    def __enter__(self) -> LocalHost:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # What is being served ----------------------------------------------------

    @property
    def port(self) -> int:
        return self._require_server().port or self._port

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>`: where the app and the Durable API answer."""
        return f"http://{_advertised(self._host)}:{self.port}"

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise LocalHostError("the LocalHost is not started; call start() or use `with`")
        return self._engine

    @property
    def functions(self) -> list[FunctionInfo]:
        """Every indexed function, HTTP ones with their URL."""
        return list(self._functions)

    def _require_server(self) -> AppServer:
        if self._server is None:
            raise LocalHostError("the LocalHost is not started; call start() or use `with`")
        return self._server

    def _urls_of(self, server: AppServer) -> DurableUrls:
        base_url = f"http://{_advertised(self._host)}:{server.port or self._port}"
        return DurableUrls(base_url, self.settings.hub_name, self.function_key)

    def _describe(self, loaded: LoadedApp) -> list[FunctionInfo]:
        server = self._require_server()
        http = {fn.name: fn for fn in self._http}
        infos: list[FunctionInfo] = []
        for function in loaded.functions:
            name = function.get_function_name() or function.get_user_function().__name__
            trigger = function.get_trigger()
            kind = str(getattr(trigger, "type", "unknown"))
            if name in http:
                fn = http[name]
                methods = tuple(sorted(fn.methods)) if fn.methods else ()
                infos.append(FunctionInfo(name, kind, methods, server.url_for(fn, self.base_url)))
            else:
                infos.append(FunctionInfo(name, kind))
        return infos

    # HTTP --------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: str | bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30.0,
    ) -> Response:
        """Send a request to the host's socket; `path` may be a full URL, e.g. a status link."""
        url = (
            path
            if path.startswith(("http://", "https://"))
            else f"{self.base_url}/{path.lstrip('/')}"
        )
        all_headers = dict(headers or {})
        body: bytes | None = None
        if json is not None:
            body = jsonlib.dumps(json).encode()
            all_headers.setdefault("Content-Type", "application/json")
        elif data is not None:
            body = data.encode() if isinstance(data, str) else data
        request = urllib.request.Request(url, data=body, headers=all_headers, method=method.upper())
        try:
            with _OPENER.open(request, timeout=timeout) as reply:
                return Response(
                    reply.status, reply.headers, reply.read().decode("utf-8", "replace")
                )
        except urllib.error.HTTPError as failed:
            with failed:
                text = failed.read().decode("utf-8", "replace")
            return Response(failed.code, failed.headers, text)

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Response:
        return self.request("POST", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Response:
        return self.request("DELETE", path, **kwargs)

    # Durable shortcuts for tests ---------------------------------------------

    def start_new(
        self, orchestrator: str, input: Any = None, *, instance_id: str | None = None
    ) -> str:
        """Start an orchestration directly (what `client.start_new` does, without HTTP)."""
        input_json = None if input is None else jsonlib.dumps(input)
        return run_sync(self.engine.start_orchestration(orchestrator, input_json, instance_id))

    def raise_event(self, instance_id: str, event_name: str, data: Any = None) -> None:
        """Raise an event whose payload the orchestrator receives as the JSON value `data`."""
        run_sync(self.engine.raise_event(instance_id, event_name, jsonlib.dumps(data)))

    def status(self, instance_id: str, *, show_history: bool = False) -> dict[str, Any] | None:
        """The status body the management API would return, or None for an unknown id."""
        result: dict[str, Any] | None = run_sync(
            self.engine.get_status(instance_id, show_history=show_history)
        )
        return result

    def history(self, instance_id: str) -> list[dict[str, Any]]:
        """The instance's DTFx-shaped history events."""
        events: list[dict[str, Any]] = run_sync(self.engine.history(instance_id))
        return events

    def wait_for_status(
        self, instance_id: str, *statuses: str, timeout: float = 10.0
    ) -> dict[str, Any]:
        """Poll until the instance's runtimeStatus is one of `statuses` (default: finished)."""
        wanted = statuses or TERMINAL_STATUSES
        deadline = time.monotonic() + timeout
        last: dict[str, Any] | None = None
        while True:
            last = self.status(instance_id)
            if last is not None and last.get("runtimeStatus") in wanted:
                return last
            if time.monotonic() >= deadline:
                seen = "no such instance" if last is None else last.get("runtimeStatus")
                raise TimeoutError(
                    f"instance {instance_id!r} did not reach {' or '.join(wanted)} within "
                    f"{timeout}s; last status: {seen}" + self.timer_note()
                )
            time.sleep(0.005)

    def timer_note(self) -> str:
        """Why a wait may never end by itself here: a durable timer on the virtual clock.

        A retry backoff, a node timeout or an event deadline waits for `advance()`; a test
        that only polls would time out. Empty when the clock is real or no timer is due.
        """
        if not isinstance(self.clock, VirtualClock) or self._store is None:
            return ""
        timer = self._store.next_timer()
        if timer is None:
            return ""
        return (
            f"; a durable timer of instance {timer.instance_id!r} is pending (it fires at "
            f"{timer.fire_at}, the virtual clock reads {self.clock.now().isoformat()}): a "
            "retry backoff, timeout or deadline waits for host.advance(timedelta(...)) past it"
        )

    def advance(self, delta: timedelta) -> None:
        """Move a VirtualClock forward, then wait until the fired timers' work is done."""
        if not isinstance(self.clock, VirtualClock):
            raise TypeError(
                f"advance() needs LocalHost(clock=VirtualClock()); this host runs on "
                f"{type(self.clock).__name__}"
            )
        self.clock.advance(delta)
        run_sync(self._settle())

    async def _settle(self) -> None:
        # Timer wake-ups arrive as loop callbacks; let them run before asking for idleness.
        await asyncio.sleep(0)
        await self.engine.wait_until_idle()

    def wait_until_idle(self) -> None:
        """Block until the engine has no runnable work left (future timers excepted)."""
        run_sync(self.engine.wait_until_idle())
