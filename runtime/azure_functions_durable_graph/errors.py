"""Exceptions raised by azure_functions_durable_graph.

DurableGraphError
 +-- (graph errors: added by graph/)
 +-- LocalHostError (local/errors.py)
"""

from __future__ import annotations


class DurableGraphError(Exception):
    """Root of every error this package raises on purpose."""
