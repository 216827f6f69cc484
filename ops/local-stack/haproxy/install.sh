#!/usr/bin/env bash
# Makes HAProxy available for the local cluster (./floodgate start --cluster, LocalClusterKillTest): Debian's haproxy
# package, installed with apt-get as root only when no `haproxy` is on PATH (or at FLOODGATE_HAPROXY). Exit status
# 0 = ready (prints its version); otherwise it says what to install.
set -euo pipefail
haproxy="${FLOODGATE_HAPROXY:-haproxy}"
apt_log="${TMPDIR:-/tmp}/floodgate-haproxy-apt.log"

as_root() { [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; }
apt_install() { # apt-get install, refreshing the package lists first when they are empty or stale for these names
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "$@" || { apt-get update -q && apt-get install -y -q "$@"; }
}

if ! command -v "$haproxy" >/dev/null; then
  if as_root && [[ "$haproxy" == haproxy ]]; then
    echo "local cluster: installing Debian's haproxy (apt-get install -y haproxy)..."
    apt_install haproxy >"$apt_log" 2>&1 || { cat "$apt_log" >&2; echo "local cluster: apt-get install haproxy failed (log above)" >&2; exit 1; }
    # Debian's package enables a system service on the default config; the cluster runs its own haproxy process.
    if command -v systemctl >/dev/null && systemctl is-active --quiet haproxy 2>/dev/null; then systemctl stop haproxy || true; fi
  else
    echo "local cluster: no haproxy found. Install it (as root: apt-get install -y haproxy, HAProxy 2.4 or newer) or" \
      "point FLOODGATE_HAPROXY at one." >&2
    exit 1
  fi
fi
echo "local cluster: $("$haproxy" -v 2>/dev/null | head -1)"
