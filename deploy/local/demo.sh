#!/usr/bin/env bash
# make demo: local Kafka + Redis (+ Prometheus), the topics, a worker, and the load
# generator playing DOMAIN.md's situation (two equally skilled agents, one holding 47
# open tickets and one 8); prints assignments as they flow and the live status table,
# stops by itself after TICKET_ROUTER_DEMO_SECONDS (default 120) and cleans up.
set -euo pipefail

usage() {
    cat <<EOF
usage: deploy/local/demo.sh [-h]

Runs the demo against the local services (make up starts them): creates fresh topics
(prefix demo-<time>.), starts 'ticket-router worker' in the background (log in
.local/logs/demo-worker-<time>.log), waits until it serves metrics, then runs
'ticket-router produce --scenario demo' and shows 'ticket-router status' every 20 s.
Prometheus (if installed) scrapes the worker on http://127.0.0.1:19090.

environment:
  TICKET_ROUTER_DEMO_SECONDS   how long the generator runs      (default 120)
  TICKET_ROUTER_DEMO_EMBEDDER  minilm (real model) or hashing   (default minilm)
  TICKET_ROUTER_METRICS_PORT   worker metrics port              (default 9464)
  plus the ports of make up (TICKET_ROUTER_KAFKA_PORT, TICKET_ROUTER_REDIS_PORT, ...)
EOF
}

case "${1:-}" in
-h | --help | help)
    usage
    exit 0
    ;;
"") ;;
*)
    usage >&2
    exit 2
    ;;
esac

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
cd "$REPO_ROOT"
BIN="$REPO_ROOT/.venv/bin"
STATE_DIR="${TICKET_ROUTER_STATE_DIR:-$REPO_ROOT/.local}"
DURATION="${TICKET_ROUTER_DEMO_SECONDS:-120}"
RUN_ID="$(date -u +%Y%m%d%H%M%S)"
LOG="$STATE_DIR/logs/demo-worker-$RUN_ID.log"
METRICS_PORT="${TICKET_ROUTER_METRICS_PORT:-9464}"

export TICKET_ROUTER_KAFKA_BOOTSTRAP="${TICKET_ROUTER_KAFKA_BOOTSTRAP:-127.0.0.1:${TICKET_ROUTER_KAFKA_PORT:-19092}}"
export TICKET_ROUTER_REDIS_URL="${TICKET_ROUTER_REDIS_URL:-redis://127.0.0.1:${TICKET_ROUTER_REDIS_PORT:-16379}/0}"
export TICKET_ROUTER_TOPIC_PREFIX="demo-$RUN_ID."
export TICKET_ROUTER_APP_ID="ticket-router-demo-$RUN_ID"
export TICKET_ROUTER_DATA_DIR="$STATE_DIR/demo/$RUN_ID"
export TICKET_ROUTER_REDIS_PREFIX="demo$RUN_ID"
export TICKET_ROUTER_METRICS_PORT="$METRICS_PORT"
export TICKET_ROUTER_TICK_INTERVAL_S="${TICKET_ROUTER_TICK_INTERVAL_S:-2}"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1

NAME=demo
# shellcheck source=deploy/local/lib.sh
source "$SCRIPT_DIR/lib.sh" # say, die
[[ "$DURATION" =~ ^[0-9]+$ ]] || die "TICKET_ROUTER_DEMO_SECONDS must be whole seconds, got '$DURATION'"
[[ -x "$BIN/ticket-router" ]] || die "no .venv: run 'make install' (make demo does it for you)"

WORKER_PID=""
cleanup() {
    if [[ -n "$WORKER_PID" ]] && kill -0 "$WORKER_PID" 2>/dev/null; then
        say "stopping the worker (pid $WORKER_PID)"
        kill -TERM "$WORKER_PID" 2>/dev/null || true
        for _ in $(seq 1 150); do
            kill -0 "$WORKER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$WORKER_PID" 2>/dev/null || true
    fi
    if [[ -n "${PROMETHEUS_STARTED:-}" ]]; then
        "$SCRIPT_DIR/prometheus.sh" down >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$STATE_DIR/logs" "$TICKET_ROUTER_DATA_DIR"
say "topics with prefix $TICKET_ROUTER_TOPIC_PREFIX on $TICKET_ROUTER_KAFKA_BOOTSTRAP"
"$BIN/ticket-router" topics create >/dev/null || die "could not create the topics (is Kafka up? run 'make up')"

say "starting the worker (log $LOG)"
"$BIN/ticket-router" worker --embedder "${TICKET_ROUTER_DEMO_EMBEDDER:-minilm}" >"$LOG" 2>&1 &
WORKER_PID=$!

if command -v prometheus >/dev/null 2>&1; then
    if TICKET_ROUTER_METRICS_TARGETS="127.0.0.1:$METRICS_PORT" "$SCRIPT_DIR/prometheus.sh" up >/dev/null 2>&1; then
        PROMETHEUS_STARTED=1
        say "Prometheus on http://127.0.0.1:${TICKET_ROUTER_PROMETHEUS_PORT:-19090} scrapes the worker (dashboard: deploy/grafana/ticket-router.json)"
    fi
fi

say "waiting for the worker (loading the triage model, joining the consumer group) ..."
waited=0
until curl -fsS "http://127.0.0.1:$METRICS_PORT/metrics" >/dev/null 2>&1 &&
    grep -q "Worker ready" "$LOG" 2>/dev/null; do
    if ! kill -0 "$WORKER_PID" 2>/dev/null; then
        echo "---- last 30 lines of $LOG ----" >&2
        tail -n 30 "$LOG" >&2
        die "the worker exited during start (log tail above)"
    fi
    if ((waited >= 240)); then
        tail -n 30 "$LOG" >&2
        die "the worker was not ready after 120 s (log tail above)"
    fi
    sleep 0.5
    waited=$((waited + 1))
done
say "worker ready; metrics on http://127.0.0.1:$METRICS_PORT/metrics"

say "generator: two equal agents, ana with 47 open tickets and ben with 8, then new tickets for ${DURATION}s"
"$BIN/ticket-router" produce --scenario demo --duration "$DURATION" --progress 10 --show-assignments &
GEN_PID=$!
while kill -0 "$GEN_PID" 2>/dev/null; do
    for _ in $(seq 1 40); do
        kill -0 "$GEN_PID" 2>/dev/null || break
        sleep 0.5
    done
    if kill -0 "$GEN_PID" 2>/dev/null; then
        echo
        "$BIN/ticket-router" status --decisions 5 || true
        echo
    fi
done
wait "$GEN_PID" || die "the generator failed"

sleep 3
echo
say "final status (Redis live view):"
"$BIN/ticket-router" status --decisions 8
say "done. Worker log: $LOG"
