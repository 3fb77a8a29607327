"""Engine 1, sealed: the 0.1.0 orchestrator loop, its two activities and its merge rules.

Runs whose input has no ``"engine"`` key were started by 0.1.0 and replay here
(tests/compat holds their recorded histories). Nothing in this folder changes
except imports: a changed schedule would strand those runs.
"""
