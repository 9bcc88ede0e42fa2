"""Faust processors (stream functions): triage and routing."""
