"""deferred.py: a registered body imports the real one on its first call, and says so if it
cannot."""

from __future__ import annotations

from typing import Any

import pytest

from azure_functions_durable_graph import deferred


class Context:
    def __init__(self) -> None:
        self.state: Any = None

    def get_state(self, initial: Any) -> Any:
        return self.state if self.state is not None else initial()

    def get_input(self) -> Any:
        return {"thread_id": "t1", "op": "o1"}

    operation_name = "add"

    def set_state(self, state: Any) -> None:
        self.state = state


def test_an_entity_body_runs_the_function_it_names() -> None:
    body = deferred.entity(".agent_server.thread_entity", "thread_index_entity")
    context = Context()

    body(context)

    assert body.__name__ == "thread_index_entity"
    assert context.state == {"ids": ["t1"], "ops": ["o1"]}


def test_a_body_whose_module_is_missing_fails_on_its_first_call_naming_it() -> None:
    body = deferred.entity(".durable.no_such_module", "record_step")

    with pytest.raises(ModuleNotFoundError, match=r"durable\.no_such_module"):
        body(Context())


def test_a_missing_name_fails_naming_the_module_and_the_name() -> None:
    with pytest.raises(AttributeError, match=r"steplog.*no_such_body"):
        deferred.load(".durable.steplog", "no_such_body")
