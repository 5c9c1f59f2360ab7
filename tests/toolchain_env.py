"""The environment of the real toolchain `make toolchain` built (scripts/toolchain.sh), for the e2e tests."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

TOOLCHAIN = Path(__file__).resolve().parents[1] / "scripts" / "toolchain.sh"


def toolchain_env() -> dict[str, str]:
    """The process environment plus the script's exports (PATH, PULUMI_HOME, offline switches, interpreter);
    skips the calling test, naming what is missing, where the toolchain is incomplete."""
    status = subprocess.run([str(TOOLCHAIN), "status"], capture_output=True, text=True, check=False)
    if status.returncode != 0:
        pytest.skip(status.stdout.strip() or status.stderr.strip())
    dump = subprocess.run(["bash", "-c", f'eval "$({TOOLCHAIN} env)" && env -0'], capture_output=True,
                          check=True, env=os.environ.copy())
    return dict(item.split("=", 1) for item in dump.stdout.decode().split("\0") if "=" in item)


def started_from(binary: Path) -> list[int]:
    """Pids of the processes running `binary` (by /proc/<pid>/exe)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and Path(os.readlink(proc / "exe")) == binary:
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def end_started_from(binary: Path) -> None:
    """The terraform-provider bridge leaves the Terraform provider it starts running after each pulumi
    command (orphaned, parent 1): a test runs its own copy of the provider binary and ends the processes of
    that copy, which are certainly its own."""
    for pid in started_from(binary):
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
