"""The ticket-router command line."""
