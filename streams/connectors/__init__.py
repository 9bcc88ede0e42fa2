"""Helpdesk connectors: apply ``ticket-assigned`` events (signed webhook, Zendesk, Freshdesk).

``targets`` builds each HTTP request without I/O; ``runner`` consumes the topic, sends,
retries, dead-letters and commits. ``ticket-router connect`` runs it.
"""
