"""The multitask strategies, thread TTL and thread search answered as `langgraph dev`
answers them: the
same script against LangGraph's own server and the local host, compared after
`normalised` (ids and timestamps out). `langgraph dev` keeps a thread's ttl but never
sweeps it (its in-memory runtime has no sweeper), so expiry itself is tested only here
(test_thread_ttl.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from azure_functions_durable_graph.testing import LocalHost
from tests.agent_server.conftest import AGENT_APP
from tests.agent_server.langgraph_dev import assert_same_answers
from tests.agent_server.langgraph_dev import langgraph_dev as serve_langgraph_dev
from tests.agent_server.scenario import normalised, say
from tests.helpers import eventually


@pytest.fixture(scope="module")
def langgraph_dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_langgraph_dev(AGENT_APP, tmp_path_factory.mktemp("langgraph-dev")) as url:
        yield url


#: What both servers must agree on in a run's body (LangGraph adds kwargs of its own).
RUN_KEYS = ("status", "multitask_strategy", "metadata")


def answer(reply: httpx.Response) -> dict[str, Any]:
    return {
        "status": reply.status_code,
        "body": normalised(reply.json()) if reply.content else None,
    }


def run_answer(reply: httpx.Response) -> dict[str, Any]:
    body = reply.json()
    kept = {k: body[k] for k in RUN_KEYS if k in body} if reply.status_code == 200 else body
    return {"status": reply.status_code, "body": normalised(kept)}


def script(url: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with httpx.Client(base_url=url, timeout=60) as http:
        ttl = {"strategy": "delete", "ttl": 60}
        created = http.post("/threads", json={"ttl": ttl, "metadata": {"user": "ada"}})
        out["create with ttl"] = answer(created)
        thread_id = created.json()["thread_id"]
        out["update ttl"] = answer(http.patch(f"/threads/{thread_id}", json={"ttl": ttl}))
        bad = http.post("/threads", json={"ttl": {"strategy": "forever", "ttl": 1}})
        out["bad ttl strategy"] = bad.status_code

        slow = {"assistant_id": "chatbot", "input": say("slowly: one")}
        first = http.post(f"/threads/{thread_id}/runs", json=slow).json()
        eventually(
            lambda: (
                http.get(f"/threads/{thread_id}/runs/{first['run_id']}").json()["status"]
                == "running"
            )
        )
        rejected = {"assistant_id": "chatbot", "input": say("no"), "multitask_strategy": "reject"}
        out["reject while busy"] = run_answer(
            http.post(f"/threads/{thread_id}/runs", json=rejected)
        )
        queued = {"assistant_id": "chatbot", "input": say("two"), "multitask_strategy": "enqueue"}
        second = http.post(f"/threads/{thread_id}/runs", json=queued)
        out["enqueue while busy"] = run_answer(second)
        defaulted = http.post(
            f"/threads/{thread_id}/runs", json={"assistant_id": "chatbot", "input": say("three")}
        )
        out["default strategy while busy"] = run_answer(defaulted)
        out["thread while queued"] = http.get(f"/threads/{thread_id}").json()["status"]
        third_id = defaulted.json()["run_id"]
        out["join the last"] = answer(http.get(f"/threads/{thread_id}/runs/{third_id}/join"))
        runs = http.get(f"/threads/{thread_id}/runs").json()
        out["runs"] = [(r["status"], r["multitask_strategy"]) for r in runs]
        out["thread after"] = answer(http.get(f"/threads/{thread_id}"))
        tag = {"user": "ada"}
        for n in range(3):
            http.post("/threads", json={"metadata": {**tag, "n": n}})
        page = http.post("/threads/search", json={"metadata": tag, "limit": 2, "offset": 1})
        out["search a page"] = answer(page)
        idle = {"metadata": tag, "status": "idle", "sort_by": "updated_at", "limit": 1}
        out["search on status"] = answer(http.post("/threads/search", json=idle))
        out["count"] = answer(http.post("/threads/count", json={"metadata": tag}))
    return out


def test_multitask_and_ttl_answer_as_langgraph_dev_does(
    langgraph_dev: str, host: LocalHost
) -> None:
    expected = script(langgraph_dev)
    actual = script(f"{host.base_url}/api/langgraph")

    assert_same_answers(expected, actual)
