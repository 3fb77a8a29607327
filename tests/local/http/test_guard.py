"""Local security of `serve`: host names, foreign origins, optional keys, a private store."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from azure_functions_durable_graph.local.http import server
from azure_functions_durable_graph.testing import LocalHost, VirtualClock

APPS = Path(__file__).parents[2] / "api" / "apps"
SAMPLE = APPS / "sample"  # anonymous graph routes
FEATURES = APPS / "features"  # graph routes at the FUNCTION auth level
COUNTER = "/api/graphs/counter/runs"


def no_runs(host: LocalHost) -> bool:
    return host.get("/runtime/webhooks/durabletask/instances").json() == []


def test_loopback_names_are_answered_and_other_hosts_refused() -> None:
    with LocalHost(SAMPLE, store=":memory:") as host:
        for name in ("localhost", "127.0.0.1", "LOCALHOST."):
            assert host.get("/api/health", headers={"Host": f"{name}:{host.port}"}).status == 200
        refused = host.get("/api/health", headers={"Host": "rebound.attacker.example"})
        assert refused.status == 400
        assert refused.json()["error"]["code"] == "host_not_allowed"


def test_a_foreign_host_is_never_reflected_into_run_urls() -> None:
    with LocalHost(SAMPLE, store=":memory:", clock=VirtualClock()) as host:
        reply = host.post(COUNTER, json={"input": {}}, headers={"Host": "attacker.example"})
        assert reply.status == 400
        assert "attacker.example/api" not in reply.text
        assert no_runs(host)


def test_allowed_hosts_can_be_widened() -> None:
    allowed = frozenset({"devbox.internal"})
    with LocalHost(SAMPLE, store=":memory:", allowed_hosts=allowed) as host:
        assert host.get("/api/health", headers={"Host": "devbox.internal"}).status == 200
        assert host.get("/api/health", headers={"Host": "localhost"}).status == 400


@pytest.mark.parametrize("origin", ["http://attacker.example", "null", "http://127.0.0.1:1"])
def test_state_changing_requests_from_a_foreign_origin_are_refused(origin: str) -> None:
    with LocalHost(SAMPLE, store=":memory:", clock=VirtualClock()) as host:
        for path in (
            COUNTER,
            "/runtime/webhooks/durabletask/orchestrators/durable_graph_orchestrator",
        ):
            reply = host.post(path, json={"input": {}}, headers={"Origin": origin})
            assert reply.status == 403, reply.text
            assert reply.json()["error"]["code"] == "origin_not_allowed"
        assert no_runs(host)


def test_same_origin_posts_and_foreign_origin_reads_are_served() -> None:
    with LocalHost(SAMPLE, store=":memory:", clock=VirtualClock()) as host:
        own = host.post(COUNTER, json={"input": {}}, headers={"Origin": host.base_url})
        assert own.status == 202, own.text
        read = host.get("/api/health", headers={"Origin": "http://attacker.example"})
        assert read.status == 200


def test_keys_are_off_by_default_and_enforced_when_set() -> None:
    body = {"input": {"message": "hi"}}
    with LocalHost(FEATURES, store=":memory:", clock=VirtualClock()) as host:
        assert host.post("/api/graphs/my_graph/runs", json=body).status == 202
    with LocalHost(FEATURES, store=":memory:", function_key="s3cret") as host:
        missing = host.post("/api/graphs/my_graph/runs", json=body)
        assert missing.status == 401
        assert missing.json()["error"]["code"] == "key_required"
        assert host.post("/api/graphs/my_graph/runs?code=wrong", json=body).status == 401
        management = host.get("/runtime/webhooks/durabletask/instances")
        assert management.status == 401
        # With the key, the graph API's own SDK client reaches the management API
        # (through its rpc path) and the run completes.
        started = host.post("/api/graphs/my_graph/runs?code=s3cret", json=body)
        assert started.status == 202, started.text
        status_url = started.json()["status_url"]
        headers = {"x-functions-key": "s3cret"}
        host.wait_for_status(started.json()["instance_id"], "Completed")
        assert host.get(status_url, headers=headers).json()["status"] == "Completed"
        listed = host.get("/runtime/webhooks/durabletask/instances?code=s3cret")
        assert listed.status == 200


def test_the_store_folder_and_files_are_private(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "function_app.py").write_text((SAMPLE / "function_app.py").read_text())
    with LocalHost(app, clock=VirtualClock()) as host:
        assert host.post(COUNTER, json={"input": {}}).status == 202
        host.wait_until_idle()
        folder = Path(host.store_path).parent
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        files = [p for p in folder.iterdir() if p.name.startswith("store.sqlite3")]
        assert files
        for file in files:
            assert stat.S_IMODE(file.stat().st_mode) == 0o600, file


def test_a_chosen_store_file_is_private_in_a_new_folder(tmp_path: Path) -> None:
    store = tmp_path / "new" / "hub.sqlite3"
    with LocalHost(SAMPLE, store=store):
        assert stat.S_IMODE(store.stat().st_mode) == 0o600
        assert stat.S_IMODE(store.parent.stat().st_mode) == 0o700


def test_a_body_over_the_host_limit_is_a_json_413(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "MAX_BODY_BYTES", 1000)
    with LocalHost(SAMPLE, store=":memory:") as host:
        for path in (COUNTER, "/runtime/webhooks/durabletask/orchestrators/x"):
            reply = host.post(path, data=b"x" * 5000)
            assert reply.status == 413
            assert reply.json()["error"] == {
                "code": "request_too_large",
                "message": "request body is over 1000 bytes",
                "details": {"max_bytes": 1000},
            }


def test_default_host_names_follow_the_bound_address() -> None:
    import socket

    from azure_functions_durable_graph.local.http.guard import default_allowed_hosts

    assert default_allowed_hosts("127.0.0.1") == {"localhost", "127.0.0.1", "::1"}
    assert default_allowed_hosts("10.1.2.3") == {"localhost", "127.0.0.1", "::1", "10.1.2.3"}
    assert socket.gethostname().lower() in default_allowed_hosts("0.0.0.0")
    assert "::1" in default_allowed_hosts("::")
