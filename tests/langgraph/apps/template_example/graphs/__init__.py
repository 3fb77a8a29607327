"""Graph modules: each public module defines `registration` (see function_app.py)."""
