"""Deleting what a test made on the shared broker."""

from __future__ import annotations

import asyncio
import threading
import warnings

__all__ = ["delete_test_topics"]


def delete_test_topics(bootstrap: str, prefix: str) -> None:
    """Delete every topic starting with ``prefix`` (a test's, and its Faust app's).

    Runs in a thread, since a test's event loop may still be set; a failure is a warning
    only (the test's result stands), e.g. when a test stopped the broker.
    """
    from streams.topic_admin import delete_topics

    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(delete_topics(bootstrap, [prefix], request_timeout=30.0))
        except Exception as exc:
            failure.append(exc)

    thread = threading.Thread(target=run, name="delete-test-topics")
    thread.start()
    thread.join()
    if failure:
        warnings.warn(f"could not delete the topics {prefix}*: {failure[0]}", stacklevel=2)
