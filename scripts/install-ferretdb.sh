#!/usr/bin/env bash
# Installs FerretDB v1.24.2 (the MongoDB wire-protocol server used by tests and local runs).
#
# `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` fetches and compiles the module,
# but the binary it produces panics at start ("Invalid build/version/version.txt file content"),
# because release builds expect a generated version file. So after `go install` has fetched the
# module into the module cache, we build it once more from a writable copy with that file added.
set -euo pipefail

VERSION="v1.24.2"
DEST="${1:-${FERRETDB_BINARY:-${XDG_CACHE_HOME:-$HOME/.cache}/devlink/ferretdb-$VERSION}}"

if [ -x "$DEST" ] && "$DEST" --version >/dev/null 2>&1; then
  echo "ferretdb $VERSION already installed at $DEST"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  for candidate in /usr/local/go/bin /usr/lib/go/bin; do
    [ -x "$candidate/go" ] && PATH="$candidate:$PATH"
  done
fi
command -v go >/dev/null 2>&1 || { echo "install-ferretdb: Go toolchain not found (needed to build FerretDB)" >&2; exit 1; }

export GOFLAGS="-mod=mod"
work="$(mktemp -d)"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

echo "install-ferretdb: go install github.com/FerretDB/FerretDB/cmd/ferretdb@$VERSION" >&2
GOBIN="$work/bin" go install "github.com/FerretDB/FerretDB/cmd/ferretdb@$VERSION"

src_dir="$(go env GOMODCACHE)/github.com/!ferret!d!b/!ferret!d!b@$VERSION"
cp -r "$src_dir" "$work/src"
chmod -R u+w "$work/src"
echo "$VERSION" > "$work/src/build/version/version.txt"
(cd "$work/src" && go build -trimpath -o "$work/ferretdb" ./cmd/ferretdb)

mkdir -p "$(dirname "$DEST")"
mv "$work/ferretdb" "$DEST"
"$DEST" --version | head -n 1
echo "ferretdb installed at $DEST"
