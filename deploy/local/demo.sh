#!/usr/bin/env bash
# make demo: local Kafka + Redis (+ Prometheus), the topics, a worker, and the load
# generator playing DOMAIN.md's situation (two equally skilled agents, one holding 47
# open tickets and one 8); a webhook connector applies every assignment to a local
# receiver that checks its signature (the helpdesk's end); prints assignments as they
# flow and the live status table, stops by itself after TICKET_ROUTER_DEMO_SECONDS
# (default 120) and cleans up.
set -euo pipefail

usage() {
    cat <<EOF
usage: deploy/local/demo.sh [-h]

Runs the demo against the local services (make up starts them): creates fresh topics
(prefix demo-<time>., deleted again at the end with the worker's own), starts 'ticket-router worker' in the background (log in
.local/logs/demo-worker-<time>.log), waits until it serves metrics, then runs
'ticket-router produce --scenario demo' and shows 'ticket-router status' every 20 s.
'ticket-router connect webhook' applies the assignments to 'ticket-router
webhook-listen' on 127.0.0.1 (the helpdesk's end: it verifies every signature; log in
.local/logs/demo-helpdesk-<time>.log). Prometheus (if installed) scrapes the worker on
http://127.0.0.1:19090.

environment:
  TICKET_ROUTER_DEMO_SECONDS   how long the generator runs      (default 120)
  TICKET_ROUTER_DEMO_EMBEDDER  minilm (real model) or hashing   (default minilm)
  TICKET_ROUTER_METRICS_PORT   worker metrics port              (default 9464)
  TICKET_ROUTER_DEMO_WEBHOOK_PORT  the receiver's port          (default 18080)
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
HOOK_PORT="${TICKET_ROUTER_DEMO_WEBHOOK_PORT:-18080}"
HOOK_LOG="$STATE_DIR/logs/demo-helpdesk-$RUN_ID.log"
CONNECT_LOG="$STATE_DIR/logs/demo-connector-$RUN_ID.log"

export TICKET_ROUTER_KAFKA_BOOTSTRAP="${TICKET_ROUTER_KAFKA_BOOTSTRAP:-127.0.0.1:${TICKET_ROUTER_KAFKA_PORT:-19092}}"
export TICKET_ROUTER_REDIS_URL="${TICKET_ROUTER_REDIS_URL:-redis://127.0.0.1:${TICKET_ROUTER_REDIS_PORT:-16379}/0}"
export TICKET_ROUTER_TOPIC_PREFIX="demo-$RUN_ID."
export TICKET_ROUTER_APP_ID="ticket-router-demo-$RUN_ID"
export TICKET_ROUTER_DATA_DIR="$STATE_DIR/demo/$RUN_ID"
export TICKET_ROUTER_REDIS_PREFIX="demo$RUN_ID"
export TICKET_ROUTER_METRICS_PORT="$METRICS_PORT"
export TICKET_ROUTER_TICK_INTERVAL_S="${TICKET_ROUTER_TICK_INTERVAL_S:-2}"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
# a secret for this run only, shared by the connector and the receiver
TICKET_ROUTER_WEBHOOK_SECRET="$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')"
export TICKET_ROUTER_WEBHOOK_SECRET

NAME=demo
# shellcheck source=deploy/local/lib.sh
source "$SCRIPT_DIR/lib.sh" # say, die
[[ "$DURATION" =~ ^[0-9]+$ ]] || die "TICKET_ROUTER_DEMO_SECONDS must be whole seconds, got '$DURATION'"
[[ -x "$BIN/ticket-router" ]] || die "no .venv: run 'make install' (make demo does it for you)"

WORKER_PID="" CONNECT_PID="" LISTEN_PID=""
# stop NAME PID: SIGTERM, up to 15 s to finish, then SIGKILL
stop() {
    if [[ -n "$2" ]] && kill -0 "$2" 2>/dev/null; then
        say "stopping the $1 (pid $2)"
        kill -TERM "$2" 2>/dev/null || true
        for _ in $(seq 1 150); do
            kill -0 "$2" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$2" 2>/dev/null || true
    fi
}
cleanup() {
    stop connector "$CONNECT_PID"
    stop "webhook receiver" "$LISTEN_PID"
    stop worker "$WORKER_PID"
    if [[ -n "${TOPICS_CREATED:-}" ]]; then # a broker that keeps every run's topics runs out of heap
        "$BIN/ticket-router" topics delete --prefix "$TICKET_ROUTER_TOPIC_PREFIX" \
            --prefix "$TICKET_ROUTER_APP_ID-" --yes --quiet --timeout 10 2>/dev/null |
            sed 's/^/demo: /' || true
    fi
    if [[ -n "${PROMETHEUS_STARTED:-}" ]]; then
        "$SCRIPT_DIR/prometheus.sh" down >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$STATE_DIR/logs" "$TICKET_ROUTER_DATA_DIR"
say "topics with prefix $TICKET_ROUTER_TOPIC_PREFIX on $TICKET_ROUTER_KAFKA_BOOTSTRAP"
TOPICS_CREATED=1
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

say "helpdesk end: a webhook receiver on http://127.0.0.1:$HOOK_PORT/ checks each signature (log $HOOK_LOG)"
"$BIN/ticket-router" webhook-listen --port "$HOOK_PORT" >"$HOOK_LOG" 2>&1 &
LISTEN_PID=$!
for _ in $(seq 1 100); do
    grep -q "listening on" "$HOOK_LOG" 2>/dev/null && break
    kill -0 "$LISTEN_PID" 2>/dev/null || {
        cat "$HOOK_LOG" >&2
        die "the webhook receiver did not start (port $HOOK_PORT taken? set TICKET_ROUTER_DEMO_WEBHOOK_PORT)"
    }
    sleep 0.1
done
"$BIN/ticket-router" connect webhook --url "http://127.0.0.1:$HOOK_PORT/" \
    --group-id "ticket-router-demo-$RUN_ID-webhook" --progress 30 >"$CONNECT_LOG" 2>&1 &
CONNECT_PID=$!

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
stop connector "$CONNECT_PID"
stop "webhook receiver" "$LISTEN_PID"
echo
say "the helpdesk's webhook (last 5 assignments applied):"
grep '^ticket ' "$HOOK_LOG" | tail -n 5 | sed 's/^/  /' || true
say "$(tail -n 1 "$HOOK_LOG")"
say "connector: $(grep '^seen' "$CONNECT_LOG" | tail -n 1)"
say "done. Worker log: $LOG"
