#!/usr/bin/env bash
# Start (or reuse) a throwaway PostgreSQL server for rollsafe's tests.
#
#   eval "$(.ci/postgres.sh)"      # then plain `psql` / libpq clients connect
#
# - installs Debian's `postgresql` package if the server binaries are missing
#   (apt-get update only when there are no package lists or the install fails);
# - keeps its own cluster in $ROLLSAFE_PG_DIR (default /tmp/rollsafe-pg):
#   data in ./data, log in ./server.log, unix socket in the directory itself;
#   it does not use Debian's 15/main cluster, systemd or port 5432;
# - listens on the unix socket and on 127.0.0.1:$ROLLSAFE_PG_PORT (default
#   54329), trust auth, superuser `postgres` plus a superuser role named after
#   the invoking OS user (root in CI);
# - idempotent: a healthy running server is reused, a stopped one restarted,
#   a broken data directory re-created (it only ever holds test data);
# - stdout carries exactly one line, `export PGHOST=... PGPORT=... PGUSER=...
#   PGDATABASE=postgres`; everything else goes to stderr.
#
# Stop it:  runuser -u postgres -- /usr/lib/postgresql/*/bin/pg_ctl -D /tmp/rollsafe-pg/data stop
set -euo pipefail

exec 3>&1 1>&2 # fd 3 = the caller's stdout, reserved for the export line

PG_DIR="${ROLLSAFE_PG_DIR:-/tmp/rollsafe-pg}"
PG_PORT="${ROLLSAFE_PG_PORT:-54329}"

log() { printf 'postgres.sh: %s\n' "$*"; }
die() {
	log "error: $*"
	exit 1
}

[[ $PG_DIR == /* ]] || PG_DIR="$PWD/$PG_DIR"
# Goes unquoted through pg_ctl -o and postgresql.conf; unix socket paths are limited to ~107 bytes.
[[ $PG_DIR =~ ^/[A-Za-z0-9._/-]+$ && ${#PG_DIR} -le 80 ]] || die "ROLLSAFE_PG_DIR must be a short path of [A-Za-z0-9._/-]: $PG_DIR"
if ! [[ $PG_PORT =~ ^[1-9][0-9]{0,4}$ ]] || ((PG_PORT > 65535)); then die "bad ROLLSAFE_PG_PORT: $PG_PORT"; fi
PG_DIR="${PG_DIR%/}"
PG_DATA="$PG_DIR/data"
PG_LOG="$PG_DIR/server.log"

# initdb refuses unknown locales and Debian's perl tools warn about them; C.UTF-8 always exists on Debian.
export LC_ALL=C.UTF-8 LANG=C.UTF-8
unset LANGUAGE PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGSERVICE PGOPTIONS
cd / # commands run as `postgres` must not start in an unreadable cwd

# One run at a time (two CI steps or a developer racing CI).
exec 9>"$PG_DIR.lock"
flock -w 300 9 || die "timed out waiting for lock $PG_DIR.lock"

# ---------------------------------------------------------------- binaries
find_bindir() {
	local d
	while read -r d; do
		if [[ -x $d/initdb && -x $d/pg_ctl && -x $d/postgres && -x $d/psql && -x $d/pg_isready ]]; then
			printf '%s\n' "$d"
			return 0
		fi
	done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -rV)
	return 1
}

apt_update() {
	log "apt-get update"
	# Tolerate failures of unrelated third-party sources; the install below is what must succeed.
	apt-get -q -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300 update >>"$APT_LOG" 2>&1 ||
		log "warning: apt-get update reported errors (continuing; see $APT_LOG)"
}

apt_install() {
	apt-get -q -y -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300 \
		install --no-install-recommends postgresql >>"$APT_LOG" 2>&1
}

install_postgresql() {
	((EUID == 0)) || die "PostgreSQL server binaries not found and not root; install Debian's 'postgresql' package"
	export DEBIAN_FRONTEND=noninteractive
	APT_LOG="$(mktemp /tmp/rollsafe-pg-apt.XXXXXX.log)"
	# We make our own cluster: skip Debian's default 15/main (saves an initdb and a server on 5432).
	# (A drop-in: createcluster.conf itself is ucf-managed and must not pre-exist.)
	mkdir -p /etc/postgresql-common/createcluster.d
	printf 'create_main_cluster = off\n' >/etc/postgresql-common/createcluster.d/rollsafe.conf
	if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
		apt_update
	fi
	log "apt-get install postgresql (log: $APT_LOG)"
	if ! apt_install; then
		apt_update
		apt_install || {
			tail -n 40 "$APT_LOG"
			die "apt-get install postgresql failed"
		}
	fi
}

SECONDS=0
if ! BIN="$(find_bindir)"; then
	install_postgresql
	BIN="$(find_bindir)" || die "postgresql installed but no server binaries under /usr/lib/postgresql/*/bin"
	log "installed PostgreSQL in ${SECONDS}s"
fi
VERSION="$("$BIN/postgres" --version)"
log "using $VERSION ($BIN)"

# ---------------------------------------------------------------- cluster
if ((EUID == 0)); then
	id -u postgres >/dev/null 2>&1 || die "no 'postgres' OS user (is postgresql-common installed?)"
	as_pg() { runuser -u postgres -- "$@"; }
	PG_OWNER=postgres
else
	as_pg() { "$@"; }
	PG_OWNER="$(id -un)"
fi

mkdir -p "$PG_DIR"
if ((EUID == 0)); then chown "$PG_OWNER:" "$PG_DIR"; fi
chmod 0755 "$PG_DIR"

# Live postmaster for $PG_DATA? (Not `pg_ctl status`: it counts a zombie pid as running, and a
# killed postmaster can stay a zombie where PID 1 does not reap, as in some containers.)
server_pid() {
	local pid state
	pid="$(head -n1 "$PG_DATA/postmaster.pid" 2>/dev/null || true)"
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)"
	[[ -n $state && $state != Z && "$(cat "/proc/$pid/comm" 2>/dev/null)" == postgres ]] || return 1
	printf '%s\n' "$pid"
}
is_running() { server_pid >/dev/null; }

# postmaster.pid line 4 = port, line 5 = socket directory.
running_matches() {
	[[ "$(sed -n 4p "$PG_DATA/postmaster.pid" 2>/dev/null)" == "$PG_PORT" &&
		"$(sed -n 5p "$PG_DATA/postmaster.pid" 2>/dev/null)" == "$PG_DIR" ]]
}

# -t 2: a hung server accepts the TCP/unix connection but never answers.
is_ready() { "$BIN/pg_isready" -q -t 2 -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres; }

wait_ready() { # $1 = seconds
	local deadline=$((SECONDS + $1))
	while ((SECONDS < deadline)); do
		is_ready && return 0
		is_running || return 1
		sleep 0.25
	done
	return 1
}

stop_server() {
	as_pg "$BIN/pg_ctl" -D "$PG_DATA" -w -t 15 -m fast stop >/dev/null 2>&1 ||
		as_pg "$BIN/pg_ctl" -D "$PG_DATA" -w -t 5 -m immediate stop >/dev/null 2>&1 || true
	local pid
	if pid="$(server_pid)"; then
		kill -KILL "$pid" 2>/dev/null || true
		sleep 1
	fi
	! is_running || die "cannot stop the server of $PG_DATA (pid $(server_pid))"
}

cluster_ok() {
	[[ -s $PG_DATA/PG_VERSION && -s $PG_DATA/global/pg_control && -f $PG_DATA/postgresql.conf ]] || return 1
	# Data directory from another major version (e.g. the machine image moved on): start over.
	[[ "$(cat "$PG_DATA/PG_VERSION")" == "$(basename "$(dirname "$BIN")")" ]]
}

port_in_use() { (exec 8<>"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null; }

init_cluster() {
	log "initdb $PG_DATA"
	rm -rf "$PG_DATA" "$PG_DATA.new"
	mkdir -m 0700 "$PG_DATA.new"
	if ((EUID == 0)); then chown "$PG_OWNER:" "$PG_DATA.new"; fi
	as_pg "$BIN/initdb" -D "$PG_DATA.new" -U postgres --auth=trust \
		--encoding=UTF8 --locale=C.UTF-8 --no-sync >"$PG_DIR/initdb.log" 2>&1 || {
		cat "$PG_DIR/initdb.log"
		die "initdb failed"
	}
	# Port and socket directory are passed at start (pg_ctl -o) so env overrides always win.
	cat >>"$PG_DATA.new/postgresql.conf" <<'EOF'

# ---- rollsafe test server (.ci/postgres.sh): throwaway data, speed over durability
listen_addresses = '127.0.0.1'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
log_min_messages = warning
EOF
	mv "$PG_DATA.new" "$PG_DATA"
}

start_server() {
	if port_in_use; then
		die "port $PG_PORT on 127.0.0.1 is taken by another process; set ROLLSAFE_PG_PORT to a free port"
	fi
	# No live server owns these (the caller checked): stale files left by a crash or a
	# zombie pid would make the new postmaster refuse to start.
	rm -f "$PG_DATA/postmaster.pid" "$PG_DIR/.s.PGSQL.$PG_PORT" "$PG_DIR/.s.PGSQL.$PG_PORT.lock"
	log "starting server on port $PG_PORT, socket dir $PG_DIR"
	# Close fd 3 (the caller's stdout: `eval "$(...)"` would wait for the server to exit) and
	# fd 9 (the lock: the server would hold it forever) in what the server inherits.
	as_pg "$BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
		-o "-p $PG_PORT -k $PG_DIR" start >/dev/null 3>&- 9>&- && wait_ready 30
}

if is_running; then
	if ! running_matches; then
		log "server of $PG_DATA runs with another port or socket dir; restarting it"
		stop_server
	elif wait_ready 10; then
		log "server already running (pid $(server_pid))"
	else
		log "server of $PG_DATA (pid $(server_pid)) does not answer; restarting it"
		stop_server
	fi
fi

if ! is_running; then
	cluster_ok || init_cluster
	if ! start_server; then
		tail -n 20 "$PG_LOG" 2>/dev/null || true
		log "start failed; re-creating the data directory and trying once more"
		stop_server
		init_cluster
		start_server || {
			tail -n 40 "$PG_LOG" 2>/dev/null || true
			die "could not start PostgreSQL (log: $PG_LOG)"
		}
	fi
fi
is_ready || die "server not ready (log: $PG_LOG)"

# Superuser role for the invoking OS user (root in CI), so `psql -U root` works too.
ME="$(id -un)"
"$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres \
	-v me="$ME" >/dev/null <<'SQL'
SELECT format('CREATE ROLE %I SUPERUSER LOGIN', :'me')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'me')
\gexec
SELECT 1;
SQL

log "ready in ${SECONDS}s: $VERSION on $PG_DIR:$PG_PORT and 127.0.0.1:$PG_PORT"
printf 'export PGHOST=%q PGPORT=%q PGUSER=%q PGDATABASE=%q\n' "$PG_DIR" "$PG_PORT" postgres postgres >&3
