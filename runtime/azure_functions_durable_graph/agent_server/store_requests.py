"""The store routes' request bodies, checked against LangGraph's schemas with its answers.

LangGraph's server validates each body with its OpenAPI schema and answers
422 `{"detail": "<first line of the schema error>..."}`; a body that is not
JSON is 422 `{"detail": "Invalid JSON in request body"}`; a namespace label
with a period (or an empty one) is a 422 whose body is plain text. The
`detail` here is the first line of the message LangGraph gives (its
validator adds a few lines naming the schema path; those are left out).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


class StoreRequestError(Exception):
    """A request LangGraph's server would refuse: its status and body."""

    def __init__(self, status: int, body: Any, *, text: bool = False) -> None:
        super().__init__(body)
        self.status = status
        self.body = body
        self.text = text  # LangGraph answers label errors as plain text


def invalid(detail: str, status: int = 422) -> StoreRequestError:
    return StoreRequestError(status, {"detail": detail})


def parse_body(raw: bytes, limit: int) -> Any:
    if len(raw) > limit:
        raise invalid(f"Request body too large (limit: {limit} bytes)", 413)
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise invalid("Invalid JSON in request body") from None


def _shown(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def _is(value: Any, kind: str) -> bool:
    if isinstance(value, bool) and kind in ("integer", "number"):
        return False
    if kind == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _TYPES[kind])


def _check_type(value: Any, kinds: tuple[str, ...]) -> None:
    if any(_is(value, kind) for kind in kinds):
        return
    if len(kinds) == 1:
        raise invalid(f'{_shown(value)} is not of type "{kinds[0]}"')
    names = ", ".join(f'"{k}"' for k in sorted(kinds))
    raise invalid(f"{_shown(value)} is not of types {names}")


def checked(
    body: Any,
    required: tuple[str, ...],
    fields: Mapping[str, tuple[str, ...]],
) -> dict[str, Any]:
    """`body` when it is an object with the `required` keys and `fields` of the given types.

    A field typed ("array", ...) holds strings only, as every array in these schemas.
    """
    _check_type(body, ("object",))
    for name in required:
        if name not in body:
            raise invalid(f'"{name}" is a required property')
    for name, kinds in fields.items():
        if name not in body:
            continue
        value = body[name]
        _check_type(value, kinds)
        if isinstance(value, list):
            for label in value:
                _check_type(label, ("string",))
    return dict(body)


def check_index(body: Mapping[str, Any]) -> None:
    """`index` is false, a list of field paths or null (LangGraph's `oneOf`)."""
    index = body.get("index")
    if index is None or index is False:
        return
    if isinstance(index, list) and all(isinstance(path, str) for path in index):
        return
    raise invalid(
        f"{_shown(index)} is not valid under any of the schemas listed in the 'oneOf' keyword"
    )


def namespace_of(labels: Any) -> tuple[str, ...]:
    """A namespace whose labels are non-empty and have no period, as LangGraph's routes demand."""
    for label in labels:
        if not isinstance(label, str) or not label or "." in label:
            raise StoreRequestError(
                422,
                f"Namespace label {label!r} must be a non-empty string without periods",
                text=True,
            )
    return tuple(labels)
