"""The names of the Durable functions a graph app registers: what the Functions host
indexes when function_app.py is imported, at every cold start.

Apart from protocol.py (which re-exports them, with every other shape that crosses a
Durable boundary) so that registering the functions imports nothing else. A renamed
constant here is a changed history: runs in flight replay against these names.
"""

from __future__ import annotations

#: The one orchestrator of every graph; prefixed so it cannot collide with the user's functions.
ORCHESTRATOR_NAME = "durable_graph_orchestrator"

# Engine 2's activities.
#: A node alone in its superstep: handler, reducers and route in one call.
STEP_ACTIVITY = "durable_graph_step"
#: One node of a parallel superstep: its handler only.
TASK_ACTIVITY = "durable_graph_task"
#: A parallel superstep's updates through the reducers, then each node's route.
APPLY_ACTIVITY = "durable_graph_apply"
#: An event handler's update (engine 2).
EVENT_HANDLER_ACTIVITY = "durable_graph_event"

# Engine 1's activities (0.1.0 runs only).
#: One node step: handler, merge and route.
V1_NODE_ACTIVITY = "durable_graph_run_node"
#: One event applied to the state.
V1_EVENT_ACTIVITY = "durable_graph_apply_event"

#: The step-log entity, keyed ``<instance id>|<log id>|<execution>`` (see steplog.py).
STEPS_ENTITY = "durable_graph_steps"

# The Agent Server's (agent_server/; durable/admission.py).
#: A thread: its record and its run lock, keyed by thread id.
THREAD_ENTITY = "durable_graph_thread"
#: Plans a queued run's start from the thread as it is now (agent_server/run_prepare.py).
PREPARE_ACTIVITY = "durable_graph_thread_prepare"
