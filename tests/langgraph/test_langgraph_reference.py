"""The LangGraph side of the conformance suite: what LangGraph itself returns for each graph.

These pin the reference outputs (the values LangGraph's docs give for these shapes) so a
LangGraph upgrade that changes them shows up here, not as a puzzling durable mismatch.
"""

from __future__ import annotations

from tests.langgraph.support import (
    langgraph_invoke,
    langgraph_invoke_and_resume,
    without_random_ids,
)


def test_sequence_runs_its_steps_in_order() -> None:
    assert langgraph_invoke("lg_sequence") == {"value_1": "a b", "value_2": 10}


def test_conditional_loop_stops_when_the_route_returns_end() -> None:
    assert langgraph_invoke("lg_loop") == {"aggregate": ["A", "B", "A", "B", "A", "B", "A"]}


def test_fan_out_fan_in_adds_parallel_updates_in_node_order() -> None:
    assert langgraph_invoke("lg_fan_out") == {"aggregate": ["A", "B", "C", "D"]}


def test_deferred_node_waits_for_the_longer_branch() -> None:
    assert langgraph_invoke("lg_defer") == {"aggregate": ["A", "B", "C", "B_2", "D"]}


def test_a_join_waits_for_the_longer_branch() -> None:
    assert langgraph_invoke("lg_join") == {"aggregate": ["A", "B", "C", "B_2", "D"]}
    assert langgraph_invoke("lg_join_same_step") == {"aggregate": ["A", "B", "C", "D"]}
    assert langgraph_invoke("lg_join_loop") == {"aggregate": ["A", "B", "C", "B", "D", "B"]}


def test_map_reduce_sends_one_task_per_subject() -> None:
    result = langgraph_invoke("lg_map_reduce")
    assert result["jokes"] == [
        "Why did the animals lions cross the road?",
        "Why did the animals elephants cross the road?",
        "Why did the animals owls cross the road?",
    ]
    assert result["best_selected_joke"] == "Why did the animals elephants cross the road?"


def test_subgraph_shares_its_foo_key_with_the_parent() -> None:
    assert langgraph_invoke("lg_subgraph") == {"foo": "hi! foobar"}


def test_pydantic_state_output_is_the_models_json() -> None:
    assert langgraph_invoke("lg_pydantic") == {
        "name": "Ada",
        "address": {"city": "LONDON", "zip_code": "00000"},
        "visits": ["greet"],
        "greeting": "Hello Ada from London",
    }


def test_typed_dict_output_schema_keeps_only_its_keys() -> None:
    assert langgraph_invoke("lg_typed_dict") == {"answer": "why -> 1 note(s)"}


def test_private_state_reaches_the_next_node_but_not_the_output() -> None:
    assert langgraph_invoke("lg_private_state") == {"a": "node_2 read: set by node_1 from start"}


def test_dataclass_state() -> None:
    assert langgraph_invoke("lg_dataclass") == {
        "text": "durable graphs everywhere",
        "words": ["durable", "graphs", "everywhere"],
    }


def test_interrupt_returns_the_interrupt_then_the_resumed_result() -> None:
    [interrupted], final = langgraph_invoke_and_resume(
        "lg_interrupt", {"text": "edited", "reviewer": "ann"}
    )
    assert interrupted["some_text"] == "Draft text"
    assert [i["value"] for i in interrupted["__interrupt__"]] == [{"text_to_revise": "Draft text"}]
    assert final == {"some_text": "edited", "reviewed_by": "ann"}


def test_command_updates_and_goes_to_the_chosen_node() -> None:
    assert langgraph_invoke("lg_command") == {"foo": "bar!b", "path": ["a", "b"]}


def test_retry_policy_retries_the_failed_node() -> None:
    assert langgraph_invoke("lg_retry") == {"key": "retry", "attempts": 2}


def test_messages_graph_calls_the_tool_then_answers() -> None:
    messages = without_random_ids(langgraph_invoke("lg_messages"))["messages"]
    assert [(m["type"], m["content"]) for m in messages] == [
        ("human", "What is 6 times 7?"),
        ("ai", ""),
        ("tool", "42"),
        ("ai", "The answer is 42."),
    ]
    assert [m["id"] for m in messages] == ["human-1", "ai-call", "<uuid>", "ai-final"]


def test_conditional_entry_runs_both_nodes_then_sends_one_task_per_word() -> None:
    assert langgraph_invoke("lg_entry") == {
        "words": ["durable", "graphs", "go"],
        "seen": ["left:durable", "right:go"],
        "lengths": [7, 6, 2],
    }


def test_config_runtime_and_writer_parameters_and_get_config() -> None:
    assert langgraph_invoke("lg_config") == {
        "seen": ["node=with_config", "context=None", "store=True", "get_config=with_writer"]
    }


def test_two_interrupts_in_one_node_are_answered_in_order() -> None:
    interrupted, final = langgraph_invoke_and_resume("lg_two_interrupts", "ada", 36)
    assert [[i["value"] for i in r["__interrupt__"]] for r in interrupted] == [
        ["What is your name?"],
        ["How old are you, ada?"],
    ]
    assert final == {"name": "ada", "age": 36}


def test_an_interrupt_inside_a_subgraph_pauses_the_parent() -> None:
    [interrupted], final = langgraph_invoke_and_resume("lg_subgraph_interrupt", "London")
    assert [i["value"] for i in interrupted["__interrupt__"]] == ["Where do you live, Ada?"]
    assert final == {"name": "Ada", "age": 36, "city": "London"}


def test_a_graph_invoked_inside_a_node() -> None:
    assert langgraph_invoke("lg_nested_invoke") == {
        "title": "durable graphs",
        "shouted": ["DURABLE", "GRAPHS"],
    }
