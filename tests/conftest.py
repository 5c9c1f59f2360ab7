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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--openstack", action="store_true",
                     help="run the tests marked `openstack` (real OpenStack services; minutes)")
    # end-to-end tests (issue 15): marked `e2e`, run by `make e2e` / .ci/run with --e2e on the real toolchain
    parser.addoption("--e2e", action="store_true", default=False,
                     help="run the end-to-end tests (marker e2e) on the real Pulumi toolchain (make toolchain)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--e2e"):
        skip = pytest.mark.skip(reason="end-to-end test: runs with --e2e on the real toolchain (make toolchain e2e)")
        for item in items:
            if "e2e" in item.keywords:
                item.add_marker(skip)
    # Deselected rather than skipped: the default run neither starts the services nor counts these.
    if config.getoption("--openstack"):
        return
    kept = [i for i in items if i.get_closest_marker("openstack") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i.get_closest_marker("openstack") is not None])
        items[:] = kept
