"""Shared fixtures for triage unit tests: a deterministic embedder and a small catalogue."""

from __future__ import annotations

import pytest

from router.triage import HashingEmbedder
from streams.triage.catalogue import Catalogue, load_catalogue
from streams.triage.classifier import ClassifierConfig
from streams.triage.service import TriageService, TriageSettings


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture
def service(catalogue: Catalogue) -> TriageService:
    settings = TriageSettings(
        threshold=0.2, refit_every=5, background_refit=False, classifier=ClassifierConfig()
    )
    return TriageService(HashingEmbedder(512), settings, catalogue=catalogue)
