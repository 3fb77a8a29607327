"""LangGraph's Agent Server API, served by every DurableGraphApp under `{routePrefix}/langgraph`."""
