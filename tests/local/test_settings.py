"""local.settings.json and host.json, read the way the Functions host reads them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from azure_functions_durable_graph.local.settings import (
    HostSettings,
    SettingsError,
    apply_local_settings,
    read_host_settings,
)


def write(folder: Path, name: str, content: object) -> None:
    text = content if isinstance(content, str) else json.dumps(content)
    (folder / name).write_text(text, encoding="utf-8")


def test_values_are_exported_without_overriding_what_is_set(tmp_path: Path) -> None:
    write(
        tmp_path,
        "local.settings.json",
        {"IsEncrypted": False, "Values": {"GREETING": "hi", "ALREADY": "file", "DEBUG": True}},
    )
    env = {"ALREADY": "shell"}

    applied = apply_local_settings(tmp_path, env)

    assert env == {"ALREADY": "shell", "GREETING": "hi", "DEBUG": "true"}
    assert applied == {"GREETING": "hi", "DEBUG": "true"}


def test_missing_local_settings_changes_nothing(tmp_path: Path) -> None:
    env: dict[str, str] = {}
    assert apply_local_settings(tmp_path, env) == {}
    assert env == {}


def test_invalid_local_settings_json_names_the_file(tmp_path: Path) -> None:
    write(tmp_path, "local.settings.json", '{"Values": {"A": "1",}}')
    with pytest.raises(SettingsError, match=r"local\.settings\.json is not valid JSON"):
        apply_local_settings(tmp_path, {})


def test_a_nested_value_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "local.settings.json", {"Values": {"A": {"b": 1}}})
    with pytest.raises(SettingsError) as info:
        apply_local_settings(tmp_path, {})
    assert str(info.value) == (
        f"{tmp_path / 'local.settings.json'}: Values.A must be a string, found dict"
    )


def test_host_json_defaults(tmp_path: Path) -> None:
    write(tmp_path, "host.json", {"version": "2.0"})
    assert read_host_settings(tmp_path, {}) == HostSettings(
        route_prefix="api", hub_name="TestHubName"
    )
    assert read_host_settings(tmp_path / "absent", {}) == HostSettings()


def test_host_json_route_prefix_and_hub(tmp_path: Path) -> None:
    write(
        tmp_path,
        "host.json",
        {"extensions": {"http": {"routePrefix": "/v1/"}, "durableTask": {"hubName": "Orders"}}},
    )
    assert read_host_settings(tmp_path, {}) == HostSettings(route_prefix="v1", hub_name="Orders")


def test_empty_route_prefix_is_allowed(tmp_path: Path) -> None:
    write(tmp_path, "host.json", {"extensions": {"http": {"routePrefix": ""}}})
    assert read_host_settings(tmp_path, {}).route_prefix == ""


def test_hub_name_can_name_an_app_setting(tmp_path: Path) -> None:
    write(tmp_path, "host.json", {"extensions": {"durableTask": {"hubName": "%HUB%"}}})
    assert read_host_settings(tmp_path, {"HUB": "FromSetting"}).hub_name == "FromSetting"


def test_hub_name_with_punctuation_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "host.json", {"extensions": {"durableTask": {"hubName": "my-hub"}}})
    with pytest.raises(SettingsError, match="must hold only letters and digits, found 'my-hub'"):
        read_host_settings(tmp_path, {})


def test_invalid_host_json(tmp_path: Path) -> None:
    write(tmp_path, "host.json", "[1, 2]")
    with pytest.raises(SettingsError, match="must hold a JSON object, found list"):
        read_host_settings(tmp_path, {})
