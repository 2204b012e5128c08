#!/usr/bin/env bash
# Runs the unit suite on another Node.js release, taken from the npm registry (scripts/registry-node.sh),
# in a copy of this tree: `npm ci` there builds better-sqlite3 against that Node's own headers
# (npm_config_nodedir, nothing else is downloaded), so this tree's node_modules, built for the system
# Node, are never touched. Typecheck and lint do not depend on the runtime and are left to `npm test`.
# The last line is `unit tests on Node vX.Y.Z: N passed, N failed, N skipped`.
#
# usage: scripts/test-on-node.sh [version or major]   (default 26: the newest 26.x)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
want=${1:-26}
nodedir=$("$root/scripts/registry-node.sh" "$want" | tail -1)

work=$(mktemp -d "${TMPDIR:-/tmp}/drbot-on-node-XXXXXX")
trap 'rm -rf "$work"' EXIT
tar -C "$root" --exclude=./.git --exclude=./node_modules --exclude=./dist --exclude=./data --exclude=./coverage -cf - . | tar -C "$work" -xf -

export PATH="$nodedir/bin:$PATH" npm_config_nodedir="$nodedir"
cd "$work"
version=$(node --version)
echo "== npm ci on Node $version (npm registry package, $nodedir), in $work"
started=$SECONDS
npm ci --no-audit --no-fund --prefer-offline
node -e "new (require('better-sqlite3'))(':memory:').close()" || { echo "better-sqlite3 was not built for Node $version" >&2; exit 1; }
echo "   npm ci took $((SECONDS - started)) s"

echo "== unit tests on Node $version"
started=$SECONDS
log="$work/unit.log"
set +e
# --trace-deprecation: a deprecated API used anywhere in the run is printed with the stack that used it
NODE_OPTIONS="--experimental-vm-modules --trace-deprecation" node node_modules/jest/bin/jest.js --selectProjects unit 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
echo "   unit tests took $((SECONDS - started)) s"
echo "unit tests on Node $version (npm registry): $(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" | tail -1)"
exit "$status"
