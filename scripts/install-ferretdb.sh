#!/usr/bin/env bash
# Installs a FerretDB release (the MongoDB wire-protocol server used by tests and local runs).
#
# Usage: install-ferretdb.sh [VERSION] [DEST]
#   VERSION  v2.7.0 (default; PostgreSQL + DocumentDB) or v1.24.2 (SQLite fallback)
#   DEST     binary path (default ~/.cache/devlink/ferretdb-VERSION)
#
# v2: `go install github.com/FerretDB/FerretDB/v2/cmd/ferretdb@VERSION` gives a working binary.
# v1: the binary `go install` produces panics at start ("Invalid build/version/version.txt file
# content"), because release builds expect a generated version file, so after `go install` has
# fetched the module into the module cache we build it once more from a writable copy with that
# file added.
set -euo pipefail

VERSION="${1:-v2.7.0}"
DEST="${2:-${XDG_CACHE_HOME:-$HOME/.cache}/devlink/ferretdb-$VERSION}"

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

case "$VERSION" in
  v2.*)
    echo "install-ferretdb: go install github.com/FerretDB/FerretDB/v2/cmd/ferretdb@$VERSION" >&2
    GOBIN="$work/bin" go install "github.com/FerretDB/FerretDB/v2/cmd/ferretdb@$VERSION"
    mv "$work/bin/ferretdb" "$work/ferretdb"
    ;;
  v1.*)
    echo "install-ferretdb: go install github.com/FerretDB/FerretDB/cmd/ferretdb@$VERSION" >&2
    GOBIN="$work/bin" go install "github.com/FerretDB/FerretDB/cmd/ferretdb@$VERSION"
    src_dir="$(go env GOMODCACHE)/github.com/!ferret!d!b/!ferret!d!b@$VERSION"
    cp -r "$src_dir" "$work/src"
    chmod -R u+w "$work/src"
    echo "$VERSION" > "$work/src/build/version/version.txt"
    (cd "$work/src" && go build -trimpath -o "$work/ferretdb" ./cmd/ferretdb)
    ;;
  *) echo "install-ferretdb: unsupported version $VERSION" >&2; exit 1 ;;
esac

mkdir -p "$(dirname "$DEST")"
mv "$work/ferretdb" "$DEST"
"$DEST" --version | head -n 1
echo "ferretdb $VERSION installed at $DEST"
