"""Functions (ASP.NET Core) route templates: parse, match, order by precedence.

    "orders/{id:int}/items/{*rest}"  +  "/ORDERS/7/items/a/b"
        -> {"id": "7", "rest": "a/b"}

Supported: literal segments (matched case-insensitively), `{x}`,
optional `{x?}` and defaults `{x=v}`, catch-all `{*x}` / `{**x}`,
constraints `{x:int}`, `{x:alpha}`, `{x:guid}`, `{x:length(2,5)}`, ...
and several parameters in one segment (`{name}.{ext}`). When several
templates match, literal segments beat parameters, constrained
parameters beat plain ones, and catch-alls come last, as in ASP.NET.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Generic, TypeVar
from urllib.parse import unquote

from ..errors import LocalHostError

T = TypeVar("T")


class RouteTemplateError(LocalHostError, ValueError):
    """A route template is not valid."""


def _is_int(v: str) -> bool:
    return re.fullmatch(r"-?\d+", v) is not None


def _is_number(v: str) -> bool:
    try:
        Decimal(v)
    except InvalidOperation:
        return False
    return True


def _is_guid(v: str) -> bool:
    try:
        uuid.UUID(v)
    except ValueError:
        return False
    return True


def _is_datetime(v: str) -> bool:
    try:
        datetime.fromisoformat(v)
    except ValueError:
        return False
    return True


_SIMPLE: dict[str, Callable[[str], bool]] = {
    "int": _is_int,
    "long": _is_int,
    "decimal": _is_number,
    "double": _is_number,
    "float": _is_number,
    "bool": lambda v: v.lower() in ("true", "false"),
    "guid": _is_guid,
    "datetime": _is_datetime,
    "alpha": lambda v: re.fullmatch(r"[A-Za-z]+", v) is not None,
    "required": lambda v: v != "",
}


def _int_args(name: str, args: str, count: tuple[int, ...]) -> list[int]:
    parts = [a.strip() for a in args.split(",")] if args else []
    if len(parts) not in count or not all(_is_int(p) for p in parts):
        expected = " or ".join(str(c) for c in count)
        raise RouteTemplateError(
            f"route constraint {name}({args}) needs {expected} integer argument(s)"
        )
    return [int(p) for p in parts]


def _constraint(spec: str) -> Callable[[str], bool]:
    match = re.fullmatch(r"(\w+)(?:\((.*)\))?", spec, re.DOTALL)
    if match is None:
        raise RouteTemplateError(f"route constraint {spec!r} is not valid")
    name, args = match.group(1).lower(), match.group(2)
    if args is None and name in _SIMPLE:
        return _SIMPLE[name]
    if name == "regex" and args is not None:
        pattern = re.compile(args, re.IGNORECASE)
        return lambda v: pattern.search(v) is not None
    if name in ("minlength", "maxlength", "min", "max"):
        (n,) = _int_args(name, args or "", (1,))
        return {
            "minlength": lambda v: len(v) >= n,
            "maxlength": lambda v: len(v) <= n,
            "min": lambda v: _is_int(v) and int(v) >= n,
            "max": lambda v: _is_int(v) and int(v) <= n,
        }[name]
    if name == "length":
        bounds = _int_args(name, args or "", (1, 2))
        low, high = bounds[0], bounds[-1]
        return lambda v: low <= len(v) <= high
    if name == "range":
        low, high = _int_args(name, args or "", (2,))
        return lambda v: _is_int(v) and low <= int(v) <= high
    raise RouteTemplateError(
        f"unknown route constraint {spec!r}; expected one of int, long, decimal, double, float, "
        "bool, guid, datetime, alpha, minlength(n), maxlength(n), length(n[,m]), min(n), max(n), "
        "range(a,b), regex(expr)"
    )


@dataclass(frozen=True)
class _Param:
    name: str
    optional: bool = False
    default: str | None = None
    catch_all: bool = False
    checks: tuple[Callable[[str], bool], ...] = ()


# Precedence ranks per segment: lower wins.
_LITERAL, _COMPLEX, _CONSTRAINED, _PLAIN, _CATCH_ALL = range(5)
_PARAM = re.compile(r"\{([^{}]*)\}")


def _parse_param(body: str, template: str) -> _Param:
    catch_all = body.startswith("*")
    body = body.lstrip("*")
    default: str | None = None
    optional = False
    if "=" in body:
        body, default = body.split("=", 1)
    if body.endswith("?"):
        body, optional = body[:-1], True
    name, *specs = _split_constraints(body)
    if not re.fullmatch(r"[A-Za-z_]\w*", name):
        raise RouteTemplateError(f"route {template!r}: parameter name {name!r} is not valid")
    checks = tuple(_constraint(s) for s in specs)
    return _Param(name, optional or catch_all, default, catch_all, checks)


def _split_constraints(body: str) -> list[str]:
    """Split `name:c1:regex(a:b)` on colons outside parentheses."""
    parts, depth, current = [], 0, ""
    for ch in body:
        if ch == ":" and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        current += ch
    parts.append(current)
    return parts


@dataclass
class RouteTemplate:
    """One parsed template; `match()` takes a path without the route prefix."""

    template: str
    _segments: list[re.Pattern[str] | str] = field(default_factory=list, repr=False)
    _params: list[list[_Param]] = field(default_factory=list, repr=False)
    precedence: tuple[int, ...] = ()

    @classmethod
    def parse(cls, template: str) -> RouteTemplate:
        """Parse a template; raise RouteTemplateError naming what is wrong."""
        text = template.strip().strip("/")
        route = cls(template)
        raw_segments = text.split("/") if text else []
        ranks: list[int] = []
        names: set[str] = set()
        for index, raw in enumerate(raw_segments):
            if raw == "":
                raise RouteTemplateError(f"route {template!r} has an empty segment")
            if not _PARAM.search(raw):
                if "{" in raw or "}" in raw:
                    raise RouteTemplateError(f"route {template!r}: unbalanced brace in {raw!r}")
                route._segments.append(raw.lower())
                route._params.append([])
                ranks.append(_LITERAL)
                continue
            params, pattern = cls._parse_segment(raw, template)
            for p in params:
                if p.name.lower() in names:
                    raise RouteTemplateError(
                        f"route {template!r} uses the parameter name {p.name!r} twice"
                    )
                names.add(p.name.lower())
                last = index == len(raw_segments) - 1
                if p.catch_all and not last:
                    raise RouteTemplateError(
                        f"route {template!r}: catch-all {{*{p.name}}} must be the last segment"
                    )
            route._segments.append(pattern)
            route._params.append(params)
            if len(params) == 1 and params[0].catch_all:
                ranks.append(_CATCH_ALL)
            elif len(params) > 1 or _PARAM.sub("", raw):
                ranks.append(_COMPLEX)
            else:
                ranks.append(_CONSTRAINED if params[0].checks else _PLAIN)
        route.precedence = tuple(ranks)
        return route

    @staticmethod
    def _parse_segment(raw: str, template: str) -> tuple[list[_Param], re.Pattern[str]]:
        params: list[_Param] = []
        regex, pos = "", 0
        for m in _PARAM.finditer(raw):
            regex += re.escape(raw[pos : m.start()])
            param = _parse_param(m.group(1), template)
            if param.catch_all and (len(raw) != m.end() - m.start()):
                raise RouteTemplateError(
                    f"route {template!r}: a catch-all must be a whole segment, found {raw!r}"
                )
            regex += f"(?P<p{len(params)}>.*)" if param.catch_all else f"(?P<p{len(params)}>.+?)"
            params.append(param)
            pos = m.end()
        rest = raw[pos:]
        if "{" in rest or "}" in rest:
            raise RouteTemplateError(f"route {template!r}: unbalanced brace in {raw!r}")
        regex += re.escape(rest)
        return params, re.compile(regex, re.IGNORECASE | re.DOTALL)

    def match(self, path: str) -> dict[str, str] | None:
        """Route values for `path` (a URL path, still percent-encoded), or None."""
        text = path.strip("/")
        parts = [unquote(p) for p in text.split("/")] if text else []
        values: dict[str, str] = {}
        for index, (segment, params) in enumerate(zip(self._segments, self._params, strict=True)):
            if params and params[0].catch_all:
                rest = "/".join(parts[index:])
                if rest == "" and params[0].default is not None:
                    rest = params[0].default
                if rest != "" and not all(check(rest) for check in params[0].checks):
                    return None
                if rest != "":
                    values[params[0].name] = rest
                return values
            if index >= len(parts):
                return self._fill_missing(index, values)
            part = parts[index]
            if isinstance(segment, str):
                if part.lower() != segment:
                    return None
                continue
            m = segment.fullmatch(part)
            if m is None:
                return None
            for n, param in enumerate(params):
                value = m.group(f"p{n}")
                if not all(check(value) for check in param.checks):
                    return None
                values[param.name] = value
        if len(parts) > len(self._segments):
            return None
        return values

    def _fill_missing(self, start: int, values: dict[str, str]) -> dict[str, str] | None:
        """Segments past the end of the path: allowed only if all are optional or defaulted."""
        for params in self._params[start:]:
            if len(params) != 1:
                return None
            param = params[0]
            if param.default is not None:
                values[param.name] = param.default
            elif not param.optional:
                return None
        return values


class Router(Generic[T]):
    """Templates with their targets, matched in ASP.NET precedence order."""

    def __init__(self) -> None:
        self._routes: list[tuple[RouteTemplate, T]] = []

    def add(self, template: str, target: T) -> RouteTemplate:
        route = RouteTemplate.parse(template)
        self._routes.append((route, target))
        # Stable sort keeps registration order among equal precedence.
        self._routes.sort(key=lambda item: item[0].precedence)
        return route

    def match(self, path: str) -> Iterator[tuple[T, dict[str, str]]]:
        """Every target whose template matches `path`, best first."""
        for route, target in self._routes:
            values = route.match(path)
            if values is not None:
                yield target, values
