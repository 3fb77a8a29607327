"""LangGraph's private names the adapter relies on, all in this one module.

LangGraph does not export these (``langgraph._internal.*``, ``langgraph.graph._branch``),
so any release may move them; when one does, this file is the one to change.
Tested with langgraph 1.2.24 (pyproject.toml allows ``langgraph>=1.0,<2``);
tests/langgraph runs the adapter side by side with the installed LangGraph.
"""

from langgraph._internal._config import DEFAULT_RECURSION_LIMIT
from langgraph._internal._constants import (
    CONF,
    CONFIG_KEY_CHECKPOINT_NS,
    CONFIG_KEY_READ,
    CONFIG_KEY_READ_STATE,
    CONFIG_KEY_RUNTIME,
    CONFIG_KEY_SCRATCHPAD,
    CONFIG_KEY_SEND,
    CONFIG_KEY_TASK_ID,
    RESUME,
    TASKS,
)
from langgraph._internal._fields import get_cached_annotated_keys, get_update_as_tuples
from langgraph._internal._scratchpad import PregelScratchpad
from langgraph._internal._typing import MISSING
from langgraph.graph._branch import BranchSpec

__all__ = [
    "CONF",
    "CONFIG_KEY_CHECKPOINT_NS",
    "CONFIG_KEY_READ",
    "CONFIG_KEY_READ_STATE",
    "CONFIG_KEY_RUNTIME",
    "CONFIG_KEY_SCRATCHPAD",
    "CONFIG_KEY_SEND",
    "CONFIG_KEY_TASK_ID",
    "DEFAULT_RECURSION_LIMIT",
    "MISSING",
    "RESUME",
    "TASKS",
    "BranchSpec",
    "PregelScratchpad",
    "get_cached_annotated_keys",
    "get_update_as_tuples",
]
