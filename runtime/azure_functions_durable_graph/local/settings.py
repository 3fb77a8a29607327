"""The two project files the Functions host reads before it starts an app.

`local.settings.json` `Values` become environment variables (Core Tools
never overrides a variable that is already set), and `host.json` gives the
HTTP route prefix and the Durable task hub name.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import LocalHostError

DEFAULT_ROUTE_PREFIX = "api"
DEFAULT_HUB_NAME = "TestHubName"
_SETTING_REFERENCE = re.compile(r"^%([^%]+)%$")


class SettingsError(LocalHostError):
    """local.settings.json or host.json cannot be used."""


@dataclass(frozen=True)
class HostSettings:
    """What the local host takes from host.json."""

    route_prefix: str = DEFAULT_ROUTE_PREFIX
    hub_name: str = DEFAULT_HUB_NAME


def _read_json_object(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise SettingsError(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise SettingsError(f"{path} must hold a JSON object, found {type(data).__name__}")
    return data


def _setting_text(path: Path, key: str, value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise SettingsError(f"{path}: Values.{key} must be a string, found {type(value).__name__}")


def read_local_settings(app_dir: Path) -> dict[str, str]:
    """The `Values` of `<app_dir>/local.settings.json`, or {} when the file is absent."""
    path = app_dir / "local.settings.json"
    if not path.is_file():
        return {}
    values = _read_json_object(path).get("Values", {})
    if not isinstance(values, dict):
        raise SettingsError(f"{path}: Values must be a JSON object, found {type(values).__name__}")
    result: dict[str, str] = {}
    for key, value in values.items():
        text = _setting_text(path, key, value)
        if text is not None:
            result[key] = text
    return result


def apply_local_settings(
    app_dir: Path, environ: MutableMapping[str, str] | None = None
) -> dict[str, str]:
    """Export local.settings.json `Values` that are not set yet; return those it set."""
    env = os.environ if environ is None else environ
    applied: dict[str, str] = {}
    for key, value in read_local_settings(app_dir).items():
        if key not in env:
            env[key] = value
            applied[key] = value
    return applied


def _resolve_setting_reference(value: str, environ: MutableMapping[str, str]) -> str:
    """host.json may name an app setting as `%Name%`, as the real host allows."""
    match = _SETTING_REFERENCE.match(value)
    if match is None:
        return value
    return environ.get(match.group(1), "")


def read_host_settings(
    app_dir: Path, environ: MutableMapping[str, str] | None = None
) -> HostSettings:
    """Route prefix and hub name from `<app_dir>/host.json` (defaults when absent)."""
    env = os.environ if environ is None else environ
    path = app_dir / "host.json"
    if not path.is_file():
        return HostSettings()
    extensions = _read_json_object(path).get("extensions") or {}
    if not isinstance(extensions, dict):
        raise SettingsError(f"{path}: extensions must be a JSON object")
    http = extensions.get("http") or {}
    durable = extensions.get("durableTask") or {}
    if not isinstance(http, dict) or not isinstance(durable, dict):
        raise SettingsError(f"{path}: extensions.http and extensions.durableTask must be objects")

    prefix = http.get("routePrefix", DEFAULT_ROUTE_PREFIX)
    if not isinstance(prefix, str):
        raise SettingsError(
            f"{path}: extensions.http.routePrefix must be a string, found {type(prefix).__name__}"
        )
    hub = durable.get("hubName", DEFAULT_HUB_NAME)
    if not isinstance(hub, str):
        raise SettingsError(
            f"{path}: extensions.durableTask.hubName must be a string, found {type(hub).__name__}"
        )
    hub = _resolve_setting_reference(hub, env) or DEFAULT_HUB_NAME
    if not hub.isalnum() or not hub.isascii():
        raise SettingsError(
            f"{path}: extensions.durableTask.hubName must hold only letters and digits, "
            f"found {hub!r}"
        )
    return HostSettings(route_prefix=prefix.strip("/"), hub_name=hub)
