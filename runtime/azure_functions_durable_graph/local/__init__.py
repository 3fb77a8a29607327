"""The local Durable Functions host: serves any Python v2 Durable app without Core Tools.

Modules are imported lazily by the CLI and the testing helpers; nothing here
is loaded on a deployed cold start.

"Engine" here (engine.py) means the local host's engine, what the Durable
extension does for an app; not the graph engine, the orchestrator that runs a
graph on Durable Functions (which this engine runs like any other
orchestrator), nor a run's engine number.
"""
