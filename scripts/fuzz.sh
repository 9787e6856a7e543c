#!/usr/bin/env bash
# fuzz.sh [FUZZTIME]
#
# Fuzzes every fuzz target of the module, one after the other, each for
# FUZZTIME (default 30s; `go test -fuzz` takes one target at a time). The
# targets are found, not listed here: a new `func FuzzX(f *testing.F)` in a
# _test.go file is picked up without editing this script or the Makefile.
# `--list` prints "package target" lines and fuzzes nothing.
#
# The targets are read from the test files `go list` reports for the
# current build (so build tags count) rather than with `go test -list`,
# which would build every test binary and run each package's TestMain
# (e2e's builds imrbot) only to name them.
set -euo pipefail

cd "$(dirname "$0")/.."
list=0
if [[ "${1:-}" == "--list" ]]; then list=1; shift; fi
fuzztime=${1:-${FUZZTIME:-30s}}

targets=$(
	go list -f '{{$d := .Dir}}{{$p := .ImportPath}}{{range .TestGoFiles}}{{$p}} {{$d}}/{{.}}{{"\n"}}{{end}}{{range .XTestGoFiles}}{{$p}} {{$d}}/{{.}}{{"\n"}}{{end}}' ./... |
		while read -r pkg file; do
			[[ -n "$pkg" ]] || continue
			sed -nE 's/^func (Fuzz[A-Za-z0-9_]*)\([A-Za-z_][A-Za-z0-9_]* \*testing\.F\).*/\1/p' "$file" |
				while read -r name; do echo "$pkg $name"; done
		done | sort -u
)
if [[ -z "$targets" ]]; then
	echo "fuzz.sh: no fuzz targets found" >&2
	exit 1
fi
if ((list)); then
	echo "$targets"
	exit 0
fi

failed=()
while read -r pkg name; do
	echo "== $name ($pkg, $fuzztime)"
	if ! go test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" "$pkg"; then
		failed+=("$pkg $name")
	fi
done <<<"$targets"
if ((${#failed[@]})); then
	printf 'fuzz.sh: failed: %s\n' "${failed[@]}" >&2
	exit 1
fi
