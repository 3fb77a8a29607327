"""Terminate, purge, list and filter, through the client and through the management URLs."""

from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from tests.conformance.links import HostFactory, events_of, follow, poll, start_run
from tests.helpers import unique_id


def test_terminate_through_the_client(local_host: HostFactory) -> None:
    host = local_host("management")
    links = start_run(host, "/api/orchestrators/wait_forever")
    poll(links, "Running")

    reply = host.post(f"/api/runs/{links['id']}/terminate?reason=changed%20my%20mind")
    status = poll(links)

    assert reply.status == 202
    assert status["runtimeStatus"] == "Terminated"
    assert status["output"] == "changed my mind"
    assert len(events_of(host.history(links["id"]), "ExecutionTerminated")) == 1


def test_terminate_through_the_management_url(local_host: HostFactory) -> None:
    host = local_host("management")
    links = start_run(host, "/api/orchestrators/wait_forever")
    poll(links, "Running")

    reply = follow(links["terminatePostUri"].replace("{text}", quote("from the link")), "POST")
    status = poll(links)

    assert reply.status == 202
    assert status["runtimeStatus"] == "Terminated"
    assert status["output"] == "from the link"


def test_terminating_a_finished_run_is_410(local_host: HostFactory) -> None:
    host = local_host("management")
    links = start_run(host, "/api/orchestrators/echo", "done")
    assert poll(links)["output"] == "DONE"

    reply = follow(links["terminatePostUri"].replace("{text}", "late"), "POST")

    assert reply.status == 410
    assert poll(links)["runtimeStatus"] == "Completed"


def test_purge_through_the_client_forgets_the_instance(local_host: HostFactory) -> None:
    host = local_host("management")
    links = start_run(host, "/api/orchestrators/echo", "bye")
    poll(links)

    first = host.request("DELETE", f"/api/runs/{links['id']}")
    second = host.request("DELETE", f"/api/runs/{links['id']}")

    assert first.json() == {"instancesDeleted": 1}
    assert second.json() == {"instancesDeleted": 0}
    assert follow(links["statusQueryGetUri"]).status == 404


def test_purge_through_the_management_url(local_host: HostFactory) -> None:
    host = local_host("management")
    links = start_run(host, "/api/orchestrators/echo", "bye")
    poll(links)

    reply = follow(links["purgeHistoryDeleteUri"], "DELETE")

    assert reply.status == 200
    assert reply.json() == {"instancesDeleted": 1}
    assert follow(links["statusQueryGetUri"]).status == 404


def test_list_and_filter_instances_through_the_client(local_host: HostFactory) -> None:
    host = local_host("management")
    prefix = unique_id("batch") + "-"
    done = [start_run(host, f"/api/orchestrators/echo/{prefix}{n}", f"run {n}") for n in (1, 2)]
    waiting = start_run(host, f"/api/orchestrators/wait_forever/{prefix}3")
    other = start_run(host, "/api/orchestrators/echo", "not in the batch")
    for links in [*done, other]:
        poll(links)
    poll(waiting, "Running")

    everything = {row["instanceId"] for row in host.get("/api/runs").json()}
    batch = host.get(f"/api/runs-by?prefix={prefix}").json()
    running = host.get(f"/api/runs-by?prefix={prefix}&status=Running").json()
    finished = host.get(f"/api/runs-by?prefix={prefix}&status=Completed,Failed").json()
    later = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()
    from_future = host.get(f"/api/runs-by?prefix={prefix}&from={quote(later)}").json()

    assert {f"{prefix}{n}" for n in (1, 2, 3)} | {other["id"]} <= everything
    assert sorted(row["instanceId"] for row in batch) == [f"{prefix}{n}" for n in (1, 2, 3)]
    expected = {"instanceId": f"{prefix}3", "name": "wait_forever", "runtimeStatus": "Running"}
    assert running == [expected]
    assert sorted(row["instanceId"] for row in finished) == [f"{prefix}1", f"{prefix}2"]
    assert from_future == []


def test_starting_with_an_id_in_use_by_a_running_instance_is_refused(
    local_host: HostFactory,
) -> None:
    host = local_host("management")
    instance_id = unique_id("dup")
    poll(start_run(host, f"/api/orchestrators/wait_forever/{instance_id}"), "Running")

    through_starter = host.post(f"/api/orchestrators/wait_forever/{instance_id}")
    direct = host.post(f"/runtime/webhooks/durabletask/orchestrators/wait_forever/{instance_id}")

    # The management API answers 409; the client raises it in the starter, which fails.
    assert direct.status == 409
    assert through_starter.status == 500
    assert f"'{instance_id}' already exists and is Running" in through_starter.text


def test_a_finished_instance_id_can_be_reused(local_host: HostFactory) -> None:
    host = local_host("management")
    instance_id = unique_id("again")
    assert poll(start_run(host, f"/api/orchestrators/echo/{instance_id}", "one"))["output"] == "ONE"

    second = poll(start_run(host, f"/api/orchestrators/echo/{instance_id}", "two"))

    assert second["output"] == "TWO"
    assert len(events_of(host.history(instance_id), "ExecutionStarted")) == 1
