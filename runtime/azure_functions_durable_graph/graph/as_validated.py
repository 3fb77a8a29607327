"""`model(**values)` without building the model's validator when the values need none.

Building a Pydantic model's validator and serializer costs milliseconds, and a
deployed app builds its graphs' manifests at every cold start. The manifest
models are declared with ``defer_build=True``; `ManifestBuilder.build()` has
checked every value it gives them, so when each value already is exactly what
validation would return (its field's type, containers copied as validation
copies them) the instance is constructed directly. Any other value (a ``1``
for a bool, a list for a tuple) goes through `model(**values)`, with Pydantic's
coercions and errors as before. tests/graph/test_as_validated.py checks both paths
against validation.
"""

from __future__ import annotations

import types
from collections.abc import Iterable
from typing import Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)

_NO = object()  # a value validation would change or reject
_EXACT = (str, bool, int, float, type(None))


def as_validated(model: type[M], **values: Any) -> M:
    """What ``model(**values)`` returns, built without the validator when it is not needed."""
    if not _plain(model):
        return model(**values)
    fields = model.model_fields
    checked: dict[str, Any] = {}
    for name, value in values.items():
        field = fields.get(name)
        if field is None or field.metadata:  # unknown names, constraints: validation decides
            return model(**values)
        checked[name] = _as_validated(field.annotation, value)
        if checked[name] is _NO:
            return model(**values)
    return model.model_construct(**checked)


def _plain(model: type[BaseModel]) -> bool:
    """No validators, no extra fields, no coercing config: validation of exact types is a copy."""
    config = model.model_config
    decorators = model.__pydantic_decorators__
    return not (
        decorators.validators
        or decorators.field_validators
        or decorators.root_validators
        or decorators.model_validators
        or config.get("extra") not in (None, "ignore")
        or config.get("revalidate_instances", "never") != "never"
        or any(key.startswith("str_") for key in config)
        or config.get("strict")
    )


def _as_validated(annotation: Any, value: Any) -> Any:
    """`value` as validation against `annotation` returns it, or `_NO` if it would differ."""
    if annotation is Any:
        return value
    if annotation in _EXACT:
        return value if type(value) is annotation else _NO
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin in (Union, types.UnionType):
        for arm in args:  # exact types: Pydantic's smart union picks the arm of the same type
            result = _as_validated(arm, value)
            if result is not _NO:
                return result
        return _NO
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis and type(value) is tuple:
        items = _each(args[0], value)
        return _NO if items is _NO else tuple(items)
    if origin is list and type(value) is list:
        return _each(args[0], value)
    if origin is dict and type(value) is dict:
        keys, items = _each(args[0], value.keys()), _each(args[1], value.values())
        return _NO if keys is _NO or items is _NO else dict(zip(keys, items, strict=True))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        plain = annotation.model_config.get("revalidate_instances", "never") == "never"
        return value if plain and type(value) is annotation else _NO
    return _NO


def _each(annotation: Any, values: Iterable[Any]) -> Any:
    """A new list of `values` as validated, or `_NO` if validation would change one."""
    checked = []
    for value in values:
        result = _as_validated(annotation, value)
        if result is _NO:
            return _NO
        checked.append(result)
    return checked
