"""The graphs an app serves, by name (for new runs) and by (name, hash) (for running ones)."""

from __future__ import annotations

from ..errors import GraphNotFound, GraphVersionNotRegistered
from .manifest import GraphRegistration


class GraphRegistry:
    """Registrations keyed by (name, hash); the latest one per name starts new runs.

    Registering a changed graph under the same name keeps the older hashes, so a
    deployment can carry both while in-flight runs of the old one finish.
    """

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str], GraphRegistration] = {}
        self._latest: dict[str, GraphRegistration] = {}

    def register(self, registration: GraphRegistration) -> None:
        if not isinstance(registration, GraphRegistration):
            raise TypeError(
                "register_registration() takes the GraphRegistration returned by "
                f"ManifestBuilder.build(); got {type(registration).__name__}"
            )
        self._register_by_key(registration)
        self._latest[registration.graph_name] = registration

    def _register_by_key(self, registration: GraphRegistration) -> None:
        """Subgraphs are resolvable by (name, hash) for their runs, but do not take over
        their name for new runs: only a graph registered itself does."""
        self._by_key[(registration.graph_name, registration.graph_hash)] = registration
        for child in registration.subgraphs.values():
            self._register_by_key(child)

    def latest(self, graph_name: str) -> GraphRegistration:
        """The registration new runs of `graph_name` use."""
        try:
            return self._latest[graph_name]
        except KeyError:
            raise GraphNotFound(graph_name, self.names()) from None

    def get(self, graph_name: str, graph_hash: str) -> GraphRegistration:
        """The registration a running instance pinned."""
        try:
            return self._by_key[(graph_name, graph_hash)]
        except KeyError:
            hashes = [h for (n, h) in self._by_key if n == graph_name]
            raise GraphVersionNotRegistered(graph_name, graph_hash, hashes) from None

    def names(self) -> list[str]:
        return sorted(self._latest)

    def latest_registrations(self) -> list[GraphRegistration]:
        return [self._latest[name] for name in self.names()]
