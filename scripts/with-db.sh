#!/usr/bin/env bash
# with-db.sh [--db NAME] COMMAND...
#
# Runs COMMAND with DATABASE_URL pointing at a PostgreSQL server:
#   1. DATABASE_URL when it is set;
#   2. else the server on 127.0.0.1:5432 when one answers (trust auth, user
#      postgres), as on the project's machines and in CI;
#   3. else a private cluster under .data/ on port 54329, created on first
#      use and stopped again when COMMAND ends. Debian's postgresql package
#      is installed when it is missing and we are root; otherwise this says
#      exactly what to install.
# With --db NAME (case 2 and 3) the database NAME is created when missing
# and used instead of the maintenance database "postgres".
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dbname=postgres
if [[ "${1:-}" == "--db" ]]; then dbname=$2; shift 2; fi
[[ $# -gt 0 ]] || { echo "usage: with-db.sh [--db NAME] COMMAND..." >&2; exit 2; }

default_port=${IMRBOT_DEFAULT_PG_PORT:-5432}
private_port=${IMRBOT_PRIVATE_PG_PORT:-54329}
data=$root/.data/pg
started_private=0

say() { echo "with-db: $*" >&2; }

answers() { # host port: does a server accept TCP connections there?
	(exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

pg_bindir() {
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		[[ -x $d/initdb ]] && { echo "$d"; return 0; }
	done
	command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
	return 1
}

install_postgres() {
	if [[ $(id -u) -ne 0 ]]; then
		say "PostgreSQL is not installed. Install it with:"
		say "  sudo apt-get install -y postgresql"
		say "or point DATABASE_URL at a server you have."
		exit 1
	fi
	say "installing Debian's postgresql package"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq postgresql >&2
}

# as_owner runs a PostgreSQL server binary as a user it accepts: the
# server refuses to run as root, so root runs it as the postgres user.
as_owner() {
	if [[ $(id -u) -eq 0 ]]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

start_private() {
	local bin
	bin=$(pg_bindir) || { install_postgres; bin=$(pg_bindir) || { say "no initdb after install"; exit 1; }; }
	mkdir -p "$root/.data"
	if [[ $(id -u) -eq 0 ]]; then
		id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
		mkdir -p "$data"; chown postgres: "$data"; chmod 700 "$data"
		chown postgres: "$root/.data"
	fi
	if [[ ! -f $data/PG_VERSION ]]; then
		say "creating a private PostgreSQL cluster in $data"
		as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
	fi
	if ! answers 127.0.0.1 "$private_port"; then
		say "starting the private cluster on 127.0.0.1:$private_port"
		as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
			-o "-p $private_port -k $data -c listen_addresses=127.0.0.1 -c fsync=on" start >/dev/null
		started_private=1
	fi
	PG_STOP="$bin/pg_ctl"
}

stop_private() {
	if [[ $started_private -eq 1 ]]; then
		say "stopping the private cluster"
		as_owner "$PG_STOP" -D "$data" -m fast -w stop >/dev/null || true
	fi
}

ensure_database() { # port
	[[ $dbname == postgres ]] && return 0
	local psql
	psql=$(command -v psql || echo "$(pg_bindir)/psql")
	if ! "$psql" -h 127.0.0.1 -p "$1" -U postgres -d postgres -Atqc \
		"SELECT 1 FROM pg_database WHERE datname = '$dbname'" | grep -q 1; then
		"$psql" -h 127.0.0.1 -p "$1" -U postgres -d postgres -qc "CREATE DATABASE \"$dbname\"" >/dev/null
	fi
}

if [[ -z "${DATABASE_URL:-}" ]]; then
	if answers 127.0.0.1 "$default_port"; then
		port=$default_port
	else
		trap stop_private EXIT
		start_private
		port=$private_port
	fi
	ensure_database "$port"
	export DATABASE_URL="postgres://postgres@127.0.0.1:$port/$dbname?sslmode=disable"
fi

set +e
"$@"
status=$?
set -e
exit $status
