"""Backends of the Agent Server store: any LangGraph BaseStore, chosen per app (selection.py).

SQLite on the local host (sqlite.py), Azure Table Storage on Azure
(azure_tables.py); nodes reach the same store (serving.py, for_nodes.py).
Importing this package imports neither LangGraph nor the Azure SDK.
"""

from .selection import StoreConfigError, StoreProvider, StoreUnavailableError

__all__ = ["StoreConfigError", "StoreProvider", "StoreUnavailableError"]
