"""A page on another site, in a real Chromium, tries to start and cancel runs on a local host.

The page is served from another origin (`localhost:<other port>`, a different site from
`127.0.0.1`) with no request interception, so the browser sends exactly what it would
send for a real page: `<img>` GETs, `no-cors` fetches, form POSTs, and CORS preflights
before non-simple fetches. Targets cover every kind of route: the graph API, Microsoft's
quickstart starter (a route without methods=) and the Durable management API.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from azure_functions_durable_graph.testing import LocalHost
from tests.api.local_apps import start_run, wait_until_waiting

QUICKSTART = Path(__file__).parents[1] / "local" / "apps" / "quickstart"

ATTACK = """<!doctype html><meta charset="utf-8"><iframe name="sink"></iframe><script>
const H = %(host)r, RUN = %(run)r;
const starts = [`${H}/api/graphs/waiter/runs`, `${H}/api/orchestrators/hello_orchestrator`,
  `${H}/runtime/webhooks/durabletask/orchestrators/hello_orchestrator`];
const cancels = [`${H}/api/runs/${RUN}/cancel`,
  `${H}/runtime/webhooks/durabletask/instances/${RUN}/terminate?reason=x`,
  `${H}/runtime/webhooks/durabletask/instances/${RUN}`];
const body = JSON.stringify({input: {}, reason: "x"});
const settle = (p) => p.then(() => "sent", (e) => String(e));
function img(url) {
  return new Promise((done) => {
    const i = new Image(); i.onload = i.onerror = done; i.src = url;
  });
}
function form(url, method) {
  return new Promise((done) => {
    const f = document.createElement("form");
    f.method = method; f.action = url; f.target = "sink"; f.enctype = "text/plain";
    const field = document.createElement("input");
    field.name = '{"input": {}, "x": "'; field.value = '"}'; f.appendChild(field);
    document.body.appendChild(f);
    document.querySelector("iframe").onload = done;
    setTimeout(done, 3000);
    f.submit();
  });
}
async function attack(url) {
  await img(url);
  await settle(fetch(url, {mode: "no-cors"}));
  await settle(fetch(url, {mode: "no-cors", method: "POST", body}));
  await form(url, "POST");
  await settle(fetch(url, {method: "POST", headers: {"Content-Type": "application/json"}, body}));
  await settle(fetch(url, {method: "PUT", body}));
  await settle(fetch(url, {method: "DELETE"}));
  await settle(fetch(url, {headers: {"X-Requested-With": "page"}}));
}
(async () => {
  for (const url of [...starts, ...cancels]) await attack(url);
  window.attacked = true;
})();
</script>"""


@pytest.fixture
def attacker_page() -> Iterator[tuple[ThreadingHTTPServer, dict[str, str]]]:
    """A tiny server on another port that serves whatever page the test puts in `pages`."""
    pages: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            text = pages.get(self.path, "").encode()
            self.send_response(200 if text else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(text)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, pages
    finally:
        server.shutdown()
        server.server_close()


def test_a_page_on_another_site_cannot_start_or_cancel_runs(
    browser: Any, attacker_page: tuple[ThreadingHTTPServer, dict[str, str]]
) -> None:
    server, pages = attacker_page
    with LocalHost(QUICKSTART, store=":memory:") as host:
        links = start_run(host, "waiter", {})
        wait_until_waiting(host, links, "go")
        run_id = links["instance_id"]
        pages["/attack.html"] = ATTACK % {"host": host.base_url, "run": run_id}

        context = browser.new_context()  # no interception: the browser's own requests
        try:
            page = context.new_page()
            seen: list[tuple[str, str, int]] = []
            page.on(
                "response",
                lambda r: (
                    seen.append((r.request.method, r.url, r.status))
                    if r.url.startswith(host.base_url)
                    else None
                ),
            )
            page.goto(f"http://localhost:{server.server_address[1]}/attack.html")
            page.wait_for_function("window.attacked === true", timeout=60_000)
        finally:
            context.close()

        host.wait_until_idle()
        runs = host.get("/runtime/webhooks/durabletask/instances").json()
        assert [r["instanceId"] for r in runs] == [run_id]  # nothing started
        assert host.get(f"/api/runs/{run_id}").json()["status"] == "Running"  # nor cancelled
        # The requests did reach the host, and it refused them (not the browser alone).
        starter = f"{host.base_url}/api/orchestrators/hello_orchestrator"
        assert ("GET", starter, 403) in seen, seen
        assert ("POST", starter, 403) in seen, seen
        reached = [s for s in seen if s[2] < 400]
        assert all(method == "GET" for method, _, _ in reached), reached
