#!/usr/bin/env bash
# with-stats.sh COMMAND...
#
# Runs COMMAND with R (and its haven and foreign packages) and PSPP on PATH,
# for the tests that load the exports with the R and SPSS syntax the codebook
# comes with: Debian's r-base-core, r-cran-haven, r-cran-foreign and pspp
# packages are installed when missing and we are root; otherwise this says
# exactly what to install, and COMMAND still runs (those tests then skip, or
# fail under CI=true).
set -euo pipefail

[[ $# -gt 0 ]] || { echo "usage: with-stats.sh COMMAND..." >&2; exit 2; }

say() { echo "with-stats: $*" >&2; }

packages="r-base-core r-cran-haven r-cran-foreign pspp"

have_stats() {
	command -v Rscript >/dev/null 2>&1 && command -v pspp >/dev/null 2>&1 &&
		Rscript -e 'quit(status = !all(sapply(c("haven", "foreign"), requireNamespace, quietly = TRUE)))' >/dev/null 2>&1
}

if ! have_stats; then
	if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
		say "installing Debian's $packages"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >&2
		# Recommends would pull in a compiler tool chain the tests never use.
		apt-get install -y -qq --no-install-recommends $packages >&2
	else
		say "no R with haven and foreign, or no PSPP, for the loader tests. Install them with:"
		say "  sudo apt-get install -y --no-install-recommends $packages"
	fi
fi

exec "$@"
