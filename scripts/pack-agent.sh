#!/usr/bin/env bash
# Packs drbot-agent for a server whose system Node is too old (or missing): one tarball with the
# single-file agent (scripts/bundle-agent.mjs), a Node.js from the npm registry (scripts/registry-node.sh)
# and a launcher that always runs the one with the other. The server needs no npm, no compiler and
# no internet; the system's node is never used. Before printing the tarball's path, the script
# unpacks it and starts the packed agent (--help) with a decoy `node` first on PATH.
#
# usage: scripts/pack-agent.sh [node version or major] [out dir]
#   default node 24: the newest line whose registry build reports itself as LTS ("Krypton")
#   default out dir: dist/
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
want=${1:-24}
out=$(mkdir -p "${2:-$root/dist}" && cd "${2:-$root/dist}" && pwd)
log() { printf '[pack-agent] %s\n' "$*" >&2; }

nodedir=$("$root/scripts/registry-node.sh" "$want" | tail -1)
node_version=$("$nodedir/bin/node" --version)
platform=$(basename "$nodedir" | sed -E 's/^node-(linux-[a-z0-9]+)-.*$/\1/')
version=$(node -p "require('$root/package.json').version")
name="drbot-agent-$version-node${node_version#v}-$platform"

stage=$(mktemp -d "${TMPDIR:-/tmp}/drbot-pack-agent-XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name/bin" "$stage/$name/lib"
node "$root/scripts/bundle-agent.mjs" "$stage/$name/lib/drbot-agent.mjs" >&2
cp "$nodedir/bin/node" "$stage/$name/lib/node"
cp "$nodedir/LICENSE" "$stage/$name/lib/node.LICENSE"
cat >"$stage/$name/bin/drbot-agent" <<'EOF'
#!/bin/sh
# drbot-agent on the Node.js packed beside it: the system's node, if any, is never used
here=$(dirname "$(readlink -f "$0")")
exec "$here/../lib/node" "$here/../lib/drbot-agent.mjs" "$@"
EOF
chmod +x "$stage/$name/bin/drbot-agent"
tar -C "$stage" -czf "$out/$name.tar.gz" "$name"

# the packed agent starts from the tarball alone, even with an unusable node first on PATH
check="$stage/check"
mkdir -p "$check/decoy"
printf '#!/bin/sh\necho "decoy node was used" >&2\nexit 99\n' >"$check/decoy/node"
chmod +x "$check/decoy/node"
tar -C "$check" -xzf "$out/$name.tar.gz"
if ! usage=$(cd "$check" && env -i PATH="$check/decoy:/usr/bin:/bin" "$check/$name/bin/drbot-agent" --help) || [[ $usage != usage:\ drbot-agent* ]]; then
  log "the packed agent did not start: ${usage:-no output}"; exit 1
fi
log "checked: $name/bin/drbot-agent --help runs on its own Node $node_version"
echo "$out/$name.tar.gz"
