#!/usr/bin/env bash
# Refresh the Mermaid bundle the inspector page and `durable-graph draw` use offline.
# Takes it from the npm registry (the only place it is fetched from), checks its digest,
# and stores it gzipped as package data. Change VERSION and SHA256 together.
set -euo pipefail
VERSION=12.4.0
SHA256=c0891e4c0413d0710ad193b431d8cbbe9d031636e51c467d11daa4721ba22094  # dist/mermaid.min.js
DEST="$(cd "$(dirname "$0")/.." && pwd)/runtime/azure_functions_durable_graph/inspector/static"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "mermaid@$VERSION" >/dev/null && tar xzf "mermaid-$VERSION.tgz")
echo "$SHA256  $work/package/dist/mermaid.min.js" | sha256sum --check --quiet
gzip -9 -n -c "$work/package/dist/mermaid.min.js" >"$DEST/mermaid.min.js.gz"
cp "$work/package/LICENSE" "$DEST/MERMAID_LICENSE"
echo "$VERSION" >"$DEST/MERMAID_VERSION"
echo "mermaid $VERSION -> $DEST"
