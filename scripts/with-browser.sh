#!/usr/bin/env bash
# with-browser.sh COMMAND...
#
# Runs COMMAND with a Chromium on PATH for the desk's browser tests:
# Debian's chromium package is installed when no Chromium is found and we
# are root; otherwise this says exactly what to install, and COMMAND still
# runs (the browser tests then skip, or fail under CI=true).
set -euo pipefail

[[ $# -gt 0 ]] || { echo "usage: with-browser.sh COMMAND..." >&2; exit 2; }

say() { echo "with-browser: $*" >&2; }

have_browser() {
	command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 ||
		command -v google-chrome >/dev/null 2>&1 || command -v google-chrome-stable >/dev/null 2>&1
}

if ! have_browser; then
	if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
		say "installing Debian's chromium package"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >&2
		apt-get install -y -qq chromium >&2
	else
		say "no Chromium for the desk's browser tests. Install it with:"
		say "  sudo apt-get install -y chromium"
	fi
fi

exec "$@"
