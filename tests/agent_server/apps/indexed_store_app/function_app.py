"""An app whose store has a vector index: LangGraph's InMemoryStore, passed as `store=`.

The embedding counts a few words, so similarity is easy to predict in tests.
"""

import azure.functions as func
from langgraph.store.memory import InMemoryStore

from azure_functions_durable_graph import DurableGraphApp

WORDS = ("cat", "dog", "fish", "bird")


def embed(texts: list[str]) -> list[list[float]]:
    return [[float(text.lower().count(word)) + 0.01 for word in WORDS] for text in texts]


store = InMemoryStore(index={"dims": len(WORDS), "embed": embed, "fields": ["text"]})
runtime = DurableGraphApp(http_auth_level=func.AuthLevel.ANONYMOUS, store=store)
app = runtime.function_app
