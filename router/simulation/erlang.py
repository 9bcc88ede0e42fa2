"""Erlang-C: the mean wait of an M/M/c queue (the pooled queue's theory)."""

from __future__ import annotations

__all__ = ["erlang_c_mean_wait", "erlang_c_probability"]


def erlang_c_probability(servers: int, offered_load: float) -> float:
    """Probability an arrival waits, with ``offered_load`` = lambda / mu < ``servers``."""
    if offered_load >= servers:
        raise ValueError("offered load must be below the number of servers (rho < 1)")
    term = 1.0
    total = 1.0
    for k in range(1, servers):
        term *= offered_load / k
        total += term
    last = term * offered_load / servers
    tail = last * servers / (servers - offered_load)
    return tail / (total + tail)


def erlang_c_mean_wait(servers: int, arrival_rate: float, service_rate: float) -> float:
    """Mean time in queue (seconds if the rates are per second)."""
    load = arrival_rate / service_rate
    return erlang_c_probability(servers, load) / (servers * service_rate - arrival_rate)
