#!/usr/bin/env bash
# Makes the observability tests runnable: Debian's `prometheus` package (the server and promtool), installed with
# apt-get, as root, only when promtool or prometheus is missing. Exit status 0 = ready (prints both versions);
# 2 = cannot install here (no apt-get, or not root): the tests then skip and say so; 1 = the install failed.
set -euo pipefail
apt_log="${TMPDIR:-/tmp}/floodgate-observability-apt.log"

if command -v promtool >/dev/null && command -v prometheus >/dev/null; then
  echo "observability: ready ($(promtool --version 2>&1 | head -1))"
  exit 0
fi
if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
  echo "observability: promtool/prometheus missing and apt-get cannot run here (needs root and apt-get);" \
    "install Debian's prometheus package (apt-get install -y prometheus)." >&2
  exit 2
fi
echo "observability: installing Debian's prometheus (apt-get install -y prometheus)..."
export DEBIAN_FRONTEND=noninteractive
# --no-install-recommends: the server and promtool only. The package's service is never started by us (no systemd
# here); tests run their own server with their own config.
{ apt-get install -y -q --no-install-recommends prometheus \
  || { apt-get update -q && apt-get install -y -q --no-install-recommends prometheus; }; } >"$apt_log" 2>&1 \
  || { cat "$apt_log" >&2; echo "observability: apt-get install prometheus failed (log above)" >&2; exit 1; }
echo "observability: ready ($(promtool --version 2>&1 | head -1))"
