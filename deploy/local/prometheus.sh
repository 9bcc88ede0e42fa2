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

NAME=prometheus
STOP_TIMEOUT=10
LOCK_DIR="$PROM_DIR"
# shellcheck source=deploy/local/lib.sh
source "$SCRIPT_DIR/lib.sh"

# GET /-/ready over plain bash (no curl needed); succeeds on HTTP 200.
ready() {
    local line
    { exec 3<>"/dev/tcp/$HOST/$PORT"; } 2>/dev/null || return 1
    printf 'GET /-/ready HTTP/1.0\r\nHost: %s\r\n\r\n' "$HOST" >&3
    IFS= read -r -t 2 line <&3 || line=""
    exec 3>&-
    [[ "$line" == *" 200"* ]]
}

running_pid() { running_pid_matching "prometheus"; }

cmd_install() {
    if command -v prometheus >/dev/null 2>&1; then
        say "already installed: $(prometheus --version 2>&1 | head -n1)"
        return 0
    fi
    apt_install prometheus prometheus \
        "install Prometheus 2.x so 'prometheus' is on PATH." --no-install-recommends
    # The package may start a system-wide service on 0.0.0.0:9090; this project only
    # runs its own, on loopback.
    if command -v service >/dev/null 2>&1; then
        as_root service prometheus stop >/dev/null 2>&1 || true
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
    require_port_number TICKET_ROUTER_PROMETHEUS_PORT "$PORT"
    local pid
    if pid="$(running_pid)"; then
        ready || die "prometheus pid $pid runs but is not ready on $HOST:$PORT; run '$0 down' then '$0 up'."
        say "already running (pid $pid) on http://$HOST:$PORT"
        return 0
    fi
    command -v prometheus >/dev/null 2>&1 ||
        die "prometheus not found on PATH; run '$0 install' (or 'make infra')."
    rm -f "$PIDFILE"
    require_free_port "$PORT" "" TICKET_ROUTER_PROMETHEUS_PORT
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
    local started=$!
    echo "$started" >"$PIDFILE"
    local waited=0
    until ready; do
        # the pid just started, not running_pid: its command line reads empty while
        # nohup execs prometheus, which made a healthy start look like an exit
        if ! kill -0 "$started" 2>/dev/null; then
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

cmd_down() { stop_service; }

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

dispatch "$@"
