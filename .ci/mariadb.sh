#!/usr/bin/env bash
# Start (or reuse) a throwaway MariaDB server for rollsafe's MySQL lane.
#
#   eval "$(.ci/mariadb.sh)"      # then tests/mysql_lane.rs connects through the socket it names
#
# - installs Debian's `mariadb-server` package if the server is missing (apt-get update only when
#   there are no package lists or the install fails);
# - keeps its own data directory in $ROLLSAFE_MARIADB_DIR (default /tmp/rollsafe-mariadb), with the
#   socket and the log beside it; no TCP, no systemd, Debian's own instance untouched;
# - root connects through the socket without a password (unix_socket authentication; the lane runs
#   as the OS user that started it);
# - idempotent: a server that answers is reused, a stopped one started again;
# - stdout carries exactly one line, `export ROLLSAFE_MARIADB_SOCKET=...`; everything else goes to
#   stderr.
#
# Stop it:  mariadb-admin --socket=/tmp/rollsafe-mariadb/mysqld.sock -u root shutdown
set -euo pipefail

exec 3>&1 1>&2

DIR="${ROLLSAFE_MARIADB_DIR:-/tmp/rollsafe-mariadb}"
[[ $DIR =~ ^/[A-Za-z0-9._/-]+$ && ${#DIR} -le 80 ]] || { echo "mariadb.sh: bad ROLLSAFE_MARIADB_DIR: $DIR"; exit 1; }
DATA="$DIR/data"
SOCK="$DIR/mysqld.sock"
LOG="$DIR/server.log"

log() { printf 'mariadb.sh: %s\n' "$*"; }
die() {
	log "error: $*"
	exit 1
}

if ! command -v mariadbd >/dev/null || ! command -v mariadb-install-db >/dev/null; then
	((EUID == 0)) || die "MariaDB not found and not root; install Debian's 'mariadb-server' package"
	export DEBIAN_FRONTEND=noninteractive
	APT_LOG="$(mktemp /tmp/rollsafe-mariadb-apt.XXXXXX.log)"
	install() { apt-get -q -y -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300 install --no-install-recommends mariadb-server >>"$APT_LOG" 2>&1; }
	if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
		apt-get -q -o DPkg::Lock::Timeout=300 update >>"$APT_LOG" 2>&1 || log "warning: apt-get update reported errors"
	fi
	log "apt-get install mariadb-server (log: $APT_LOG)"
	install || { apt-get -q update >>"$APT_LOG" 2>&1 || true; install; } || {
		tail -n 40 "$APT_LOG"
		die "apt-get install mariadb-server failed"
	}
fi
log "using $(mariadbd --version)"

answers() { mariadb --socket="$SOCK" -u root -N -e 'SELECT 1' >/dev/null 2>&1; }

if answers; then
	log "reusing the server on $SOCK"
else
	mkdir -p "$DIR"
	if [[ ! -d $DATA/mysql ]]; then
		rm -rf "$DATA"
		log "mariadb-install-db into $DATA"
		mariadb-install-db --user="$(id -un)" --datadir="$DATA" --auth-root-authentication-method=socket --skip-test-db >"$DIR/install.log" 2>&1 ||
			{ tail -n 20 "$DIR/install.log"; die "mariadb-install-db failed"; }
	fi
	log "starting mariadbd (log: $LOG)"
	# sql_mode: MariaDB's default (strict), as MySQL 8 has it.
	nohup mariadbd --no-defaults --user="$(id -un)" --datadir="$DATA" --socket="$SOCK" --skip-networking \
		--pid-file="$DIR/mysqld.pid" --log-error="$LOG" --innodb-buffer-pool-size=64M \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci >/dev/null 2>&1 3>&- &
	for _ in $(seq 1 60); do
		answers && break
		sleep 1
	done
	answers || { tail -n 30 "$LOG"; die "mariadbd did not answer on $SOCK"; }
fi
printf 'export ROLLSAFE_MARIADB_SOCKET=%s\n' "$SOCK" >&3
