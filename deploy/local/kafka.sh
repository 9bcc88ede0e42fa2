#!/usr/bin/env bash
# Local single-node Apache Kafka 4.x (KRaft, broker+controller in one JVM) for development,
# tests and CI. Jars come from Maven Central (pinned in deploy/local/pom.xml) and are cached
# outside the clone; state and logs live under the state dir (default <repo>/.local).
set -euo pipefail

usage() {
    cat <<EOF
usage: deploy/local/kafka.sh {fetch|up|down|status|logs} [options]

Runs a single-node Apache Kafka ${KAFKA_VERSION:-4.x} (KRaft, broker+controller) on 127.0.0.1.

commands:
  fetch          copy the Kafka jars from Maven Central into the cache (skipped when complete)
  up             fetch if needed, format KRaft storage once, start the broker and wait until it
                 answers a metadata request; "already running" when it is up
  down           stop the broker (SIGTERM, then SIGKILL after TICKET_ROUTER_KAFKA_STOP_TIMEOUT s)
  status         print whether the broker runs and answers (exit 0 running, 3 stopped, 1 not answering)
  logs [-f] [-n N]  print (or follow) the last N lines of the broker log (default 100)

environment:
  TICKET_ROUTER_KAFKA_PORT             broker port            (default 19092)
  TICKET_ROUTER_KAFKA_CONTROLLER_PORT  controller port        (default 19093)
  TICKET_ROUTER_STATE_DIR              state and logs         (default <repo>/.local)
  XDG_CACHE_HOME                       jar cache root         (default ~/.cache)
  TICKET_ROUTER_KAFKA_START_TIMEOUT    seconds to wait for up (default 120)
  TICKET_ROUTER_KAFKA_STOP_TIMEOUT     seconds before SIGKILL (default 30)
  TICKET_ROUTER_KAFKA_HEAP_OPTS        JVM heap               (default -Xms256m -Xmx512m)
  TICKET_ROUTER_PYTHON                 python with aiokafka for the readiness check
                                       (default <repo>/.venv/bin/python, then python3)
  JAVA_HOME                            Java 17+ to run the broker (default: java on PATH)
EOF
}

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
POM="$SCRIPT_DIR/pom.xml"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM" | head -n1)"
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/ticket-router"
KAFKA_HOME="$CACHE_ROOT/kafka-$KAFKA_VERSION"
LIB_DIR="$KAFKA_HOME/lib"
STAMP="$KAFKA_HOME/.complete"
STATE_DIR="${TICKET_ROUTER_STATE_DIR:-$REPO_ROOT/.local}"
HOST=127.0.0.1
PORT="${TICKET_ROUTER_KAFKA_PORT:-19092}"
CONTROLLER_PORT="${TICKET_ROUTER_KAFKA_CONTROLLER_PORT:-19093}"
KAFKA_DIR="$STATE_DIR/kafka"
DATA_DIR="$KAFKA_DIR/data"
CONFIG="$KAFKA_DIR/server.properties"
PIDFILE="$KAFKA_DIR/kafka.pid"
LOG_DIR="$STATE_DIR/logs"
LOG="$LOG_DIR/kafka.log"
FORMAT_LOG="$LOG_DIR/kafka-format.log"
START_TIMEOUT="${TICKET_ROUTER_KAFKA_START_TIMEOUT:-120}"
STOP_TIMEOUT="${TICKET_ROUTER_KAFKA_STOP_TIMEOUT:-30}"
HEAP_OPTS="${TICKET_ROUTER_KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

NAME=kafka
LOCK_DIR="$KAFKA_DIR"
# shellcheck source=deploy/local/lib.sh
source "$SCRIPT_DIR/lib.sh"

# ---------------------------------------------------------------- checks
require_java() {
    if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
        JAVA="$JAVA_HOME/bin/java"
    elif command -v java >/dev/null 2>&1; then
        JAVA="$(command -v java)"
        if [[ -n "${JAVA_HOME:-}" ]]; then
            say "warning: JAVA_HOME=$JAVA_HOME has no bin/java; using $JAVA from PATH" >&2
        fi
    else
        die "no Java found (neither \$JAVA_HOME/bin/java nor java on PATH). Kafka $KAFKA_VERSION needs Java 17+: install it (e.g. apt-get install -y openjdk-17-jre-headless) or set JAVA_HOME."
    fi
    local line major
    line="$("$JAVA" -version 2>&1 | head -n1)"
    major="$(sed -n 's/.*version "\([0-9]*\).*/\1/p' <<<"$line")"
    if [[ -z "$major" || "$major" -lt 17 ]]; then
        die "$JAVA is too old ($line); Kafka $KAFKA_VERSION needs Java 17+: install it or point JAVA_HOME at one."
    fi
}

require_mvn() {
    command -v mvn >/dev/null 2>&1 ||
        die "Maven (mvn) not found; it fetches the Kafka jars from Maven Central: install it (apt-get install -y maven)."
}

pom_digest() { sha256sum "$POM" | cut -d' ' -f1; }

cache_complete() {
    [[ -f "$STAMP" && "$(cat "$STAMP")" == "$(pom_digest)" ]] &&
        compgen -G "$LIB_DIR/kafka_2.13-$KAFKA_VERSION.jar" >/dev/null
}

# pid of our broker if it runs (pidfile points at a live kafka.Kafka with our config)
running_pid() { running_pid_matching "kafka.Kafka $CONFIG"; }

find_python() {
    local candidates=("${TICKET_ROUTER_PYTHON:-}" "$REPO_ROOT/.venv/bin/python" python3) c
    for c in "${candidates[@]}"; do
        [[ -n "$c" ]] || continue
        if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import aiokafka' >/dev/null 2>&1; then
            PYTHON="$c"
            return 0
        fi
    done
    die "the readiness check needs a Python with aiokafka: run 'make install' (creates .venv) or set TICKET_ROUTER_PYTHON."
}

# Real metadata round-trip through streams.infra.admin (aiokafka admin client).
admin() { PYTHONPATH="$REPO_ROOT${PYTHONPATH:+:$PYTHONPATH}" "$PYTHON" -m streams.infra.admin "$@"; }

# ---------------------------------------------------------------- commands
cmd_fetch() {
    if cache_complete; then
        say "jars for Kafka $KAFKA_VERSION already cached in $LIB_DIR"
        return 0
    fi
    require_mvn
    mkdir -p "$KAFKA_HOME"
    local tmp="$KAFKA_HOME/lib.partial.$$" out="$KAFKA_HOME/fetch.log" t0=$SECONDS
    rm -rf "$tmp"
    say "fetching Kafka $KAFKA_VERSION jars from Maven Central into $LIB_DIR ..."
    if ! mvn -B -q -f "$POM" -Dmaven.repo.local="$CACHE_ROOT/m2" \
        "$DEPENDENCY_PLUGIN:copy-dependencies" -DincludeScope=runtime -DoutputDirectory="$tmp" >"$out" 2>&1; then
        rm -rf "$tmp"
        if grep -qiE 'could not transfer|unknown ?host|connection|timed out|network|no plugin found|could not be resolved' "$out"; then
            log_tail "$out" 15
            die "could not download from Maven Central (https://repo.maven.apache.org). Check the network/proxy (Maven reads ~/.m2/settings.xml), then run '$0 fetch' again; full output in $out"
        fi
        log_tail "$out" 30
        die "mvn dependency:copy-dependencies failed (see above, full output in $out); check $POM."
    fi
    [[ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ]] || die "Maven ran but kafka_2.13-$KAFKA_VERSION.jar is missing from $tmp; see $out"
    rm -rf "$LIB_DIR"
    mv "$tmp" "$LIB_DIR"
    pom_digest >"$STAMP"
    say "cached $(find "$LIB_DIR" -name '*.jar' | wc -l) jars ($(du -sh "$LIB_DIR" | cut -f1)) in $((SECONDS - t0))s"
}

write_config() {
    mkdir -p "$DATA_DIR" "$LOG_DIR"
    cat >"$CONFIG" <<EOF
# Generated by deploy/local/kafka.sh on every 'up'; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA_DIR
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# Faust creates its changelog/repartition topics itself; the catalogue's topics are created
# by 'ticket-router topics'. Auto-create stays on so a forgotten topic still works locally.
auto.create.topics.enable=true
delete.topic.enable=true
num.network.threads=2
num.io.threads=2
background.threads=2
log.retention.hours=24
log.segment.bytes=67108864
EOF
    cat >"$KAFKA_DIR/log4j2.properties" <<EOF
# Generated by deploy/local/kafka.sh: everything to stdout, which 'up' appends to $LOG
status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.clients.name = org.apache.kafka.clients
logger.clients.level = WARN
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
# the full config dumps (thousands of lines per start) add nothing locally
logger.config.name = org.apache.kafka.common.config.AbstractConfig
logger.config.level = WARN
EOF
}

format_storage() {
    [[ -f "$DATA_DIR/meta.properties" ]] && return 0
    local cluster_id
    # base64url of 16 random bytes, like Kafka's own ids; never starting with '-' (the
    # storage tool would read it as an option, as Kafka's Uuid.randomUuid also avoids)
    cluster_id="-"
    while [[ "$cluster_id" == -* ]]; do
      cluster_id="$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    done
    say "formatting KRaft storage in $DATA_DIR (cluster id $cluster_id)"
    if ! "$JAVA" -Xmx256m -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.properties" \
        -cp "$LIB_DIR/*" kafka.tools.StorageTool format -t "$cluster_id" -c "$CONFIG" \
        >"$FORMAT_LOG" 2>&1; then
        log_tail "$FORMAT_LOG" 30
        die "formatting KRaft storage failed (output above, full log $FORMAT_LOG). If $DATA_DIR holds data from another cluster or version, run '$0 down' and remove $KAFKA_DIR, then '$0 up'."
    fi
}

cmd_up() {
    require_port_number TICKET_ROUTER_KAFKA_PORT "$PORT"
    require_port_number TICKET_ROUTER_KAFKA_CONTROLLER_PORT "$CONTROLLER_PORT"
    require_java
    find_python
    local pid
    if pid="$(running_pid)"; then
        if admin wait --bootstrap "$HOST:$PORT" --timeout "$START_TIMEOUT" --pid "$pid" >/dev/null; then
            say "already running (pid $pid) on $HOST:$PORT"
            return 0
        fi
        log_tail "$LOG" 30
        die "broker pid $pid runs but does not answer on $HOST:$PORT; run '$0 down' then '$0 up'."
    fi
    rm -f "$PIDFILE"
    cache_complete || cmd_fetch
    require_free_port "$PORT" "broker" TICKET_ROUTER_KAFKA_PORT
    require_free_port "$CONTROLLER_PORT" "controller" TICKET_ROUTER_KAFKA_CONTROLLER_PORT
    write_config
    format_storage
    local t0=$SECONDS
    echo "==== $(date -u +%FT%TZ) kafka.sh up: Kafka $KAFKA_VERSION on $HOST:$PORT ====" >>"$LOG"
    # shellcheck disable=SC2086  # HEAP_OPTS is a list of JVM flags
    setsid nohup "$JAVA" $HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
        -Djava.awt.headless=true -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.properties" \
        -Dkafka.logs.dir="$LOG_DIR" -cp "$LIB_DIR/*" kafka.Kafka "$CONFIG" \
        </dev/null >>"$LOG" 2>&1 9>&- &
    pid=$!
    echo "$pid" >"$PIDFILE"
    say "started pid $pid, waiting up to ${START_TIMEOUT}s for a metadata round-trip on $HOST:$PORT ..."
    local rc=0
    admin wait --bootstrap "$HOST:$PORT" --timeout "$START_TIMEOUT" --pid "$pid" >/dev/null || rc=$?
    if [[ $rc -ne 0 ]]; then
        log_tail "$LOG" 40
        if kill -0 "$pid" 2>/dev/null; then
            cmd_down >/dev/null 2>&1 || true
            die "broker did not answer on $HOST:$PORT within ${START_TIMEOUT}s (stopped it again; log tail above, full log $LOG). Raise TICKET_ROUTER_KAFKA_START_TIMEOUT on a slow machine."
        fi
        rm -f "$PIDFILE"
        die "broker exited during start-up (log tail above, full log $LOG)."
    fi
    say "Kafka $KAFKA_VERSION ready on $HOST:$PORT (pid $pid, ${SECONDS}s incl. checks, broker start $((SECONDS - t0))s); log $LOG"
}

cmd_down() { stop_service; }

cmd_status() {
    local pid
    if ! pid="$(running_pid)"; then
        say "not running (Kafka $KAFKA_VERSION, $HOST:$PORT)"
        return 3
    fi
    find_python
    local info
    if info="$(admin check --bootstrap "$HOST:$PORT" --timeout 5 2>&1)"; then
        say "running (pid $pid) on $HOST:$PORT, Kafka $KAFKA_VERSION, $info"
        return 0
    fi
    say "process $pid runs but $HOST:$PORT does not answer: $info (starting, or see '$0 logs')"
    return 1
}

cmd_logs() {
    local follow=() n=100
    while [[ $# -gt 0 ]]; do
        case "$1" in
        -f | --follow) follow=(-F) ;;
        -n) n="${2:?-n needs a number}" && shift ;;
        *) die "unknown option for logs: $1 (use -f, -n N)" ;;
        esac
        shift
    done
    [[ -f "$LOG" ]] || die "no log yet at $LOG; start the broker with '$0 up'."
    tail -n "$n" "${follow[@]}" "$LOG"
}

dispatch "$@"
