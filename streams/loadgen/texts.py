"""Ticket subjects and bodies per triage category (names from the default catalogue).

Texts are assembled from a subject, a problem statement, optional context (urgency,
frustration) and a sign-off, so tickets vary without being random noise. Some are in
German or French; their customers have that language.
"""

from __future__ import annotations

import random
from pathlib import Path

__all__ = [
    "CATEGORY_WEIGHTS",
    "DEFAULT_CATALOGUE",
    "TEXTS",
    "catalogue_categories",
    "ticket_text",
]

DEFAULT_CATALOGUE = Path(__file__).resolve().parent.parent / "triage" / "catalogue" / "default.yaml"

CATEGORY_WEIGHTS: dict[str, float] = {
    "access": 18,
    "billing": 14,
    "api": 10,
    "bug": 16,
    "performance": 7,
    "howto": 15,
    "data": 8,
    "security": 4,
    "account": 5,
    "enterprise": 3,
}
"""How often each category occurs in the mix (relative weights)."""

# category -> (subjects, problem statements)
TEXTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "access": (
        (
            "Can't log in",
            "Password reset not arriving",
            "SSO login fails",
            "Locked out of account",
            "2FA code not accepted",
            "Invite link expired",
        ),
        (
            "Since this morning I can't sign in, it says my password is wrong even after a reset.",
            "The password reset email never shows up, not even in the spam folder.",
            "Our Okta SSO returns an invalid SAML response for everyone in the sales team.",
            "I got a new phone and now I can't get past the two-factor screen.",
            "The invitation link for our new colleague says it has expired.",
            "After entering my credentials I'm sent straight back to the login page.",
        ),
    ),
    "billing": (
        (
            "Charged twice",
            "Invoice missing VAT number",
            "Refund request",
            "Plan downgrade",
            "Payment failed",
            "Wrong amount on invoice",
        ),
        (
            "We were charged twice for this month's subscription, please refund one payment.",
            "Our invoice is missing our VAT number, we need a corrected copy for accounting.",
            "We removed ten seats last week, can we get a refund for the unused period?",
            "How do we move from the Business plan to the Team plan at renewal?",
            "The card payment failed but the money has left our bank account.",
            "The pro-rated charge for the users we added looks far too high.",
        ),
    ),
    "api": (
        (
            "Webhooks stopped",
            "429 rate limit errors",
            "API key rotation",
            "Salesforce sync duplicates",
            "OAuth refresh fails",
            "SDK authentication error",
        ),
        (
            "Our webhook endpoint has not received any events since yesterday evening.",
            "The API answers 429 too many requests although we only send a few calls a minute.",
            "Where can we generate a new API key and revoke the old one?",
            "The nightly Salesforce sync creates duplicate contacts.",
            "Refreshing the OAuth token returns invalid_grant since the last release.",
            "The Python SDK raises an authentication error with a token that works in curl.",
        ),
    ),
    "bug": (
        (
            "Error when saving",
            "Export is empty",
            "App crashes on upload",
            "Wrong time zone",
            "Filters reset",
            "Error 500 on settings page",
        ),
        (
            "Clicking save shows 'Something went wrong' and the changes are lost.",
            "The CSV export button produces an empty file.",
            "The app crashes every time I upload a PNG larger than a few megabytes.",
            "Dates in the activity feed are shown in the wrong time zone.",
            "The filters reset whenever I switch between tabs.",
            "Opening the settings page gives an error 500.",
        ),
    ),
    "performance": (
        (
            "Everything is very slow",
            "Timeouts on dashboard",
            "Service down?",
            "Pages take ages",
            "Search is slow",
        ),
        (
            "The whole application has been extremely slow for the last hour.",
            "The dashboard times out before it loads for our European users.",
            "We can't reach the service at all, is there an outage?",
            "Every page takes more than 20 seconds to load.",
            "Search takes almost a minute to return results.",
        ),
    ),
    "howto": (
        (
            "How do I set up automations?",
            "Question about custom fields",
            "Where is the audit view?",
            "Best practice for teams",
            "How to change notification settings",
        ),
        (
            "How can I set up a rule that assigns new items to my team automatically?",
            "Is it possible to add a custom field that only some projects use?",
            "Where do I find the history of changes made to a record?",
            "What is the recommended way to organise several teams in one workspace?",
            "How do I stop getting an email for every comment?",
        ),
    ),
    "data": (
        (
            "Report shows wrong numbers",
            "Import failed",
            "Missing data in dashboard",
            "Export all our data",
            "Data retention question",
        ),
        (
            "The monthly report shows different totals than the dashboard.",
            "Our CSV import stopped halfway with no error message.",
            "Yesterday's records are missing from the analytics dashboard.",
            "We need a full export of our data for an internal audit.",
            "How long do you keep deleted records before they are purged?",
        ),
    ),
    "security": (
        (
            "Suspicious login",
            "GDPR deletion request",
            "Need your SOC 2 report",
            "DPA signature",
            "Audit log export",
        ),
        (
            "We saw a login to an admin account from a country where we have no staff.",
            "A customer asked us to delete all their personal data under GDPR.",
            "Our security team needs your latest SOC 2 Type II report.",
            "Can you countersign our data processing agreement?",
            "We need an export of the audit log for the last 90 days.",
        ),
    ),
    "account": (
        (
            "Add users to workspace",
            "Transfer ownership",
            "Change user role",
            "Close our account",
            "Remove former employee",
        ),
        (
            "How do I add 15 new users to our workspace?",
            "Our workspace owner left the company, please transfer ownership to me.",
            "I need to give a colleague admin rights on two projects only.",
            "We would like to close our account at the end of the month.",
            "Please remove a former employee who still has access.",
        ),
    ),
    "enterprise": (
        (
            "Contract renewal",
            "Custom SLA terms",
            "Quote for 500 seats",
            "Procurement questionnaire",
            "Enterprise agreement change",
        ),
        (
            "Our enterprise agreement renews next month and we want to discuss the terms.",
            "Legal asks whether the SLA credits can be adjusted in our custom contract.",
            "Please send a quote for 500 seats with annual billing.",
            "Our procurement team needs the attached vendor questionnaire filled in.",
            "We need to add a subsidiary to our enterprise agreement.",
        ),
    ),
}

_FOREIGN: dict[str, dict[str, tuple[str, str]]] = {
    "de": {
        "access": (
            "Anmeldung nicht möglich",
            "Ich kann mich seit heute Morgen nicht mehr anmelden, das Passwort wird abgelehnt.",
        ),
        "billing": (
            "Falsche Rechnung",
            "Unsere Rechnung enthält falsche Steuerbeträge, bitte korrigieren Sie sie.",
        ),
        "api": ("Webhook leer", "Der Webhook liefert seit dem Update ein leeres JSON."),
        "bug": (
            "Fehler beim Speichern",
            "Beim Speichern erscheint eine Fehlermeldung und nichts wird gespeichert.",
        ),
    },
    "fr": {
        "access": (
            "Connexion impossible",
            "Je n'arrive plus à me connecter à mon compte depuis hier.",
        ),
        "billing": ("Facture incorrecte", "La facture de ce mois ne correspond pas au devis."),
        "howto": (
            "Question d'utilisation",
            "Comment puis-je créer une règle d'attribution automatique ?",
        ),
    },
}

_URGENT = (
    "This is blocking our whole team right now.",
    "Production is down for us and we are losing revenue.",
    "We have a board meeting in an hour and need this fixed.",
)
_FRUSTRATED = (
    "This is the third time I contact you about this.",
    "Honestly, this is really frustrating.",
    "Nobody has answered my previous email.",
)
_GREETINGS = ("Hi,", "Hello support,", "Hi team,", "Good morning,", "")
_SIGNOFFS = ("Thanks", "Best regards", "Cheers", "Thank you in advance", "")


def catalogue_categories(path: Path = DEFAULT_CATALOGUE) -> list[str]:
    """Category names of a triage catalogue YAML (``categories:`` keys, in file order)."""
    import yaml

    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return list(data["categories"])


def ticket_text(
    category: str,
    rng: random.Random,
    *,
    language: str = "en",
    urgent: bool = False,
    frustrated: bool = False,
) -> tuple[str, str]:
    """A (subject, body) pair for a ticket of ``category`` in ``language``."""
    foreign = _FOREIGN.get(language, {}).get(category)
    if foreign is not None:
        return foreign
    subjects, problems = TEXTS[category]
    subject = rng.choice(subjects)
    parts = [rng.choice(_GREETINGS), rng.choice(problems)]
    if urgent:
        parts.append(rng.choice(_URGENT))
    if frustrated:
        parts.append(rng.choice(_FRUSTRATED))
    parts.append(rng.choice(_SIGNOFFS))
    return subject, " ".join(p for p in parts if p)


def foreign_categories(language: str) -> tuple[str, ...]:
    """Categories that have a text in ``language`` (other than English)."""
    return tuple(_FOREIGN.get(language, {}))
