"""The SDK timestamp patch: same answers as dateutil, applied only where it was verified."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from importlib import import_module
from typing import Any

import pytest
from dateutil.parser import parse as dateutil_parse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from azure_functions_durable_graph import _sdk_speedups
from azure_functions_durable_graph._sdk_speedups import install, parse_timestamp, uninstall
from tests.local import apps_for_engine as apps
from tests.local.engine_support import run_engine

HISTORY_EVENT = import_module("azure.durable_functions.models.history.HistoryEvent")

# POSIX TZ strings need no tzdata: UTC, a zone with a half-hour offset, two with daylight saving.
ZONES = ["UTC0", "IST-5:30", "GMT0BST,M3.5.0/1,M10.5.0", "EST5EDT,M3.2.0,M11.1.0"]


@pytest.fixture(params=ZONES)
def local_zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test with the process's local zone set to one of `ZONES`."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    try:
        yield request.param
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


def _digits(low: int, high: int, width: int) -> st.SearchStrategy[str]:
    return st.integers(low, high).map(lambda n: str(n).zfill(width))


# The extension's shape, with every field allowed out of range so invalid dates are covered too.
timestamps = st.builds(
    lambda y, mo, d, h, mi, s, fraction, suffix: f"{y}-{mo}-{d}T{h}:{mi}:{s}{fraction}{suffix}",
    _digits(0, 9999, 4),
    _digits(0, 13, 2),
    _digits(0, 32, 2),
    _digits(0, 25, 2),
    _digits(0, 60, 2),
    _digits(0, 61, 2),
    st.one_of(st.just(""), st.text("0123456789", min_size=0, max_size=12).map(lambda f: "." + f)),
    st.one_of(
        st.sampled_from(["", "Z", "+00:00", "-00:00", "z"]),
        st.builds(
            lambda sign, h, m: f"{sign}{h}:{m}",
            st.sampled_from("+-"),
            _digits(0, 25, 2),
            _digits(0, 60, 2),
        ),
    ),
)


def _guarded(read: Any) -> Any:
    try:
        return read()
    except Exception as exc:
        return ("raised", type(exc), str(exc))


def _outcome(parse: Any, text: Any) -> tuple[Any, ...]:
    """Everything that could tell two parsers apart: value, zone object, offset, name, fold."""
    try:
        moment: datetime = parse(text)
    except Exception as exc:
        return ("raised", type(exc))
    zone = moment.tzinfo
    return (
        moment.replace(tzinfo=None),
        type(zone),
        zone,
        _guarded(moment.utcoffset),
        _guarded(moment.tzname),
        moment.fold,
    )


# The zone is set once per parametrized test and is meant to stay for all its examples.
@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=timestamps)
def test_extension_shaped_timestamps_parse_as_dateutil_does(local_zone: str, text: str) -> None:
    assert _outcome(parse_timestamp, text) == _outcome(dateutil_parse, text)


@settings(max_examples=200, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=40),
        timestamps.map(lambda t: f" {t}"),
        timestamps.map(lambda t: f"{t}\n"),
        timestamps.map(lambda t: t.replace("T", " ")),
    )
)
def test_other_text_gets_dateutils_answer_or_exception(text: str) -> None:
    assert _outcome(parse_timestamp, text) == _outcome(dateutil_parse, text)


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-05T17:58:56.000000Z",  # the local host's format_time
        "2021-03-05T18:57:34.1234567Z",  # .NET round-trip, 7 digits
        "2021-03-05T18:57:34.12Z",  # .NET drops trailing zeros
        "2021-03-05T18:57:34Z",
        "2021-03-05T18:57:34.5+01:00",
    ],
)
def test_formats_the_extension_and_local_host_write_match_dateutil(
    local_zone: str, text: str
) -> None:
    assert _outcome(parse_timestamp, text) == _outcome(dateutil_parse, text)


def test_install_patches_the_sdk_and_uninstall_restores_dateutil() -> None:
    was_installed = HISTORY_EVENT.dt_parse is parse_timestamp
    uninstall()
    try:
        assert HISTORY_EVENT.dt_parse is dateutil_parse
        status = install()
        assert status.applied, status.reason
        assert HISTORY_EVENT.dt_parse is parse_timestamp
        event = HISTORY_EVENT.HistoryEvent(
            EventType=12, EventId=-1, IsPlayed=True, Timestamp="2021-03-05T18:57:34.1234567Z"
        )
        assert event.timestamp == dateutil_parse("2021-03-05T18:57:34.1234567Z")
        assert install() == _sdk_speedups.SpeedupStatus(True, "already installed")
    finally:
        if not was_installed:
            uninstall()


def test_install_leaves_an_unverified_sdk_version_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    was_installed = HISTORY_EVENT.dt_parse is parse_timestamp
    uninstall()
    monkeypatch.setattr("importlib.metadata.version", lambda name: "1.8.0")
    try:
        status = install()
        assert not status.applied
        assert "1.8.0 is not a verified version" in status.reason
        assert HISTORY_EVENT.dt_parse is dateutil_parse
    finally:
        monkeypatch.undo()
        if was_installed:
            install()


def test_install_leaves_a_changed_sdk_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    was_installed = HISTORY_EVENT.dt_parse is parse_timestamp
    uninstall()

    def other_parser(text: str) -> datetime:
        return dateutil_parse(text)

    monkeypatch.setattr(HISTORY_EVENT, "dt_parse", other_parser)
    try:
        status = install()
        assert not status.applied
        assert "is not dateutil's parse" in status.reason
        assert HISTORY_EVENT.dt_parse is other_parser
    finally:
        monkeypatch.undo()
        if was_installed:
            install()


def test_importing_the_local_host_leaves_the_sdk_alone() -> None:
    # A fresh interpreter: this process has long since started engines.
    code = (
        "from importlib import import_module\n"
        "import azure_functions_durable_graph.local.episode\n"
        "import azure_functions_durable_graph.local.host\n"
        "from azure_functions_durable_graph._sdk_speedups import parse_timestamp\n"
        "event = import_module('azure.durable_functions.models.history.HistoryEvent')\n"
        "print(event.dt_parse is parse_timestamp)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )

    assert done.stdout.strip() == "False"


def test_starting_the_local_engine_installs_the_parser() -> None:
    was_installed = HISTORY_EVENT.dt_parse is parse_timestamp
    uninstall()
    try:
        assert HISTORY_EVENT.dt_parse is dateutil_parse
        run_engine(apps.app, lambda engine: asyncio.sleep(0))
        assert HISTORY_EVENT.dt_parse is parse_timestamp
    finally:
        if not was_installed:
            uninstall()
