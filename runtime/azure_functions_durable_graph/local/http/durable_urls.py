"""The URLs the Durable extension hands out (the durable client binding's value)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

WEBHOOK_PATH = "/runtime/webhooks/durabletask"
#: With keys on, the SDK's calls come in under `rpc/{key}/`: its client sends no key.
RPC_SEGMENT = "rpc"


@dataclass(frozen=True)
class DurableUrls:
    """The URLs the extension hands out, rooted at the app's own origin."""

    origin: str  # e.g. http://127.0.0.1:7071
    hub_name: str
    key: str | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return f"{self.origin}{WEBHOOK_PATH}"

    def _query(self) -> str:
        query = f"taskHub={quote(self.hub_name)}&connection=Storage"
        return query if self.key is None else f"{query}&code={quote(self.key, safe='')}"

    def management_urls(self, instance_id: str) -> dict[str, str]:
        base = f"{self.base_url}/instances/{quote(instance_id, safe='')}"
        q = self._query()
        return {
            "id": instance_id,
            "statusQueryGetUri": f"{base}?{q}",
            "sendEventPostUri": f"{base}/raiseEvent/{{eventName}}?{q}",
            "terminatePostUri": f"{base}/terminate?reason={{text}}&{q}",
            "rewindPostUri": f"{base}/rewind?reason={{text}}&{q}",
            "purgeHistoryDeleteUri": f"{base}?{q}",
            "restartPostUri": f"{base}/restart?{q}",
            "suspendPostUri": f"{base}/suspend?reason={{text}}&{q}",
            "resumePostUri": f"{base}/resume?reason={{text}}&{q}",
        }

    def starter(self) -> dict[str, Any]:
        """The durable client binding's value (protocol §4)."""
        orchestrators = f"{self.base_url}/orchestrators/{{functionName}}[/{{instanceId}}]"
        urls = self.management_urls("INSTANCEID")
        # The placeholder id must survive verbatim for the client to substitute it.
        return {
            "taskHubName": self.hub_name,
            "creationUrls": {
                "createNewInstancePostUri": f"{orchestrators}?{self._query()}",
                "createAndWaitOnNewInstancePostUri": (
                    f"{orchestrators}?timeout={{timeoutInSeconds}}"
                    f"&pollingInterval={{intervalInSeconds}}&{self._query()}"
                ),
            },
            "managementUrls": urls,
            "baseUrl": self.base_url,
            "requiredQueryStringParameters": "" if self.key is None else f"code={self.key}",
            "rpcBaseUrl": f"{self.base_url}/"
            if self.key is None
            else f"{self.base_url}/{RPC_SEGMENT}/{self.key}/",
        }

    def starter_json(self) -> str:
        return json.dumps(self.starter())
