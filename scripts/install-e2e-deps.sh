#!/usr/bin/env bash
# Installs and starts what the e2e tests (jest project `e2e`) need on a Debian 12 machine without a
# Docker engine: podman serving the Docker API on a unix socket, a local busybox image, real uvicorn,
# and Debian's Chromium (driven by playwright-core for the web view; nothing downloads a browser) with
# Korean and emoji fonts so pages and timeline pictures render as people see them.
# Idempotent: a second run only checks and prints. Prints DOCKER_SOCKET=... as its last line.
set -euo pipefail

SOCK_DIR=/run/drbot-e2e
SOCK="$SOCK_DIR/podman.sock"
IMAGE=localhost/drbot-e2e-busybox:latest
CONF=/etc/containers/containers.conf
PACKAGES=(podman runc python3-fastapi uvicorn busybox-static iproute2 curl chromium fonts-nanum fonts-noto-color-emoji)

log() { printf '[install-e2e-deps] %s\n' "$*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
  log "must run as root (apt-get, /etc/containers, rootful podman)"; exit 1
fi

# 1. Debian packages ---------------------------------------------------------------------------
missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then missing+=("$p"); fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "packages already installed: ${PACKAGES[*]}"
fi

# 2. /etc/containers/containers.conf -----------------------------------------------------------
# Needed: default_ulimits = [] (podman's default nofile=1048576 is above this machine's hard
# limit of 20000, and runc fails with "error setting rlimit type 7: operation not permitted").
# netns = "host": containers share the host network unless told otherwise, so services listen on
# 127.0.0.1 and no CNI bridge (10.88.0.0/16, iptables rules) is created. The [engine] keys pin what
# podman 4.3 picks by itself on this machine (no systemd as pid 1, cgroup v1, no journald).
# Merged line by line: other keys and comments in an existing file are kept; the result is
# checked with tomllib before it is written.
mkdir -p /etc/containers
/usr/bin/python3 - "$CONF" <<'PY'
import os, re, sys, tomllib
path = sys.argv[1]
want = {
    "containers": {"default_ulimits": "[]", "netns": '"host"'},
    "engine": {"runtime": '"runc"', "cgroup_manager": '"cgroupfs"', "events_logger": '"file"'},
}
lines = open(path).read().splitlines() if os.path.exists(path) else []

def depth(line):
    """Net count of [ minus ] outside strings and comments (for multi-line arrays)."""
    d, quote, i = 0, None, 0
    while i < len(line):
        c = line[i]
        if quote:
            if c == "\\" and quote == '"': i += 1
            elif c == quote: quote = None
        elif c in "\"'": quote = c
        elif c == "#": break
        elif c == "[": d += 1
        elif c == "]": d -= 1
        i += 1
    return d

out, section, done, skip = [], None, {s: set() for s in want}, 0
def flush(sec):
    # append keys of `sec` not seen yet at the end of that section
    for k, v in want.get(sec, {}).items():
        if k not in done[sec]:
            out.append(f"{k} = {v}"); done[sec].add(k)
for line in lines:
    if skip > 0:  # continuation lines of a managed multi-line value
        skip += depth(line); continue
    m = re.match(r"^\s*\[([^\[\]]+)\]\s*(#.*)?$", line)
    if m:
        if section in want:
            while out and not out[-1].strip(): out.pop()
            flush(section); out.append("")
        section = m.group(1).strip()
        out.append(line); continue
    km = re.match(r"^\s*([A-Za-z0-9_-]+)\s*=(.*)$", line)
    if section in want and km and km.group(1) in want[section]:
        k = km.group(1)
        skip = max(depth(km.group(2)), 0)
        if k not in done[section]:
            out.append(f"{k} = {want[section][k]}"); done[section].add(k)
        continue  # the old value (and duplicates) go
    out.append(line)
if section in want: flush(section)
for sec in want:
    if len(done[sec]) < len(want[sec]):
        if out and out[-1].strip(): out.append("")
        out.append(f"[{sec}]"); flush(sec)
new = "\n".join(out) + "\n"
try:
    parsed = tomllib.loads(new)
    for sec, kv in want.items():
        for k, v in kv.items():
            assert parsed[sec][k] == tomllib.loads(f"x = {v}")["x"], (sec, k)
except Exception as e:
    sys.exit(f"[install-e2e-deps] refusing to write {path}: merge result invalid ({e!r})")
old = "\n".join(lines) + "\n" if lines else ""
if new != old:
    open(path, "w").write(new)
    print(f"[install-e2e-deps] updated {path}", file=sys.stderr)
else:
    print(f"[install-e2e-deps] {path} already set", file=sys.stderr)
PY

# 3. podman API service on $SOCK ---------------------------------------------------------------
ping() { curl -fsS --max-time 2 --unix-socket "$SOCK" http://d/_ping 2>/dev/null | grep -qx OK; }
# A service started from a checkout that was deleted since still answers _ping, but conmon then
# fails ("Failed to get working directory") and every container start breaks: restart it.
if [ -f "$SOCK_DIR/podman-service.pid" ]; then
  old_pid=$(cat "$SOCK_DIR/podman-service.pid")
  if [ -d "/proc/$old_pid" ] && readlink "/proc/$old_pid/cwd" | grep -q ' (deleted)$'; then
    log "podman service $old_pid runs in a deleted directory; restarting it"
    kill "$old_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do [ -d "/proc/$old_pid" ] || break; sleep 0.1; done
  fi
fi
if ping; then
  log "podman service already answering on $SOCK"
else
  mkdir -p "$SOCK_DIR"
  rm -f "$SOCK"
  log "starting podman system service on $SOCK (log: $SOCK_DIR/podman-service.log)"
  # started from / so it outlives whichever checkout ran this script
  (
    cd /
    setsid nohup podman system service --time=0 "unix://$SOCK" >"$SOCK_DIR/podman-service.log" 2>&1 </dev/null &
    echo $! >"$SOCK_DIR/podman-service.pid"
  )
  for _ in $(seq 1 100); do ping && break; sleep 0.2; done
  if ! ping; then
    log "podman service did not answer within 20s; log tail:"; tail -n 30 "$SOCK_DIR/podman-service.log" >&2 || true; exit 1
  fi
  log "podman service answering"
fi

# 4. local busybox image (nothing can be pulled here) ------------------------------------------
if podman image exists "$IMAGE"; then
  log "image $IMAGE already present"
else
  log "building $IMAGE from /bin/busybox"
  rootfs="$(mktemp -d)"
  trap 'rm -rf "$rootfs"' EXIT
  mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,proc,sys,dev,root,var/www}
  chmod 1777 "$rootfs/tmp"
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
  echo 'drbot e2e' >"$rootfs/var/www/index.html"
  tar -C "$rootfs" -cf - . | podman import --quiet \
    --change 'ENV PATH=/bin:/sbin:/usr/bin:/usr/sbin' \
    --change 'CMD ["/bin/sh"]' \
    - "$IMAGE" >/dev/null
  log "image $IMAGE built"
fi

echo "DOCKER_SOCKET=$SOCK"
