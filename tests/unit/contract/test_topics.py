"""The topic catalogue and the topics/schemas commands (no broker needed)."""

from __future__ import annotations

import pytest

from models import EVENT_MODELS, TicketAssigned
from streams.cli.main import build_parser, main
from streams.topic_admin import TopicState
from streams.topics import DEFAULT_PARTITIONS, TOPICS, TopicCatalogue, topic_spec

INPUTS = {"ticket-created", "ticket-updated", "ticket-closed", "agent-status"}
INTERNAL = {"ticket-triaged", "router-ticks"}
OUTPUTS = {"ticket-assigned", "router-events", "dead-letter"}


def test_catalogue_holds_every_topic_once_with_its_role() -> None:
    by_role = {
        role: {spec.base_name for spec in TOPICS if spec.role == role}
        for role in ("input", "internal", "output")
    }
    assert by_role == {"input": INPUTS, "internal": INTERNAL, "output": OUTPUTS}
    assert len({spec.base_name for spec in TOPICS}) == len(TOPICS) == 9
    assert {spec.value_model.event_type for spec in TOPICS} == set(EVENT_MODELS)


def test_every_topic_keyed_by_tenant_with_one_partition_count() -> None:
    catalogue = TopicCatalogue(prefix="t-1.", partitions=12)
    topics = list(catalogue)
    assert {t.spec.key for t in topics} == {"tenant"}
    assert {t.partitions for t in topics} == {12}
    assert all(t.name == "t-1." + t.spec.base_name for t in topics)
    assert TopicCatalogue().partitions == DEFAULT_PARTITIONS == 6


def test_retention_and_cleanup() -> None:
    assert {spec.cleanup_policy for spec in TOPICS} == {"delete"}
    assert topic_spec("router-ticks").configs() == {
        "cleanup.policy": "delete",
        "retention.ms": "3600000",
    }
    assert topic_spec("dead-letter").retention_ms == 30 * 86_400_000


def test_lookup_helpers() -> None:
    catalogue = TopicCatalogue(prefix="x.")
    assert catalogue.name("ticket-created") == "x.ticket-created"
    assert catalogue.by_model(TicketAssigned).name == "x.ticket-assigned"
    with pytest.raises(KeyError, match="unknown topic 'tickets'; known: ticket-created"):
        catalogue.name("tickets")


def test_from_env() -> None:
    catalogue = TopicCatalogue.from_env(
        {
            "TICKET_ROUTER_TOPIC_PREFIX": "prod.",
            "TICKET_ROUTER_TOPIC_PARTITIONS": "24",
            "TICKET_ROUTER_TOPIC_REPLICATION": "3",
        }
    )
    assert catalogue == TopicCatalogue("prod.", 24, 3)
    assert TopicCatalogue.from_env({}) == TopicCatalogue()
    with pytest.raises(ValueError, match="TICKET_ROUTER_TOPIC_PARTITIONS='six' is not an int"):
        TopicCatalogue.from_env({"TICKET_ROUTER_TOPIC_PARTITIONS": "six"})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"prefix": "bad prefix"}, "may only contain"),
        ({"partitions": 0}, "partitions must be >= 1"),
        ({"replication_factor": 0}, "replication factor must be >= 1"),
    ],
)
def test_invalid_catalogue(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TopicCatalogue(**kwargs)  # type: ignore[arg-type]


def test_partition_mismatch_warning() -> None:
    topic = TopicCatalogue().topic("ticket-created")
    assert TopicState(topic, "exists", 6).warning is None
    assert TopicState(topic, "missing", None).warning is None
    warning = TopicState(topic, "exists", 3).warning
    assert warning is not None
    assert "ticket-created has 3 partitions, the catalogue wants 6" in warning


def test_topics_list_offline(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["topics", "list", "--offline", "--prefix", "demo.", "--partitions", "3"]) == 0
    out = capsys.readouterr().out
    assert "demo.ticket-created" in out
    assert "demo.dead-letter" in out
    assert "TicketTriaged" in out
    assert "30d" in out


def test_topics_create_help_names_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args(["topics", "create", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for option in ("--bootstrap", "--prefix", "--partitions", "--replication-factor"):
        assert option in out
    assert "TICKET_ROUTER_KAFKA_BOOTSTRAP" in out


def test_bad_prefix_is_an_operator_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["topics", "list", "--offline", "--prefix", "no spaces"]) == 1
    assert "may only contain" in capsys.readouterr().err


def test_unreachable_broker_says_what_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    # port 9 (discard) on localhost: nothing listens there
    code = main(["topics", "create", "--bootstrap", "127.0.0.1:9", "--timeout", "2"])
    assert code == 1
    err = capsys.readouterr().err
    assert "cannot reach Kafka at 127.0.0.1:9" in err
    assert "ticket-router dev up" in err


def test_schemas_check_passes_on_the_checkout(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.unit.contract.test_schemas import ROOT

    assert main(["schemas", "check", "--root", str(ROOT)]) == 0
    assert "up to date" in capsys.readouterr().out


def test_schemas_check_fails_on_an_empty_tree(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schemas", "check", "--root", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "stale: docs/asyncapi.yaml" in captured.out
    assert "run 'ticket-router schemas generate'" in captured.err


@pytest.mark.parametrize("prefix", ["", "__consumer"])
def test_topics_delete_refuses_an_empty_or_internal_prefix_before_any_broker_call(
    prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["topics", "delete", "--bootstrap", "127.0.0.1:1", "--prefix", "t-", "--prefix"]
    assert main([*argv, prefix, "--yes"]) == 2
    err = capsys.readouterr().err
    assert f"refusing to delete by prefix {prefix!r}" in err
    assert "cannot reach Kafka" not in err
