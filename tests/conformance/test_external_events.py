"""External events are buffered when they arrive before the orchestrator waits for them."""

from tests.conformance.links import HostFactory, event_url, events_of, follow, poll, start_run
from tests.helpers import eventually, unique_id


def test_an_event_sent_before_the_wait_is_buffered(local_host: HostFactory) -> None:
    host = local_host("external_events")
    links = start_run(host, "/api/orchestrators/in_order")
    poll(links, "Running")

    assert follow(event_url(links, "second"), "POST", {"n": 2}).status == 202
    # "second" is in the history, yet the run still waits for "first".
    eventually(lambda: events_of(host.history(links["id"]), "EventRaised"))
    assert follow(links["statusQueryGetUri"]).json()["runtimeStatus"] == "Running"
    assert follow(event_url(links, "first"), "POST", {"n": 1}).status == 202
    status = poll(links)

    assert status["runtimeStatus"] == "Completed"
    assert status["output"] == [{"n": 1}, {"n": 2}]
    raised = [event["Name"] for event in events_of(host.history(links["id"]), "EventRaised")]
    assert raised == ["second", "first"]


def test_events_of_one_name_are_delivered_in_the_order_sent(local_host: HostFactory) -> None:
    host = local_host("external_events")
    instance_id = unique_id("items")
    links = start_run(host, f"/api/orchestrators/collect_three/{instance_id}")

    # Sent straight away: some may arrive before the first episode has even run.
    for item in ("apple", "pear", "plum"):
        assert follow(event_url(links, "item"), "POST", item).status == 202
    status = poll(links)

    assert links["id"] == instance_id
    assert status["output"] == ["apple", "pear", "plum"]


def test_raise_event_through_the_client_double_encodes_the_payload(
    local_host: HostFactory,
) -> None:
    host = local_host("external_events")
    links = start_run(host, "/api/orchestrators/in_order")
    instance_id = links["id"]

    host.post(f"/api/runs/{instance_id}/events/first", json={"ok": True})
    host.post(f"/api/runs/{instance_id}/events/second", json=[1, 2])
    status = poll(links)

    # raise_event json.dumps the payload and aiohttp encodes that text again: the
    # orchestrator receives JSON text, exactly as it does from the real extension.
    assert status["output"] == ['{"ok": true}', "[1, 2]"]


def test_raising_an_event_for_an_unknown_instance_is_404(local_host: HostFactory) -> None:
    host = local_host("external_events")
    links = start_run(host, "/api/orchestrators/in_order")

    url = event_url(links, "first").replace(links["id"], unique_id("missing"))

    assert follow(url, "POST", 1).status == 404
