"""Result types of triage: skills with confidence, signals, language, priority and flags."""

from __future__ import annotations

from dataclasses import dataclass, field

from router.triage.priority import PriorityScore

__all__ = ["SkillScore", "TriageResult"]


@dataclass(frozen=True, slots=True)
class SkillScore:
    """One candidate skill/category and its calibrated confidence in [0, 1]."""

    skill: str
    confidence: float


@dataclass(frozen=True, slots=True)
class TriageResult:
    """Everything triage found about one ticket.

    ``category`` is the top skill, or ``None`` when ``uncertain`` (the top confidence is
    below the classifier's threshold): routing then uses the generalist pool.
    ``skills`` carry class probabilities; ``top_confidence``, when set, is the estimated
    probability that the top skill is right (the classifier's confidence model) and is
    what :attr:`confidence` reports. ``reasons`` are rule names and short explanations,
    never ticket text.
    """

    ticket_id: str
    skills: tuple[SkillScore, ...]
    uncertain: bool
    urgency: float
    sentiment: float
    language: str
    priority: PriorityScore
    flags: frozenset[str] = frozenset()
    reasons: tuple[str, ...] = ()
    model_version: int = 0
    top_confidence: float | None = None
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def category(self) -> str | None:
        """The top skill, or ``None`` when uncertain."""
        if self.uncertain or not self.skills:
            return None
        return self.skills[0].skill

    @property
    def confidence(self) -> float:
        """Confidence that the top skill is right (0.0 when there is none)."""
        if not self.skills:
            return 0.0
        if self.top_confidence is not None:
            return self.top_confidence
        return self.skills[0].confidence

    def to_dict(self) -> dict[str, object]:
        """JSON-able form (for ``--json`` and the triaged-ticket event)."""
        return {
            "ticket_id": self.ticket_id,
            "category": self.category,
            "confidence": round(self.confidence, 4),
            "uncertain": self.uncertain,
            "skills": [
                {"skill": s.skill, "confidence": round(s.confidence, 4)} for s in self.skills
            ],
            "urgency": round(self.urgency, 3),
            "sentiment": round(self.sentiment, 3),
            "language": self.language,
            "priority": self.priority.priority,
            "priority_points": self.priority.points,
            "priority_components": dict(self.priority.components),
            "flags": sorted(self.flags),
            "reasons": list(self.reasons),
            "model_version": self.model_version,
        }
