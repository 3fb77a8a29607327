"""The local host's SQLite store (store.py), its tables and its in-memory replay caches."""
