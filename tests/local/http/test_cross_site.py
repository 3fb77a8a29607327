"""Cross-site requests: what a page on another site can make a browser send, and the answers.

Unit tests of the rules in local/http/cross_site.py, then the same requests over HTTP against
every kind of route of an app with Microsoft's quickstart starter (no methods=).
tests/inspector/test_cross_site_page.py sends them from a real Chromium.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp.test_utils import make_mocked_request

from azure_functions_durable_graph.local.http.cross_site import (
    Cors,
    answer_preflight,
    is_foreign,
    is_preflight,
    read_cors,
)
from azure_functions_durable_graph.testing import LocalHost, VirtualClock

QUICKSTART = Path(__file__).parents[1] / "apps" / "quickstart"
HOSTS = frozenset({"127.0.0.1", "localhost"})
STARTER = "/api/orchestrators/hello_orchestrator"
MANAGEMENT_START = "/runtime/webhooks/durabletask/orchestrators/hello_orchestrator"
GRAPH_START = "/api/graphs/waiter/runs"


def request(method: str = "GET", **headers: str):
    return make_mocked_request(method, "/api/x", headers={"Host": "127.0.0.1:7071", **headers})


@pytest.mark.parametrize(
    ("headers", "foreign"),
    [
        ({}, False),  # curl, the SDK, scripts
        ({"Sec-Fetch-Site": "none"}, False),  # a URL typed into the address bar
        ({"Sec-Fetch-Site": "same-origin"}, False),  # the inspector
        ({"Sec-Fetch-Site": "same-site"}, True),  # another port on this host
        ({"Sec-Fetch-Site": "cross-site"}, True),  # <img> on another site: no Origin
        ({"Origin": "http://127.0.0.1:7071"}, False),
        ({"Origin": "http://127.0.0.1:8000"}, True),
        ({"Origin": "null"}, True),
        ({"Origin": "http://attacker.example", "Sec-Fetch-Site": "cross-site"}, True),
    ],
)
def test_what_counts_as_another_site(headers: dict[str, str], foreign: bool) -> None:
    assert is_foreign(request(**headers), HOSTS, Cors()) is foreign


def test_an_origin_listed_in_host_cors_is_not_foreign() -> None:
    cors = Cors(frozenset({"http://app.example"}))
    listed = request(Origin="http://app.example", **{"Sec-Fetch-Site": "cross-site"})
    assert not is_foreign(listed, HOSTS, cors)
    assert is_foreign(request(Origin="http://other.example"), HOSTS, cors)
    # A page with no Origin header (an <img>) cannot claim a listed origin.
    assert is_foreign(request(**{"Sec-Fetch-Site": "cross-site"}), HOSTS, cors)


def test_a_preflight_is_answered_from_host_cors() -> None:
    preflight = request(
        "OPTIONS",
        Origin="http://app.example",
        **{"Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "x-a"},
    )
    assert is_preflight(preflight) and not is_preflight(request("OPTIONS"))
    assert answer_preflight(preflight, Cors()).status == 403
    allowed = answer_preflight(preflight, Cors(frozenset({"http://app.example"}), True))
    assert allowed.status == 204
    assert dict(allowed.headers) == {
        "Access-Control-Allow-Origin": "http://app.example",
        "Vary": "Origin",
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Allow-Methods": "PUT",
        "Access-Control-Max-Age": "600",
        "Access-Control-Allow-Headers": "x-a",
    }


def test_host_cors_is_read_from_local_settings_as_core_tools_reads_it(tmp_path: Path) -> None:
    assert read_cors(tmp_path) == Cors()
    (tmp_path / "local.settings.json").write_text(
        json.dumps(
            {"Host": {"CORS": "http://a.example, HTTP://B.example/", "CORSCredentials": True}}
        )
    )
    assert read_cors(tmp_path) == Cors(frozenset({"http://a.example", "http://b.example"}), True)


# -- over HTTP, against every kind of route -------------------------------------------------


@pytest.fixture(scope="module")
def host() -> Iterator[LocalHost]:
    with LocalHost(QUICKSTART, store=":memory:", clock=VirtualClock()) as running:
        yield running


def instances(host: LocalHost) -> list[dict]:
    return host.get("/runtime/webhooks/durabletask/instances").json()


CROSS_SITE = {"Sec-Fetch-Site": "cross-site"}
FOREIGN_ORIGIN = {"Origin": "http://attacker.example", "Sec-Fetch-Site": "cross-site"}


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("GET", STARTER, CROSS_SITE),  # <img src=...>, a link, a navigation
        ("HEAD", STARTER, CROSS_SITE),
        ("POST", STARTER, FOREIGN_ORIGIN),  # a form
        ("POST", STARTER, CROSS_SITE),  # a browser that sends no Origin
        ("POST", GRAPH_START, FOREIGN_ORIGIN),
        ("POST", MANAGEMENT_START, FOREIGN_ORIGIN),
        ("GET", STARTER, {"Origin": "http://127.0.0.1:1", "Sec-Fetch-Site": "same-site"}),
    ],
)
def test_no_cross_site_request_starts_a_run(
    host: LocalHost, method: str, path: str, headers: dict[str, str]
) -> None:
    before = len(instances(host))
    reply = host.request(method, path, headers=headers, data=b"{}")
    assert reply.status == 403, reply.text
    if method != "HEAD":
        assert reply.json()["error"]["code"] == "origin_not_allowed"
    assert len(instances(host)) == before


@pytest.mark.parametrize("path", [STARTER, GRAPH_START, MANAGEMENT_START, "/api/health"])
def test_a_preflight_never_reaches_a_function(host: LocalHost, path: str) -> None:
    before = len(instances(host))
    preflight = {"Origin": "http://attacker.example", "Access-Control-Request-Method": "POST"}
    reply = host.request("OPTIONS", path, headers=preflight)
    assert reply.status == 403, reply.text
    assert "Access-Control-Allow-Origin" not in reply.headers
    assert len(instances(host)) == before


def test_requests_from_no_browser_and_from_the_same_origin_are_served(host: LocalHost) -> None:
    before = len(instances(host))
    assert host.get(STARTER).status == 202  # curl: the quickstart as documented
    same_origin = {"Origin": host.base_url, "Sec-Fetch-Site": "same-origin"}
    assert host.post(GRAPH_START, json={"input": {}}, headers=same_origin).status == 202
    typed = host.get(STARTER, headers={"Sec-Fetch-Site": "none"})  # the address bar
    assert typed.status == 202
    assert len(instances(host)) == before + 3
    # Reads from another site are served (the page cannot read them without CORS).
    assert host.get("/api/health", headers=CROSS_SITE).status == 200


def test_a_page_listed_in_host_cors_may_call_and_gets_cors_headers(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "function_app.py").write_text((QUICKSTART / "function_app.py").read_text())
    settings = {"Values": {}, "Host": {"CORS": "http://app.example"}}
    (app / "local.settings.json").write_text(json.dumps(settings))
    with LocalHost(app, store=":memory:", clock=VirtualClock()) as listed:
        preflight = {"Origin": "http://app.example", "Access-Control-Request-Method": "POST"}
        answered = listed.request("OPTIONS", GRAPH_START, headers=preflight)
        assert answered.status == 204
        assert answered.headers["Access-Control-Allow-Origin"] == "http://app.example"
        headers = {"Origin": "http://app.example", "Sec-Fetch-Site": "cross-site"}
        started = listed.post(GRAPH_START, json={"input": {}}, headers=headers)
        assert started.status == 202, started.text
        assert started.headers["Access-Control-Allow-Origin"] == "http://app.example"
        other = {"Origin": "http://other.example", "Sec-Fetch-Site": "cross-site"}
        assert listed.post(GRAPH_START, json={"input": {}}, headers=other).status == 403
