"""`python -m sim.openstack start|stop|status` as a developer and CI use it: start is idempotent (the
running processes are kept), stop ends every process start recorded, a warm start brings all back."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.openstack.client import Client
from sim.openstack.layout import Layout
from sim.openstack.services import PROCESSES, status

pytestmark = pytest.mark.openstack
ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim.openstack", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)


def test_start_again_keeps_the_running_processes(openstack_cloud: Client, openstack_layout: Layout) -> None:
    before = status(openstack_layout)
    assert all(before.values()), before
    again = _cli("start")
    assert again.returncode == 0, again.stderr
    assert status(openstack_layout) == before


def test_stop_ends_every_process_and_a_warm_start_serves_again(openstack_cloud: Client, openstack_layout: Layout) -> None:
    pids = status(openstack_layout)
    stopped = _cli("stop")
    assert stopped.returncode == 0, stopped.stderr
    assert set(stopped.stdout.removeprefix("stopped: ").strip().split(", ")) == set(PROCESSES)
    alive = [name for name, pid in pids.items() if pid is not None and Path(f"/proc/{pid}").exists()]
    assert not alive, f"still running after stop: {alive}"
    assert _cli("status").returncode == 3

    started = time.monotonic()
    warm = _cli("start")
    assert warm.returncode == 0, warm.stderr
    print(f"warm start: {time.monotonic() - started:.1f} s\n{warm.stdout}")
    # The session's token survives the restart: fernet keys and the database persist in the state directory.
    assert openstack_cloud.get("network", "/networks?name=__none__") == {"networks": []}
