"""A faster timestamp parser for the Durable SDK's replay, identical to the one it replaces.

Every orchestrator episode rebuilds the whole history, and the SDK (1.7)
parses each event's ``Timestamp`` with ``dateutil.parser.parse``: profiles
of a 200-step run put 46-77% of the CPU there (docs/benchmarks.md). The extension and the local host
write one shape only, ``YYYY-MM-DDTHH:MM:SS[.fffffff][Z|+HH:MM]`` (.NET's
round-trip format, fraction optional), which a regular expression and the
``datetime`` constructor read in a few microseconds.

Why it is safe (on Azure as on the local host):

- Only text matching that shape exactly (ASCII digits, ``T``, at most 9
  fraction digits, nothing around it) takes the fast path; anything else,
  and any value ``datetime`` rejects, goes to ``dateutil`` itself, so odd
  input gets dateutil's answer or its exception.
- The time zone a suffix gets is asked of dateutil once, for that suffix
  (dateutil gives ``tzlocal()`` when the suffix names the machine's own zone,
  e.g. ``Z`` where the local zone is UTC, ``tz.UTC`` or ``tzoffset`` otherwise).
  A suffix whose answer may depend on the date (``tzlocal()`` in a zone with
  daylight saving) always goes to dateutil.
- ``tests/test_sdk_speedups.py`` checks, with hypothesis, that the
  result equals dateutil's (value, tzinfo, offset, name, fold) on that shape
  under several local zones.
- The patch replaces one module attribute (``dt_parse`` of the SDK's
  ``HistoryEvent`` module) and is applied only to SDK versions whose
  ``HistoryEvent`` was read for this (`VERIFIED_SDK_VERSIONS`) and only while
  that attribute is still dateutil's ``parse``; otherwise `install` leaves
  the SDK alone and says why.

The local host's engine installs it when it starts (local/engine.py), and
every `DurableGraphApp` installs it when it is built (app.py): Azure's Python worker
runs the same SDK replay on the same history format. `install` costs under a
millisecond.
"""

from __future__ import annotations

import importlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

log = logging.getLogger(__name__)

#: azure-functions-durable versions (major.minor) whose HistoryEvent calls `dt_parse(Timestamp)`.
VERIFIED_SDK_VERSIONS = ("1.7",)

_SDK_MODULE = "azure.durable_functions.models.history.HistoryEvent"

_SHAPE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.([0-9]{1,9}))?(Z|[+-][0-9]{2}:[0-9]{2})?\Z",
    re.ASCII,
)

#: A suffix's zone as dateutil answers it: (tzinfo, fold), or None when it must ask every time.
_Zone = tuple[tzinfo, int] | None
#: Keyed by the suffix and the local zone (dateutil's answer depends on both).
_zones: dict[tuple[str, tuple[str, ...], int, int, int], _Zone] = {}
_PROBE = "2000-01-01T00:00:00"


def _dateutil(module: str) -> Any:
    """A dateutil module (imported by name: dateutil ships no type hints)."""
    return importlib.import_module(f"dateutil.{module}")


def _dateutil_parse(text: Any) -> datetime:
    moment: datetime = _dateutil("parser").parse(text)
    return moment


def _zone(suffix: str) -> _Zone:
    """What dateutil makes of `suffix`, if that does not depend on the date."""
    key = (suffix, tuple(time.tzname), time.timezone, time.altzone, time.daylight)
    if key in _zones:
        return _zones[key]
    tz = _dateutil("tz")
    try:
        probe = _dateutil_parse(_PROBE + suffix)
    except (ValueError, OverflowError):
        zone: _Zone = None
    else:
        found = probe.tzinfo
        date_dependent = isinstance(found, tz.tzlocal) and time.daylight != 0
        zone = None if found is None or date_dependent else (found, probe.fold)
    _zones[key] = zone
    return zone


def parse_timestamp(text: Any) -> datetime:
    """`dateutil.parser.parse(text)`, read directly when `text` has the extension's shape."""
    match = _SHAPE.match(text) if type(text) is str else None
    if match is None:
        return _dateutil_parse(text)
    year, month, day, hour, minute, second, fraction, suffix = match.groups()
    micro = int(fraction[:6].ljust(6, "0")) if fraction else 0
    try:
        if suffix is None:
            return datetime(
                int(year), int(month), int(day), int(hour), int(minute), int(second), micro
            )
        zone = _zone(suffix)
        if zone is None:
            return _dateutil_parse(text)
        moment = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), micro, zone[0]
        )
    except ValueError:
        return _dateutil_parse(text)
    return moment.replace(fold=1) if zone[1] else moment


@dataclass(frozen=True)
class SpeedupStatus:
    """Whether the SDK's history parsing uses `parse_timestamp`, and why (not)."""

    applied: bool
    reason: str


_original: Callable[..., datetime] | None = None


def install() -> SpeedupStatus:
    """Make the SDK's HistoryEvent parse timestamps with `parse_timestamp` (idempotent)."""
    global _original
    from importlib import metadata

    parse = _dateutil("parser").parse
    version = metadata.version("azure-functions-durable")
    if ".".join(version.split(".")[:2]) not in VERIFIED_SDK_VERSIONS:
        return _report(False, f"azure-functions-durable {version} is not a verified version")
    module = importlib.import_module(_SDK_MODULE)
    current = getattr(module, "dt_parse", None)
    if current is parse_timestamp:
        return SpeedupStatus(True, "already installed")
    if current is not parse:
        return _report(False, f"{_SDK_MODULE}.dt_parse is not dateutil's parse")
    _original = current
    setattr(module, "dt_parse", parse_timestamp)  # noqa: B010 (the SDK's module attribute)
    return _report(True, f"azure-functions-durable {version}: HistoryEvent timestamps patched")


def uninstall() -> None:
    """Give the SDK back dateutil's parser (tests compare both)."""
    global _original
    if _original is None:
        return
    setattr(importlib.import_module(_SDK_MODULE), "dt_parse", _original)  # noqa: B010
    _original = None


def _report(applied: bool, reason: str) -> SpeedupStatus:
    if applied:
        log.debug("SDK timestamp parser installed: %s", reason)
    else:
        log.info("SDK timestamp parser not installed (dateutil stays): %s", reason)
    return SpeedupStatus(applied, reason)
