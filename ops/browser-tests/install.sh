#!/usr/bin/env bash
# Makes the browser test runnable, once per test run (./floodgate test calls it before Maven): Debian's Chromium
# (apt-get, as root, only when missing) and playwright-core at the version pinned in package-lock.json (npm ci into
# ./node_modules, git-ignored; skipped when that exact lock is already installed). Playwright's own browser download
# is never used. Exit status 0 = ready; otherwise it says what is missing and how to get it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
chromium="${FLOODGATE_CHROMIUM:-/usr/bin/chromium}"
apt_log="${TMPDIR:-/tmp}/floodgate-browser-apt.log"

as_root() { [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; }
apt_install() { # apt-get install, refreshing the package lists first when they are empty or stale for these names
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "$@" || { apt-get update -q && apt-get install -y -q "$@"; }
}

if [[ ! -x "$chromium" ]]; then
  if as_root && [[ "$chromium" == /usr/bin/chromium ]]; then
    echo "browser tests: installing Debian's chromium (apt-get install -y chromium)..."
    apt_install chromium >"$apt_log" 2>&1 || { cat "$apt_log" >&2; echo "browser tests: apt-get install chromium failed (log above)" >&2; exit 1; }
  else
    echo "browser tests: no Chromium at $chromium. Install it (as root: apt-get install -y chromium) or point" \
      "FLOODGATE_CHROMIUM at one; or skip the browser test with -Dfloodgate.browser-tests=off." >&2
    exit 1
  fi
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  if as_root; then
    echo "browser tests: installing Node.js and npm (apt-get install -y nodejs npm)..."
    apt_install nodejs npm >"$apt_log" 2>&1 || { cat "$apt_log" >&2; echo "browser tests: apt-get install nodejs npm failed (log above)" >&2; exit 1; }
  else
    echo "browser tests: Node.js 20+ and npm are needed (as root: apt-get install -y nodejs npm)." >&2
    exit 1
  fi
fi

# npm ci only when node_modules does not hold exactly this lock (a copy of the lock marks a finished install).
stamp="$here/node_modules/.floodgate-installed-lock"
if ! cmp -s "$here/package-lock.json" "$stamp" 2>/dev/null; then
  echo "browser tests: npm ci (playwright-core, pinned in ops/browser-tests/package-lock.json)..."
  (cd "$here" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
  cp "$here/package-lock.json" "$stamp"
fi
echo "browser tests: ready ($("$chromium" --version 2>/dev/null | head -1), node $(node --version), playwright-core $(node -p "require('$here/node_modules/playwright-core/package.json').version"))"
