"""Is a TCP port taken? Used to tell "stopped" from "something else holds the port"."""

from __future__ import annotations

import socket

__all__ = ["find_free_port", "port_in_use"]


def port_in_use(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on ``host:port``.

    A connect (not a bind) is the test: it sees listeners of other users and does not
    disturb sockets in TIME_WAIT. A refused or timed-out connect means free.
    """
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def find_free_port(host: str = "127.0.0.1") -> int:
    """A port the OS reports free right now (for tests that need a spare port)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])
