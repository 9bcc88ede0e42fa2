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

say() { echo "redis: $*"; }
die() {
    echo "redis: error: $*" >&2
    exit 1
}
log_tail() {
    if [[ -s "$LOG" ]]; then
        echo "---- last 20 lines of $LOG ----" >&2
        tail -n 20 "$LOG" >&2
        echo "----" >&2
    fi
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

port_owner() {
    if command -v ss >/dev/null 2>&1; then
        ss -ltnpH "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\(.*\)))/\1/p' | head -n1
    fi
}

# A real PING over the Redis protocol (no redis-cli needed); succeeds on +PONG.
ping() {
    local reply
    { exec 3<>"/dev/tcp/$HOST/$PORT"; } 2>/dev/null || return 1
    printf 'PING\r\n' >&3
    IFS= read -r -t 2 reply <&3 || reply=""
    exec 3>&-
    [[ "${reply%$'\r'}" == "+PONG" ]]
}

running_pid() {
    [[ -f "$PIDFILE" ]] || return 1
    local pid
    pid="$(cat "$PIDFILE" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "redis-server" || return 1
    echo "$pid"
}

cmd_install() {
    if command -v redis-server >/dev/null 2>&1; then
        say "already installed: $(redis-server --version | cut -d' ' -f1-3)"
        return 0
    fi
    local sudo=()
    if [[ "$(id -u)" -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 ||
            die "redis-server is not installed and installing it needs root: run 'apt-get install -y redis-server' as root."
        sudo=(sudo)
    fi
    command -v apt-get >/dev/null 2>&1 ||
        die "redis-server is not installed and apt-get is not available: install Redis 7 with your package manager so redis-server is on PATH."
    say "installing redis-server from Debian ..."
    "${sudo[@]}" apt-get update -qq ||
        die "apt-get update failed; check the network/apt sources, then run '$0 install' again."
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq redis-server >/dev/null ||
        die "apt-get install redis-server failed; see the messages above."
    command -v redis-server >/dev/null 2>&1 || die "redis-server still not on PATH after installing it."
    say "installed: $(redis-server --version | cut -d' ' -f1-3)"
}

cmd_up() {
    local pid
    if pid="$(running_pid)"; then
        ping || die "redis pid $pid runs but does not answer PING on $HOST:$PORT; run '$0 down' then '$0 up'."
        say "already running (pid $pid) on $HOST:$PORT"
        return 0
    fi
    command -v redis-server >/dev/null 2>&1 ||
        die "redis-server not found on PATH; run '$0 install' (or 'make infra')."
    rm -f "$PIDFILE"
    if port_open "$PORT"; then
        local owner
        owner="$(port_owner "$PORT")"
        die "port $PORT on $HOST is already in use by another process${owner:+ ($owner)}; stop it or choose another port, e.g. TICKET_ROUTER_REDIS_PORT=$((PORT + 100)) $0 up"
    fi
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

cmd_down() {
    local pid
    if ! pid="$(running_pid)"; then
        rm -f "$PIDFILE"
        say "not running"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    local waited=0
    while kill -0 "$pid" 2>/dev/null; do
        if ((waited >= STOP_TIMEOUT * 10)); then
            say "still running after ${STOP_TIMEOUT}s; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.2
            break
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    rm -f "$PIDFILE"
    say "stopped (was pid $pid)"
}

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

# Serialise up/down between concurrent callers (e.g. two test sessions sharing one clone).
with_lock() {
    if command -v flock >/dev/null 2>&1; then
        mkdir -p "$REDIS_DIR"
        exec 9>"$REDIS_DIR/.lock"
        flock -w 300 9 || die "another kafka.sh/redis.sh call holds $REDIS_DIR/.lock for 300s; retry later."
    fi
}

main() {
    local cmd="${1:-}"
    case "$cmd" in
    install) cmd_install ;;
    up) with_lock && cmd_up ;;
    down) with_lock && cmd_down ;;
    status) cmd_status ;;
    -h | --help | help) usage ;;
    "")
        usage >&2
        exit 2
        ;;
    *)
        echo "redis: error: unknown command '$cmd'" >&2
        usage >&2
        exit 2
        ;;
    esac
}

main "$@"
