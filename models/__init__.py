"""The wire contract of ticket-router: pydantic v2 models of every event, no I/O.

Inputs: :class:`TicketCreated`, :class:`TicketUpdated`, :class:`TicketClosed`,
:class:`AgentStatusChanged`. Internal: :class:`TicketTriaged`, :class:`RouterTick`.
Outputs: :class:`TicketAssigned`, :class:`RouterEvent`, :class:`DeadLetter`.
Bytes <-> events: :func:`encode` / :func:`decode` (errors: :class:`InvalidEvent`).
"""

from models.agents import AgentStatusChanged
from models.codec import MAX_MESSAGE_BYTES, decode, decode_key, encode, encode_key
from models.enums import (
    AgentStatus,
    Channel,
    CustomerTier,
    HelpdeskPriority,
    Proficiency,
    Resolution,
    RouterEventKind,
)
from models.envelope import SCHEMA_MAJOR, SCHEMA_VERSION, Event, new_event_id
from models.errors import (
    ContractError,
    InvalidEvent,
    MalformedJson,
    MessageTooLarge,
    Problem,
    UnsupportedSchemaVersion,
)
from models.events import EVENT_MODELS, event_model
from models.ids import assignment_id, derived_event_id
from models.outputs import (
    UNKNOWN_TENANT,
    DeadLetter,
    Explanation,
    RouterEvent,
    TicketAssigned,
    TriageSummary,
)
from models.tickets import (
    MAX_BODY_CHARS,
    MAX_SUBJECT_CHARS,
    Customer,
    SlaPolicy,
    TicketClosed,
    TicketCreated,
)
from models.ticks import RouterTick
from models.triage import SkillConfidence, TicketTriaged, TriageDetails
from models.updates import (
    CustomerReplied,
    PriorityChanged,
    Reassigned,
    Reopened,
    TicketChange,
    TicketUpdated,
    TierChanged,
)

__all__ = [
    "EVENT_MODELS",
    "MAX_BODY_CHARS",
    "MAX_MESSAGE_BYTES",
    "MAX_SUBJECT_CHARS",
    "SCHEMA_MAJOR",
    "SCHEMA_VERSION",
    "UNKNOWN_TENANT",
    "AgentStatus",
    "AgentStatusChanged",
    "Channel",
    "ContractError",
    "Customer",
    "CustomerReplied",
    "CustomerTier",
    "DeadLetter",
    "Event",
    "Explanation",
    "HelpdeskPriority",
    "InvalidEvent",
    "MalformedJson",
    "MessageTooLarge",
    "PriorityChanged",
    "Problem",
    "Proficiency",
    "Reassigned",
    "Reopened",
    "Resolution",
    "RouterEvent",
    "RouterEventKind",
    "RouterTick",
    "SkillConfidence",
    "SlaPolicy",
    "TicketAssigned",
    "TicketChange",
    "TicketClosed",
    "TicketCreated",
    "TicketTriaged",
    "TicketUpdated",
    "TierChanged",
    "TriageDetails",
    "TriageSummary",
    "UnsupportedSchemaVersion",
    "assignment_id",
    "decode",
    "decode_key",
    "derived_event_id",
    "encode",
    "encode_key",
    "event_model",
    "new_event_id",
]
