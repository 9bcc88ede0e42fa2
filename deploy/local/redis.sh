#!/usr/bin/env bash
# Local Redis for development, tests and CI: installed from Debian when absent, bound to
# 127.0.0.1, daemonized with pidfile/logfile under the state dir (default <repo>/.local),
# no persistence (it is a read model; the router rebuilds it).
set -euo pipefail

usage() {
    cat <<EOF
usage: deploy/local/redis.sh {install|up|down|status} [options]

commands:
  install   apt-get install redis-server, only when redis-server is not on PATH
  up        start Redis on 127.0.0.1 and wait for PONG; "already running" when it is up
  down      stop it (SHUTDOWN NOSAVE via SIGTERM, SIGKILL after TICKET_ROUTER_REDIS_STOP_TIMEOUT s)
  status    print whether it runs and answers PING (exit 0 running, 3 stopped, 1 not answering)

environment:
  TICKET_ROUTER_REDIS_PORT           port                   (default 16379)
  TICKET_ROUTER_STATE_DIR            state and logs         (default <repo>/.local)
  TICKET_ROUTER_REDIS_START_TIMEOUT  seconds to wait for up (default 20)
  TICKET_ROUTER_REDIS_STOP_TIMEOUT   seconds before SIGKILL (default 10)
EOF
}

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
STATE_DIR="${TICKET_ROUTER_STATE_DIR:-$REPO_ROOT/.local}"
HOST=127.0.0.1
PORT="${TICKET_ROUTER_REDIS_PORT:-16379}"
REDIS_DIR="$STATE_DIR/redis"
PIDFILE="$REDIS_DIR/redis.pid"
LOG_DIR="$STATE_DIR/logs"
LOG="$LOG_DIR/redis.log"
START_TIMEOUT="${TICKET_ROUTER_REDIS_START_TIMEOUT:-20}"
STOP_TIMEOUT="${TICKET_ROUTER_REDIS_STOP_TIMEOUT:-10}"

NAME=redis
LOCK_DIR="$REDIS_DIR"
# shellcheck source=deploy/local/lib.sh
source "$SCRIPT_DIR/lib.sh"

# A real PING over the Redis protocol (no redis-cli needed); succeeds on +PONG.
ping() {
    local reply
    { exec 3<>"/dev/tcp/$HOST/$PORT"; } 2>/dev/null || return 1
    printf 'PING\r\n' >&3
    IFS= read -r -t 2 reply <&3 || reply=""
    exec 3>&-
    [[ "${reply%$'\r'}" == "+PONG" ]]
}

running_pid() { running_pid_matching "redis-server"; }

cmd_install() {
    if command -v redis-server >/dev/null 2>&1; then
        say "already installed: $(redis-server --version | cut -d' ' -f1-3)"
        return 0
    fi
    apt_install redis-server redis-server \
        "install Redis 7 with your package manager so redis-server is on PATH."
    say "installed: $(redis-server --version | cut -d' ' -f1-3)"
}

cmd_up() {
    require_port_number TICKET_ROUTER_REDIS_PORT "$PORT"
    local pid
    if pid="$(running_pid)"; then
        ping || die "redis pid $pid runs but does not answer PING on $HOST:$PORT; run '$0 down' then '$0 up'."
        say "already running (pid $pid) on $HOST:$PORT"
        return 0
    fi
    command -v redis-server >/dev/null 2>&1 ||
        die "redis-server not found on PATH; run '$0 install' (or 'make infra')."
    rm -f "$PIDFILE"
    require_free_port "$PORT" "" TICKET_ROUTER_REDIS_PORT
    mkdir -p "$REDIS_DIR" "$LOG_DIR"
    echo "==== $(date -u +%FT%TZ) redis.sh up on $HOST:$PORT ====" >>"$LOG"
    redis-server --bind "$HOST" --port "$PORT" --daemonize yes --pidfile "$PIDFILE" \
        --logfile "$LOG" --dir "$REDIS_DIR" --save "" --appendonly no --protected-mode yes \
        >>"$LOG" 2>&1 9>&- || {
        log_tail
        die "redis-server failed to start (log tail above, full log $LOG)."
    }
    local waited=0
    until ping; do
        if ((waited >= START_TIMEOUT * 10)); then
            log_tail
            die "Redis did not answer PING on $HOST:$PORT within ${START_TIMEOUT}s (log tail above)."
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    say "ready on $HOST:$PORT (pid $(cat "$PIDFILE" 2>/dev/null || echo '?')); log $LOG"
}

cmd_down() { stop_service; }

cmd_status() {
    local pid
    if ! pid="$(running_pid)"; then
        say "not running ($HOST:$PORT)"
        return 3
    fi
    if ping; then
        say "running (pid $pid) on $HOST:$PORT, PING answered"
        return 0
    fi
    say "process $pid runs but $HOST:$PORT does not answer PING (see $LOG)"
    return 1
}

dispatch "$@"
