"""The service's graphs: one module (or package) per graph.

function_app.py imports every module here whose name does not start with "_"
and registers the graph it exposes, as either

    registration = builder.build()   # a module-level GraphRegistration
    def build() -> GraphRegistration  # or a function that builds one

Each graph is then served at POST /api/graphs/{graph_name}/runs. Shared
helpers and models go in modules named with a leading underscore.
"""
