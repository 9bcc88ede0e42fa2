"""models <- router <- streams: the contract and the decision core import no I/O stack.

Every module under models/ and router/ (found with pkgutil, so new modules are covered)
is imported in a fresh interpreter; none of the forbidden top-level packages may appear
in ``sys.modules`` afterwards.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import models
import router

FORBIDDEN = (
    "faust",
    "mode",
    "aiokafka",
    "kafka",
    "redis",
    "asyncio",
    "httpx",
    "torch",
    "sentence_transformers",
    "transformers",
    "numpy",
    "sklearn",
    "yaml",
    "prometheus_client",
    "rocksdict",
    "streams",
)
ROOT = Path(__file__).resolve().parents[3]


def _all_modules() -> list[str]:
    names = []
    for package in (models, router):
        names.append(package.__name__)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
            names.append(info.name)
    return sorted(names)


def test_walk_finds_the_contract_modules() -> None:
    found = _all_modules()
    assert {"models.codec", "models.envelope", "models.tickets", "models.outputs"} <= set(found)
    assert "router" in found


def _forbidden_after_importing(modules: list[str]) -> list[str]:
    """Top-level forbidden packages in sys.modules after importing ``modules`` afresh."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    return sorted({name.split(".", 1)[0] for name in loaded} & set(FORBIDDEN))


def test_models_and_router_import_no_io_stack() -> None:
    modules = _all_modules()
    offenders = _forbidden_after_importing(modules)
    if offenders:  # name the culprits: one fresh interpreter per module
        culprits = {m: found for m in modules if (found := _forbidden_after_importing([m]))}
        raise AssertionError(
            f"models/ or router/ pulled in {offenders} (by module: {culprits}); keep I/O "
            "libraries in streams/ – see the dependency rule in docs/architecture.md"
        )


def test_the_check_sees_a_forbidden_import() -> None:
    assert _forbidden_after_importing(["models", "json"]) == []
    assert _forbidden_after_importing(["models", "asyncio"]) == ["asyncio"]
