#!/usr/bin/env bash
# Local Prometheus for the demo, dashboards and integration tests: installed from Debian
# when absent, bound to 127.0.0.1, scraping the worker's metrics endpoint(s) with the
# alert rules in deploy/prometheus/alerts.yml.
set -euo pipefail

usage() {
    cat <<EOF
usage: deploy/local/prometheus.sh {install|up|down|status}

commands:
  install   apt-get install prometheus (no recommends), only when it is not on PATH
  up        render the config, start Prometheus on 127.0.0.1 and wait until it is ready
  down      stop it (SIGTERM, SIGKILL after 10 s)
  status    print whether it runs and is ready (exit 0 running, 3 stopped, 1 not ready)

environment:
  TICKET_ROUTER_PROMETHEUS_PORT     port                                (default 19090)
  TICKET_ROUTER_METRICS_TARGETS     host:port[,host:port] to scrape     (default 127.0.0.1:9464)
  TICKET_ROUTER_STATE_DIR           state and logs                      (default <repo>/.local)
EOF
}

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
STATE_DIR="${TICKET_ROUTER_STATE_DIR:-$REPO_ROOT/.local}"
HOST=127.0.0.1
PORT="${TICKET_ROUTER_PROMETHEUS_PORT:-19090}"
TARGETS="${TICKET_ROUTER_METRICS_TARGETS:-127.0.0.1:9464}"
PROM_DIR="$STATE_DIR/prometheus"
PIDFILE="$PROM_DIR/prometheus.pid"
CONFIG="$PROM_DIR/prometheus.yml"
LOG_DIR="$STATE_DIR/logs"
LOG="$LOG_DIR/prometheus.log"
TEMPLATE="$REPO_ROOT/deploy/prometheus/prometheus.yml"
RULES="$REPO_ROOT/deploy/prometheus/alerts.yml"
START_TIMEOUT=30

say() { echo "prometheus: $*"; }
die() {
    echo "prometheus: error: $*" >&2
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

# GET /-/ready over plain bash (no curl needed); succeeds on HTTP 200.
ready() {
    local line
    { exec 3<>"/dev/tcp/$HOST/$PORT"; } 2>/dev/null || return 1
    printf 'GET /-/ready HTTP/1.0\r\nHost: %s\r\n\r\n' "$HOST" >&3
    IFS= read -r -t 2 line <&3 || line=""
    exec 3>&-
    [[ "$line" == *" 200"* ]]
}

running_pid() {
    [[ -f "$PIDFILE" ]] || return 1
    local pid
    pid="$(cat "$PIDFILE" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "prometheus" || return 1
    echo "$pid"
}

cmd_install() {
    if command -v prometheus >/dev/null 2>&1; then
        say "already installed: $(prometheus --version 2>&1 | head -n1)"
        return 0
    fi
    local sudo=()
    if [[ "$(id -u)" -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 ||
            die "prometheus is not installed and installing it needs root: run 'apt-get install -y --no-install-recommends prometheus' as root."
        sudo=(sudo)
    fi
    command -v apt-get >/dev/null 2>&1 ||
        die "prometheus is not installed and apt-get is not available: install Prometheus 2.x so 'prometheus' is on PATH."
    say "installing prometheus from Debian ..."
    "${sudo[@]}" apt-get update -qq ||
        die "apt-get update failed; check the network/apt sources, then run '$0 install' again."
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends prometheus >/dev/null ||
        die "apt-get install prometheus failed; see the messages above."
    command -v prometheus >/dev/null 2>&1 || die "prometheus still not on PATH after installing it."
    # The package may start a system-wide service on 0.0.0.0:9090; this project only
    # runs its own, on loopback.
    if command -v service >/dev/null 2>&1; then
        "${sudo[@]}" service prometheus stop >/dev/null 2>&1 || true
    fi
    say "installed: $(prometheus --version 2>&1 | head -n1)"
}

render() {
    local targets="" target list
    IFS=',' read -r -a list <<<"$TARGETS"
    for target in "${list[@]}"; do
        [[ "$target" =~ ^[A-Za-z0-9_.-]+:[0-9]+$ ]] ||
            die "TICKET_ROUTER_METRICS_TARGETS: '$target' is not host:port"
        targets+="${targets:+, }\"$target\""
    done
    sed -e "s|@TARGETS@|$targets|" -e "s|@RULES@|$RULES|" "$TEMPLATE" >"$CONFIG"
}

cmd_up() {
    local pid
    if pid="$(running_pid)"; then
        ready || die "prometheus pid $pid runs but is not ready on $HOST:$PORT; run '$0 down' then '$0 up'."
        say "already running (pid $pid) on http://$HOST:$PORT"
        return 0
    fi
    command -v prometheus >/dev/null 2>&1 ||
        die "prometheus not found on PATH; run '$0 install' (or 'make infra')."
    rm -f "$PIDFILE"
    if port_open "$PORT"; then
        die "port $PORT on $HOST is already in use by another process; stop it or choose another port, e.g. TICKET_ROUTER_PROMETHEUS_PORT=$((PORT + 100)) $0 up"
    fi
    mkdir -p "$PROM_DIR/data" "$LOG_DIR"
    render
    if command -v promtool >/dev/null 2>&1; then
        promtool check config "$CONFIG" >>"$LOG" 2>&1 || {
            log_tail
            die "the rendered config $CONFIG is invalid (log tail above)."
        }
    fi
    echo "==== $(date -u +%FT%TZ) prometheus.sh up on $HOST:$PORT scraping $TARGETS ====" >>"$LOG"
    nohup prometheus --config.file="$CONFIG" --web.listen-address="$HOST:$PORT" \
        --storage.tsdb.path="$PROM_DIR/data" --storage.tsdb.retention.time=2d \
        >>"$LOG" 2>&1 9>&- </dev/null &
    echo $! >"$PIDFILE"
    local waited=0
    until ready; do
        if ! running_pid >/dev/null; then
            log_tail
            die "prometheus exited during start (log tail above, full log $LOG)."
        fi
        if ((waited >= START_TIMEOUT * 10)); then
            log_tail
            die "Prometheus was not ready on $HOST:$PORT within ${START_TIMEOUT}s (log tail above)."
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    say "ready on http://$HOST:$PORT (pid $(cat "$PIDFILE")), scraping $TARGETS; log $LOG"
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
        if ((waited >= 100)); then
            say "still running after 10s; sending SIGKILL"
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
    if ready; then
        say "running (pid $pid) on http://$HOST:$PORT, ready"
        return 0
    fi
    say "process $pid runs but is not ready on $HOST:$PORT (see $LOG)"
    return 1
}

with_lock() {
    if command -v flock >/dev/null 2>&1; then
        mkdir -p "$PROM_DIR"
        exec 9>"$PROM_DIR/.lock"
        flock -w 300 9 || die "another prometheus.sh call holds $PROM_DIR/.lock for 300s; retry later."
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
        echo "prometheus: error: unknown command '$cmd'" >&2
        usage >&2
        exit 2
        ;;
    esac
}

main "$@"
