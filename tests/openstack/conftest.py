"""The `openstack` layer: tests against real OpenStack services (sim/openstack), which take minutes to
install and start. They run only with `--openstack` (make test-openstack); without it they are deselected,
never skipped, so a default `make test` neither waits for them nor reports them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sim.openstack.client import Client
from sim.openstack.layout import Layout

ROOT = Path(__file__).resolve().parents[2]
#: Cold install (PyPI) plus first start with database migrations: about 4 minutes here.
START_TIMEOUT = 1200


@pytest.fixture(scope="session")
def openstack_layout() -> Layout:
    return Layout.create()


@pytest.fixture(scope="session")
def openstack_cloud(openstack_layout: Layout) -> Iterator[Client]:
    """The services, started (or found running) by the real command; left running for the next run
    (stop: `python -m sim.openstack stop`)."""
    done = subprocess.run([sys.executable, "-m", "sim.openstack", "start"], cwd=ROOT, capture_output=True,
                          text=True, timeout=START_TIMEOUT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          check=False)
    if done.returncode != 0:
        raise AssertionError(f"`python -m sim.openstack start` failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    print(done.stdout)
    a = openstack_layout.admin
    yield Client(openstack_layout.auth_url, a.username, a.password, a.project, str(openstack_layout.ca_file),
                 domain=a.domain, region=a.region)
