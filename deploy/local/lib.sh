# Shared by the local service scripts (kafka.sh, redis.sh, prometheus.sh; demo.sh uses
# say and die): sourced, not run. The script sets NAME (message prefix), HOST, LOG,
# PIDFILE, STOP_TIMEOUT (seconds before SIGKILL) and LOCK_DIR before calling these, and
# defines usage, running_pid and cmd_<command> functions for dispatch.

say() { echo "$NAME: $*"; }
die() {
    echo "$NAME: error: $*" >&2
    exit 1
}

# The last N (default 20) lines of FILE (default $LOG) on stderr, when it has any.
log_tail() {
    local file="${1:-$LOG}" n="${2:-20}"
    if [[ -s "$file" ]]; then
        echo "---- last $n lines of $file ----" >&2
        tail -n "$n" "$file" >&2
        echo "----" >&2
    fi
}

# Something listening on $HOST:$1? (a TCP connect, no tools needed)
port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

port_owner() {
    if command -v ss >/dev/null 2>&1; then
        ss -ltnpH "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\(.*\)))/\1/p' | head -n1
    fi
}

# Dies unless VALUE (the setting VAR) is a TCP port number; checked before any other work.
require_port_number() {
    local var="$1" port="$2"
    if ! [[ "$port" =~ ^[0-9]+$ ]] || ((10#$port < 1 || 10#$port > 65535)); then
        die "$var=$port is not a port number (1-65535)"
    fi
}

# Dies when $HOST:PORT is taken. WHAT names the port (may be empty), VAR the setting
# that moves it.
require_free_port() {
    local port="$1" what="$2" var="$3" owner
    require_port_number "$var" "$port"
    if port_open "$port"; then
        owner="$(port_owner "$port")"
        die "port $port on $HOST${what:+ ($what)} is already in use by another process${owner:+ ($owner)}; stop that process or choose another port, e.g. $var=$((port + 100)) $0 up"
    fi
}

# The pid in $PIDFILE when that process is alive and its command line matches PATTERN.
running_pid_matching() {
    local pattern="$1" pid
    [[ -f "$PIDFILE" ]] || return 1
    pid="$(cat "$PIDFILE" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$pattern" || return 1
    echo "$pid"
}

# SIGTERM PID; SIGKILL when it still runs after $STOP_TIMEOUT seconds.
stop_pid() {
    local pid="$1" waited=0
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do
        if ((waited >= STOP_TIMEOUT * 10)); then
            say "still running after ${STOP_TIMEOUT}s; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.5
            break
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
}

# The usual 'down': stop the script's running_pid (see stop_pid) and forget its pidfile.
stop_service() {
    local pid
    if ! pid="$(running_pid)"; then
        rm -f "$PIDFILE"
        say "not running"
        return 0
    fi
    say "stopping pid $pid (SIGTERM, SIGKILL after ${STOP_TIMEOUT}s)"
    stop_pid "$pid"
    rm -f "$PIDFILE"
    say "stopped (was pid $pid)"
}

# Runs a command as root: directly when root, else through sudo.
as_root() {
    if [[ "$(id -u)" -eq 0 ]]; then
        "$@"
    else
        sudo "$@"
    fi
}

# apt_install PACKAGE BINARY ELSEWHERE [apt-get install options...]: installs the Debian
# PACKAGE so that BINARY is on PATH. ELSEWHERE says what to do without apt-get.
apt_install() {
    local package="$1" binary="$2" elsewhere="$3"
    shift 3
    if [[ "$(id -u)" -ne 0 ]] && ! command -v sudo >/dev/null 2>&1; then
        die "$binary is not installed and installing it needs root: run 'apt-get install -y ${*:+$* }$package' as root."
    fi
    command -v apt-get >/dev/null 2>&1 ||
        die "$binary is not installed and apt-get is not available: $elsewhere"
    say "installing $package from Debian ..."
    as_root apt-get update -qq ||
        die "apt-get update failed; check the network/apt sources, then run '$0 install' again."
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" "$package" >/dev/null ||
        die "apt-get install $package failed; see the messages above."
    command -v "$binary" >/dev/null 2>&1 || die "$binary still not on PATH after installing it."
}

# Serialise up/down between concurrent callers (e.g. two test sessions sharing one clone).
with_lock() {
    if command -v flock >/dev/null 2>&1; then
        mkdir -p "$LOCK_DIR"
        exec 9>"$LOCK_DIR/.lock"
        flock -w 300 9 || die "another $NAME.sh call holds $LOCK_DIR/.lock for 300s; retry later."
    fi
}

# dispatch COMMAND [ARGS...]: runs cmd_COMMAND ARGS; up and down hold the lock.
dispatch() {
    local cmd="${1:-}"
    [[ $# -gt 0 ]] && shift
    case "$cmd" in
    -h | --help | help)
        usage
        return 0
        ;;
    "")
        usage >&2
        exit 2
        ;;
    esac
    if [[ ! "$cmd" =~ ^[a-z]+$ ]] || ! declare -F "cmd_$cmd" >/dev/null; then
        echo "$NAME: error: unknown command '$cmd'" >&2
        usage >&2
        exit 2
    fi
    case "$cmd" in
    up | down) with_lock ;;
    esac
    "cmd_$cmd" "$@"
}
