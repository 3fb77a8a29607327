"""Graphs that use engine v2's supersteps; tests/durable/test_supersteps.py runs them over HTTP."""

import operator
from typing import Annotated

from pydantic import BaseModel

from azure_functions_durable_graph import Command, DurableGraphApp, ManifestBuilder, Send

runtime = DurableGraphApp()
app = runtime.function_app


# -- "map_reduce": the example, verbatim ------------------------------------------


class Review(BaseModel):
    docs: list[str]
    summaries: Annotated[list[str], operator.add] = []
    report: str = ""


def fan_out(state: Review) -> list[Send]:
    return [Send("summarize", {"text": d}) for d in state.docs]


def summarize(payload: dict) -> dict:
    return {"summaries": [payload["text"].upper()]}


def combine(state: Review) -> dict:
    return {"report": " | ".join(state.summaries)}


builder = ManifestBuilder(graph_name="map_reduce", state_model=Review)
builder.set_entrypoint("split")
builder.add_node("split", lambda s: None, route=fan_out, route_targets=["summarize"])
builder.add_node("summarize", summarize, next_node="combine")
builder.add_node("combine", combine, terminal=True)
runtime.register_registration(builder.build())


# -- "fan": static fan-out to two branches, fan-in at a join --------------------------------


class Fan(BaseModel):
    seen: Annotated[list[str], operator.add] = []
    left: str = ""
    right: str = ""
    joined: str = ""


fan = ManifestBuilder(graph_name="fan", state_model=Fan)
fan.set_entrypoint("start")
fan.add_node("start", lambda s: {"seen": ["start"]}, next_node=["left", "right"])
fan.add_node("left", lambda s: {"seen": ["left"], "left": "L"}, next_node="join")
fan.add_node("right", lambda s: {"seen": ["right"], "right": "R"}, next_node="join")
fan.add_node("join", lambda s: {"seen": ["join"], "joined": s.left + s.right}, terminal=True)
runtime.register_registration(fan.build())


# -- "uneven": branches of different lengths joined by a deferred node ----------------------

uneven = ManifestBuilder(graph_name="uneven", state_model=Fan)
uneven.set_entrypoint("start")
uneven.add_node("start", lambda s: {"seen": ["start"]}, next_node=["short", "long1"])
uneven.add_node("short", lambda s: {"seen": ["short"]}, next_node="report")
uneven.add_node("long1", lambda s: {"seen": ["long1"]}, next_node="long2")
uneven.add_node("long2", lambda s: {"seen": ["long2"]}, next_node="report")
uneven.add_node("report", lambda s: {"joined": ",".join(s.seen)}, terminal=True, defer=True)
runtime.register_registration(uneven.build())


# -- "conflict": two parallel nodes write a field that has no reducer -----------------------

conflict = ManifestBuilder(graph_name="conflict", state_model=Fan)
conflict.set_entrypoint("start")
conflict.add_node("start", lambda s: None, next_node=["left", "right"])
conflict.add_node("left", lambda s: {"joined": "from left"}, terminal=True)
conflict.add_node("right", lambda s: {"joined": "from right"}, terminal=True)
runtime.register_registration(conflict.build())


# -- "research": a parent running a subgraph with shared keys -------------------------------


class Research(BaseModel):
    topic: str
    notes: Annotated[list[str], operator.add] = []
    draft: str = ""


class Child(BaseModel):
    topic: str
    notes: list[str] = []
    depth: int = 0


child = ManifestBuilder(graph_name="research_child", state_model=Child)
child.set_entrypoint("search")
child.add_node(
    "search", lambda s: {"notes": [*s.notes, f"found {s.topic}"], "depth": 1}, next_node="read"
)
child.add_node("read", lambda s: {"notes": [*s.notes, f"read {s.topic}"]}, terminal=True)
child_registration = child.build()

research = ManifestBuilder(graph_name="research", state_model=Research)
research.set_entrypoint("plan")
research.add_node("plan", lambda s: {"notes": ["plan"]}, next_node="research")
research.add_node("research", child_registration, next_node="write")
research.add_node("write", lambda s: {"draft": "; ".join(s.notes)}, terminal=True)
runtime.register_registration(research.build())


# -- "typed_send": a Send argument validated by the node's input_model; Command goto --------


class Item(BaseModel):
    name: str
    qty: int


class Order(BaseModel):
    items: list[dict]
    lines: Annotated[list[str], operator.add] = []
    checked: bool = False


def per_item(state: Order) -> list[Send]:
    return [Send("price", item) for item in state.items]


def price(item: Item) -> dict:
    return {"lines": [f"{item.qty} x {item.name}"]}


def check(state: Order) -> Command:
    return Command(update={"checked": True}, goto="sum_up")


typed = ManifestBuilder(graph_name="typed_send", state_model=Order)
typed.set_entrypoint("check")
typed.add_node("check", check, route=per_item, route_targets=["price"])
typed.add_node("price", price, input_model=Item, terminal=True)
typed.add_node("sum_up", lambda s: {"lines": ["summed"]}, terminal=True)
runtime.register_registration(typed.build())


# -- "mutate": handlers that change their state in place -------------------------------------


class Doc(BaseModel):
    title: str = ""
    count: int = 0
    tags: Annotated[list[str], operator.add] = []
    mode: str = "plain"


def edit_in_place(state: Doc) -> None:
    if state.mode == "plain":
        state.title = "edited"
    elif state.mode == "invalid":
        state.count = "many"  # type: ignore[assignment]
    elif state.mode == "reduced":
        state.tags.append("oops")


def bad_route(state: Doc) -> object:
    return 42


mutate = ManifestBuilder(graph_name="mutate", state_model=Doc)
mutate.set_entrypoint("edit")
mutate.add_node(
    "edit",
    edit_in_place,
    route=lambda s: "done" if s.mode != "route" else bad_route(s),
    route_targets=["done"],
)
mutate.add_node("done", lambda s: {"count": s.count + 1}, terminal=True)
runtime.register_registration(mutate.build())


# -- "survey": Sends to a subgraph node, each child starting from its Send's argument ------


class Survey(BaseModel):
    topics: list[str]
    notes: Annotated[list[str], operator.add] = []


survey = ManifestBuilder(graph_name="survey", state_model=Survey)
survey.set_entrypoint("plan")
survey.add_node(
    "plan",
    lambda s: None,
    route=lambda s: [Send("research", {"topic": t}) for t in s.topics],
    route_targets=["research"],
)
survey.add_node("research", child_registration, terminal=True)
runtime.register_registration(survey.build())
