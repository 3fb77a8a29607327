"""Route templates as the Functions host (ASP.NET Core routing) matches them."""

from __future__ import annotations

import pytest

from azure_functions_durable_graph.local.http.routes import (
    Router,
    RouteTemplate,
    RouteTemplateError,
)


def match(template: str, path: str) -> dict[str, str] | None:
    return RouteTemplate.parse(template).match(path)


def test_literal_segments_match_case_insensitively() -> None:
    assert match("orders/list", "/Orders/LIST") == {}
    assert match("orders/list", "orders/lists") is None
    assert match("orders/list", "orders") is None
    assert match("orders", "orders/list") is None


def test_parameters_take_one_decoded_segment() -> None:
    assert match("orders/{id}", "orders/a%20b") == {"id": "a b"}
    assert match("orders/{id}", "orders/7/items") is None


def test_optional_parameter() -> None:
    assert match("orders/{id?}", "orders") == {}
    assert match("orders/{id?}", "orders/3") == {"id": "3"}


def test_default_value() -> None:
    assert match("orders/{page=1}", "orders") == {"page": "1"}
    assert match("orders/{page=1}", "orders/4") == {"page": "4"}


def test_catch_all_takes_the_rest_of_the_path() -> None:
    assert match("files/{*path}", "files/a/b/c.txt") == {"path": "a/b/c.txt"}
    assert match("files/{*path}", "files") == {}
    assert match("files/{**path}", "files/x") == {"path": "x"}


def test_constraints() -> None:
    assert match("items/{id:int}", "items/42") == {"id": "42"}
    assert match("items/{id:int}", "items/abc") is None
    assert match("items/{name:alpha}", "items/abc") == {"name": "abc"}
    assert match("items/{name:alpha}", "items/ab1") is None
    guid = "0f8fad5b-d9cb-469f-a165-70867728950e"
    assert match("items/{id:guid}", f"items/{guid}") == {"id": guid}
    assert match("items/{id:guid}", "items/nope") is None
    assert match("items/{code:length(2,3)}", "items/abcd") is None
    assert match("items/{n:range(1,5)}", "items/5") == {"n": "5"}
    assert match("items/{n:min(2):max(3)}", "items/4") is None
    assert match("items/{v:regex(^v[0-9]+$)}", "items/v12") == {"v": "v12"}
    assert match("items/{b:bool}", "items/True") == {"b": "True"}


def test_several_parameters_in_one_segment() -> None:
    assert match("files/{name}.{ext}", "files/report.pdf") == {"name": "report", "ext": "pdf"}


def test_bad_templates_are_explained() -> None:
    with pytest.raises(RouteTemplateError, match="unknown route constraint 'color'"):
        RouteTemplate.parse("a/{x:color}")
    with pytest.raises(RouteTemplateError, match=r"catch-all \{\*rest\} must be the last segment"):
        RouteTemplate.parse("a/{*rest}/b")
    with pytest.raises(RouteTemplateError, match="uses the parameter name 'X' twice"):
        RouteTemplate.parse("{x}/{X}")
    with pytest.raises(RouteTemplateError, match="unbalanced brace"):
        RouteTemplate.parse("a/{x")


def test_router_prefers_literals_then_constraints_then_catch_all() -> None:
    router: Router[str] = Router()
    router.add("{*rest}", "catch-all")
    router.add("orders/{id}", "plain")
    router.add("orders/{id:int}", "int")
    router.add("orders/new", "literal")

    assert [t for t, _ in router.match("orders/new")] == ["literal", "plain", "catch-all"]
    assert [t for t, _ in router.match("orders/5")] == ["int", "plain", "catch-all"]
    assert next(router.match("anything/else")) == ("catch-all", {"rest": "anything/else"})
