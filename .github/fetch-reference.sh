#!/usr/bin/env bash
# Fetches the upstream reference data the tests judge against (CRD schemas, chart defaults,
# Argo CD's RBAC model) into <dir>/reference, each file at its pinned tag, and checks its hash.
# For CI outside this workplace, where shared/ is not beside the checkout:
#   .github/fetch-reference.sh "$RUNNER_TEMP/shared" && export GITOPS_SHARED_DIR="$RUNNER_TEMP/shared"
set -euo pipefail
dest="${1:?usage: fetch-reference.sh <dir>}/reference"
sources="$(dirname "$0")/reference-sources.tsv"
grep -v '^#' "$sources" | while IFS=$'\t' read -r file repo path tag sha; do
    mkdir -p "$dest/$(dirname "$file")"
    curl -fsSL "https://raw.githubusercontent.com/$repo/$tag/$path" -o "$dest/$file"
    actual=$(sha256sum "$dest/$file" | cut -c1-16)
    if [ "$actual" != "$sha" ]; then
        echo "fetch-reference: $file from $repo@$tag has sha256 $actual..., expected $sha..." >&2
        exit 1
    fi
done
echo "fetched $(grep -vc '^#' "$sources") reference files into $dest"
