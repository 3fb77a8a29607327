"""One store, one host: a second host is refused, and unusable stores are named with the fix."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from azure_functions_durable_graph.local.history import orchestrator_started
from azure_functions_durable_graph.local.store.instances import StaleHistory
from azure_functions_durable_graph.local.store.opening import StoreInUse
from azure_functions_durable_graph.local.store.store import Store
from azure_functions_durable_graph.testing import LocalHost
from tests.api.local_apps import FEATURES_APP, start_run, wait_for_run
from tests.cli.conftest import durable_graph


def test_a_second_host_on_a_store_in_use_is_refused_and_the_first_keeps_serving(tmp_path: Path):
    store = tmp_path / "store.sqlite3"
    with LocalHost(FEATURES_APP, store=store) as first:
        second = LocalHost(FEATURES_APP, store=store)
        with pytest.raises(StoreInUse) as refused:
            second.start()

        links = start_run(first, "my_graph", {"message": "still mine"})
        assert wait_for_run(first, links)["status"] == "Completed"
    assert f"cannot use the store {store}: it is in use by another durable-graph host" in str(
        refused.value
    )
    assert "stop that host first, or give this one another --store" in str(refused.value)
    with LocalHost(FEATURES_APP, store=store) as after:  # free again once the first stopped
        assert after.get("/api/graphs").status == 200


def test_durable_graph_serve_and_run_on_a_store_in_use_exit_2_naming_the_store(tmp_path: Path):
    store = tmp_path / "store.sqlite3"
    with LocalHost(FEATURES_APP, store=store):
        served = durable_graph("serve", str(FEATURES_APP), "--store", str(store), "--port", "0")
        ran = durable_graph(
            "run", "my_graph", str(FEATURES_APP), "--store", str(store), "--no-input"
        )

    for result in (served, ran):
        assert result.returncode == 2, result.stderr
        assert f"cannot use the store {store}: it is in use by another" in result.stderr
        assert "Traceback" not in result.stderr + result.stdout


def serve_on(store: Path) -> tuple[int, str]:
    result = durable_graph("serve", str(FEATURES_APP), "--store", str(store), "--port", "0")
    assert "Traceback" not in result.stderr + result.stdout
    return result.returncode, result.stderr


def test_a_garbage_store_is_named_with_the_fix(tmp_path: Path):
    store = tmp_path / "store.sqlite3"
    store.write_bytes(b"this is not a database, just some text that happens to be here" * 50)

    code, error = serve_on(store)

    assert code == 2
    assert f"cannot use the store {store}: it is not a readable durable-graph store" in error
    assert "move the file away" in error


def test_a_truncated_store_is_named_with_the_fix(tmp_path: Path):
    store = tmp_path / "store.sqlite3"
    with LocalHost(FEATURES_APP, store=store) as host:
        wait_for_run(host, start_run(host, "my_graph", {"message": "x" * 5000}))
    data = store.read_bytes()
    for suffix in ("-wal", "-shm"):
        store.with_name(store.name + suffix).unlink(missing_ok=True)
    store.write_bytes(data[: len(data) // 3])

    code, error = serve_on(store)

    assert code == 2
    assert f"cannot use the store {store}: it is not a readable durable-graph store" in error


def test_a_directory_as_store_is_named_with_the_fix(tmp_path: Path):
    code, error = serve_on(tmp_path)

    assert code == 2
    assert f"cannot use the store {tmp_path}: it is a directory; give a file path" in error
    assert "cannot listen" not in error


def test_a_store_that_cannot_be_created_is_named_with_the_fix():
    store = Path("/proc/durable-graph-store.sqlite3")  # read-only, even for root

    code, error = serve_on(store)

    assert code == 2
    assert f"cannot use the store {store}: it cannot be created or opened" in error
    assert "cannot listen" not in error


def test_an_episode_commit_on_a_history_changed_by_another_writer_is_rolled_back(
    tmp_path: Path,
):
    path = tmp_path / "store.sqlite3"
    with Store(path) as ours, Store(path) as theirs:
        now = datetime.now(timezone.utc)
        ours.append_history("i", "e1", [orchestrator_started(now)])
        replayed = len(ours.played_history("i"))
        theirs.append_history("i", "e1", [orchestrator_started(now)])  # the other writer

        with (
            pytest.raises(
                StaleHistory, match="replayed 1 history events but the store now holds 2"
            ),
            ours.transaction(),
        ):
            ours.check_history_length("i", replayed)
            ours.append_history("i", "e1", [orchestrator_started(now)])

        assert len(theirs.history("i")) == 2  # nothing of the stale episode was committed
        with ours.transaction():
            ours.check_history_length("i", 2)  # the current history passes
