"""port_in_use tells a listening port from a free one."""

from __future__ import annotations

import socket

from streams.infra.ports import find_free_port, port_in_use


def test_listening_port_is_in_use() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert port_in_use("127.0.0.1", port)
    assert not port_in_use("127.0.0.1", port)


def test_bound_but_not_listening_is_not_taken_by_a_server() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        assert not port_in_use("127.0.0.1", sock.getsockname()[1])


def test_free_port_is_free() -> None:
    port = find_free_port()
    assert 0 < port < 65536
    assert not port_in_use("127.0.0.1", port)
