"""``TriageService``: the API the streaming worker calls.

``triage_batch(tickets)`` cleans, embeds (one batched call), classifies and scores a list
of ``TicketCreated``; ``learn_closed`` / ``learn_reassigned`` feed outcomes back, and the
classifier is refitted (no restart) every ``refit_every`` new examples, by default in a
background thread so triage never waits for training.
Ticket text is never logged.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from models.enums import CustomerTier, HelpdeskPriority
from models.tickets import TicketCreated
from router.triage import (
    FLAG_EMPTY,
    FLAG_TRUNCATED,
    Embedder,
    PriorityPolicy,
    SkillScore,
    TriageResult,
    clean_text,
    detect_language,
    join_fields,
    score_priority,
    text_signals,
)
from streams.triage.catalogue import Catalogue, load_catalogue
from streams.triage.classifier import ClassifierConfig, SkillClassifier
from streams.triage.confidence import single_threaded
from streams.triage.learning import Example, ExampleStore, NegativeMemory

__all__ = ["TriageInput", "TriageService", "TriageSettings"]

log = logging.getLogger(__name__)

_URGENT_PROTOTYPES = (
    "production is down and we are losing revenue",
    "urgent: the whole team is blocked and cannot work",
    "critical outage, nothing works for any of our users",
    "please fix this immediately, it is an emergency",
)
_FRUSTRATED_PROTOTYPES = (
    "this is unacceptable, I have written three times and nobody answers",
    "I am very disappointed and frustrated with your service",
    "we are considering cancelling our contract because of this",
)


@dataclass(frozen=True, slots=True)
class TriageSettings:
    """Plain settings for the service (the worker maps its pydantic settings onto these)."""

    catalogue_path: str | None = None
    model_path: str | None = None
    device: str = "cpu"
    backend: str = "auto"
    max_seq_length: int = 128
    batch_size: int = 8
    threshold: float = 0.5
    top_k: int = 3
    max_chars: int = 2_000
    refit_every: int = 50
    background_refit: bool = True
    max_per_class: int = 500
    classifier: ClassifierConfig = field(default_factory=ClassifierConfig)


@dataclass(frozen=True, slots=True)
class TriageInput:
    """What triage needs from a ticket (built from ``TicketCreated`` or from CLI text)."""

    ticket_id: str
    subject: str
    body: str
    tier: CustomerTier = CustomerTier.STANDARD
    helpdesk_priority: HelpdeskPriority | None = None
    sla_deadline: float | None = None
    now: float = 0.0
    truncated: bool = False

    @classmethod
    def from_ticket(cls, ticket: TicketCreated) -> TriageInput:
        """Map the wire event (SLA deadline from ``due_at`` or the first-response target)."""
        created = ticket.created_at.timestamp()
        deadline: float | None = None
        if ticket.sla is not None:
            if ticket.sla.due_at is not None:
                deadline = _ts(ticket.sla.due_at)
            elif ticket.sla.first_response_seconds is not None:
                deadline = created + ticket.sla.first_response_seconds
        return cls(
            ticket_id=ticket.ticket_id,
            subject=ticket.subject,
            body=ticket.body,
            tier=ticket.customer.tier,
            helpdesk_priority=ticket.helpdesk_priority,
            sla_deadline=deadline,
            now=created,
            truncated=ticket.truncated,
        )


class TriageService:
    """Stateful triage: classifier, example store, negative memory, recent predictions."""

    def __init__(
        self,
        embedder: Embedder,
        settings: TriageSettings | None = None,
        catalogue: Catalogue | None = None,
        priority_policy: PriorityPolicy | None = None,
    ) -> None:
        self.settings = settings or TriageSettings()
        self.embedder = embedder
        self.priority_policy = priority_policy or PriorityPolicy()
        self.store = ExampleStore(max_per_class=self.settings.max_per_class)
        self.negatives = NegativeMemory()
        self.model_version = 0
        self._classifier = SkillClassifier(self.settings.classifier)
        self._recent: OrderedDict[str, tuple[str, np.ndarray, str | None]] = OrderedDict()
        self._lock = threading.Lock()
        self._refitting: threading.Thread | None = None
        self._urgent = self._vectors(list(_URGENT_PROTOTYPES))
        self._frustrated = self._vectors(list(_FRUSTRATED_PROTOTYPES))
        if catalogue is not None:
            self.add_catalogue(catalogue)
            self.refit(now=0.0)

    @classmethod
    def from_settings(
        cls, settings: TriageSettings | None = None, embedder: Embedder | None = None
    ) -> TriageService:
        """Build with the packaged MiniLM (or ``embedder``) and the configured catalogue."""
        settings = settings or TriageSettings()
        if embedder is None:
            from streams.triage.embedding import EmbedderConfig, SentenceTransformerEmbedder

            embedder = SentenceTransformerEmbedder(
                EmbedderConfig(
                    model_path=settings.model_path,
                    device=settings.device,
                    backend=settings.backend,
                    max_seq_length=settings.max_seq_length,
                    batch_size=settings.batch_size,
                )
            )
        path = Path(settings.catalogue_path) if settings.catalogue_path else None
        return cls(embedder, settings, catalogue=load_catalogue(path))

    # ------------------------------------------------------------------ training
    def add_catalogue(self, catalogue: Catalogue) -> None:
        """Add a catalogue's descriptions and examples as seed examples (never decay away)."""
        texts, labels = catalogue.training_pairs()
        self.add_examples(texts, labels, now=0.0, seed=True)

    def add_examples(
        self, texts: Sequence[str], labels: Sequence[str], now: float, seed: bool = False
    ) -> None:
        """Add labelled texts (e.g. a helpdesk's history); call :meth:`refit` afterwards."""
        cleaned = [clean_text(text, self.settings.max_chars).text for text in texts]
        vectors = self._vectors(cleaned)
        for text, vector, label in zip(cleaned, vectors, labels, strict=True):
            self.store.add(Example(text=text, vector=vector, label=label, seen_at=now, seed=seed))

    def add_vectors(
        self, texts: Sequence[str], vectors: np.ndarray, labels: Sequence[str], now: float
    ) -> None:
        """Add labelled examples whose (cleaned) texts were already embedded, e.g. from a
        vector cache; the vectors must come from this service's embedding model."""
        if len(texts) != len(vectors) or len(texts) != len(labels):
            raise ValueError("texts, vectors and labels must have the same length")
        for text, vector, label in zip(texts, np.asarray(vectors), labels, strict=True):
            self.store.add(Example(text=text, vector=vector, label=label, seen_at=now))

    def refit(self, now: float, background: bool = False) -> bool:
        """Retrain from the store and swap the classifier in (version + 1).

        With ``background`` the training runs in a daemon thread (one at a time) and
        triage keeps using the current classifier until the new one is swapped in;
        returns whether a refit ran or started.
        """
        texts, vectors, labels, weights = self.store.training_set(now)
        if len(set(labels)) < 2:
            return False
        if not background:
            self.store.added_since_fit = 0
            self._train_and_swap(texts, vectors, labels, weights)
            return True
        with self._lock:
            if self._refitting is not None and self._refitting.is_alive():
                return False  # the next learned example tries again
            self.store.added_since_fit = 0
            self._refitting = threading.Thread(
                target=self._train_and_swap,
                args=(texts, vectors, labels, weights),
                name="triage-refit",
                daemon=True,
            )
            self._refitting.start()
        return True

    def wait_for_refit(self, timeout: float | None = None) -> bool:
        """Wait for a background refit; returns whether none is running any more."""
        thread = self._refitting
        if thread is not None:
            thread.join(timeout)
        return thread is None or not thread.is_alive()

    def _train_and_swap(
        self, texts: list[str], vectors: np.ndarray, labels: list[str], weights: np.ndarray
    ) -> None:
        try:
            fresh = SkillClassifier(self.settings.classifier).fit(texts, vectors, labels, weights)
        except Exception:  # keep serving with the old model; the next refit tries again
            log.exception("triage classifier refit failed examples=%d", len(texts))
            return
        with self._lock:
            self._classifier = fresh
            self.model_version += 1
            version = self.model_version
        log.info("triage classifier refitted version=%d examples=%d", version, len(texts))

    # ------------------------------------------------------------------ inference
    def triage_batch(self, tickets: Sequence[TicketCreated]) -> list[TriageResult]:
        """Triage wire events in one batched embedding call."""
        return self.triage_inputs([TriageInput.from_ticket(ticket) for ticket in tickets])

    def triage_text(self, text: str, ticket_id: str = "cli", **kwargs: Any) -> TriageResult:
        """Triage a single free text (CLI and tests)."""
        return self.triage_inputs(
            [TriageInput(ticket_id=ticket_id, subject="", body=text, **kwargs)]
        )[0]

    def triage_inputs(self, inputs: Sequence[TriageInput]) -> list[TriageResult]:
        """Clean, embed, classify and score; never raises on odd text."""
        if not inputs:
            return []
        cleaned = [
            clean_text(join_fields(i.subject, i.body), self.settings.max_chars) for i in inputs
        ]
        texts = [c.text for c in cleaned]
        vectors = self._vectors(texts)
        with single_threaded():
            return self._classify(inputs, cleaned, texts, vectors)

    def _classify(
        self,
        inputs: Sequence[TriageInput],
        cleaned: Sequence[Any],
        texts: list[str],
        vectors: np.ndarray,
    ) -> list[TriageResult]:
        with self._lock:
            classifier, version = self._classifier, self.model_version
        if classifier.fitted:
            raw, confidence = classifier.predict(texts, vectors)
            proba = self.negatives.apply(raw, vectors, list(classifier.classes_))
            confidence = _after_negatives(raw, proba, confidence)
        else:
            proba, confidence = np.zeros((len(texts), 0)), np.zeros(len(texts))
        urgent_sim = _max_sim(vectors, self._urgent).tolist()
        frustrated_sim = _max_sim(vectors, self._frustrated).tolist()
        classes = [str(c) for c in classifier.classes_]
        order = np.argsort(-proba, axis=1)[:, : self.settings.top_k]
        top, top_proba = order.tolist(), np.take_along_axis(proba, order, axis=1).tolist()
        confidences = np.asarray(confidence, dtype=float).tolist()
        results = []
        for row, (item, clean) in enumerate(zip(inputs, cleaned, strict=True)):
            result = self._result(
                item=item,
                text=clean.text,
                flags=clean.flags,
                skills=tuple(map(SkillScore, (classes[i] for i in top[row]), top_proba[row])),
                confidence=confidences[row],
                urgent_sim=urgent_sim[row],
                frustrated_sim=frustrated_sim[row],
                version=version,
            )
            results.append(result)
            self._remember(item.ticket_id, clean.text, vectors[row], result.category)
        return results

    def _result(
        self,
        *,
        item: TriageInput,
        text: str,
        flags: frozenset[str],
        skills: tuple[SkillScore, ...],
        confidence: float,
        urgent_sim: float,
        frustrated_sim: float,
        version: int,
    ) -> TriageResult:
        empty = FLAG_EMPTY in flags
        if empty:  # nothing to read: no category, whatever the classifier's prior says
            confidence = 0.0
        uncertain = empty or not skills or confidence < self.settings.threshold
        urgency_rules, sentiment_rules = text_signals(text)
        urgency_bonus = _similarity_bonus(urgent_sim)
        frustration_bonus = _similarity_bonus(frustrated_sim)
        urgency = min(1.0, urgency_rules.score + urgency_bonus)
        frustration = min(1.0, sentiment_rules.score + frustration_bonus)
        language = detect_language(text)
        priority = score_priority(
            urgency=urgency,
            sentiment=frustration,
            tier=item.tier,
            helpdesk_priority=item.helpdesk_priority,
            sla_deadline=item.sla_deadline,
            now=item.now,
            policy=self.priority_policy,
        )
        reasons = [f"urgency:{name}" for name in urgency_rules.reasons]
        reasons += [f"sentiment:{name}" for name in sentiment_rules.reasons]
        if urgency_bonus > 0:
            reasons.append(f"urgency:similar_to_urgent({urgent_sim:.2f})")
        if frustration_bonus > 0:
            reasons.append(f"sentiment:similar_to_frustrated({frustrated_sim:.2f})")
        if empty:
            reasons.append("uncertain:no_text")
        elif uncertain:
            reasons.append(f"uncertain:top_confidence_below_{self.settings.threshold:.2f}")
        all_flags = set(flags)
        if item.truncated:
            all_flags.add(FLAG_TRUNCATED)
        return TriageResult(
            ticket_id=item.ticket_id,
            skills=skills,
            uncertain=uncertain,
            urgency=urgency,
            sentiment=-frustration,
            language=language.language,
            priority=priority,
            flags=frozenset(all_flags),
            reasons=tuple(reasons),
            model_version=version,
            top_confidence=confidence if skills else None,
        )

    # ------------------------------------------------------------------ learning
    def learn_closed(
        self,
        ticket_id: str,
        now: float,
        final_category: str | None = None,
        resolved_by: str | None = None,
    ) -> bool:
        """A closed ticket becomes an example under its final (or predicted) category.

        Returns whether an example was added (the ticket must have been triaged here and
        have a category). ``resolved_by`` is accepted for the worker's convenience; the
        routing core learns velocity from it, triage only needs the label.
        """
        del resolved_by
        remembered = self._recent.pop(ticket_id, None)
        if remembered is None:
            return False
        text, vector, predicted = remembered
        label = final_category or predicted
        if not label or not text:
            return False
        self.store.add(Example(text=text, vector=vector, label=label, seen_at=now))
        self._maybe_refit(now)
        return True

    def learn_reassigned(
        self,
        ticket_id: str,
        now: float,
        original_category: str | None = None,
        new_category: str | None = None,
    ) -> bool:
        """A human reassignment: ``original_category`` (default: the prediction) was wrong."""
        remembered = self._recent.get(ticket_id)
        if remembered is None:
            return False
        text, vector, predicted = remembered
        wrong = original_category or predicted
        if wrong:
            self.negatives.add(vector, wrong)
            self.store.forget(text, wrong)
        if new_category:
            self._recent[ticket_id] = (text, vector, new_category)
        return wrong is not None

    def _maybe_refit(self, now: float) -> None:
        if self.store.added_since_fit >= self.settings.refit_every:
            self.refit(now, background=self.settings.background_refit)

    def _remember(
        self, ticket_id: str, text: str, vector: np.ndarray, category: str | None
    ) -> None:
        self._recent[ticket_id] = (text, vector, category)
        self._recent.move_to_end(ticket_id)
        while len(self._recent) > 50_000:
            self._recent.popitem(last=False)

    def _vectors(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.embedder.dimension), dtype=np.float32)
        embed_array = getattr(self.embedder, "embed_array", None)
        if embed_array is not None:
            return np.asarray(embed_array(texts), dtype=np.float32)
        return np.asarray(self.embedder.embed(texts), dtype=np.float32)


def _after_negatives(raw: np.ndarray, damped: np.ndarray, confidence: np.ndarray) -> np.ndarray:
    """Confidence after the negative memory damped some categories.

    Where the top category is unchanged the confidence shrinks by the share its
    probability lost; where a damped category lost the top place, the new top
    probability stands in (the confidence model never saw that prediction).
    """
    if len(raw) == 0 or raw is damped:
        return confidence
    top_raw, top_damped = raw.argmax(axis=1), damped.argmax(axis=1)
    rows = np.arange(len(raw))
    ratio = damped[rows, top_raw] / np.maximum(raw[rows, top_raw], 1e-12)
    same = confidence * np.minimum(1.0, ratio)
    return np.asarray(np.where(top_raw == top_damped, same, damped.max(axis=1)))


def _max_sim(vectors: np.ndarray, prototypes: np.ndarray) -> np.ndarray:
    if len(vectors) == 0 or len(prototypes) == 0:
        return np.zeros(len(vectors))
    return np.asarray((vectors @ prototypes.T).max(axis=1))


def _similarity_bonus(similarity: float, floor: float = 0.55, span: float = 0.3) -> float:
    """Up to 0.4 extra when a ticket is close to an urgent / frustrated prototype."""
    return round(0.4 * min(1.0, max(0.0, (similarity - floor) / span)), 3)


def _ts(value: datetime) -> float:
    return value.timestamp()
