"""The local Durable Functions host: serves any Python v2 Durable app without Core Tools.

Modules are imported lazily by the CLI and the testing helpers; nothing here
is loaded on a deployed cold start.
"""
