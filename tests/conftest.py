"""Shared, session-scoped evaluations: each stack config is evaluated once and read by many tests.

Pulumi's SDK costs ~14 ms per registration under mocks; evaluating `prod` per test would dominate the
suite. Tests must treat these Evaluations as read-only.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from offline.evaluate import Evaluation, ensure_nsxt_importable, evaluate  # noqa: E402

ensure_nsxt_importable()


def _evaluated(stack: str, **kwargs: object) -> Evaluation:
    evaluation = evaluate(stack, **kwargs)  # type: ignore[arg-type]
    if evaluation.error is not None:
        raise AssertionError(f"stack {stack} failed to evaluate: {evaluation.error}")
    return evaluation


@pytest.fixture(scope="session")
def prod() -> Evaluation:
    return _evaluated("prod")


@pytest.fixture(scope="session")
def dev() -> Evaluation:
    return _evaluated("dev")


@pytest.fixture(scope="session")
def three_pod() -> Evaluation:
    return _evaluated("three-pod")
