"""`make plan` / `make preflight` report the program's own exit code: make itself turns any failed recipe
into 2, so the recipe prints the code the program returned instead of letting it vanish."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")


def _make(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), *args], capture_output=True,
                          text=True, timeout=300, check=False)


@pytest.mark.parametrize(("target", "code"), [("plan", 1), ("plan", 3), ("preflight", 1)])
def test_the_recipe_prints_the_programs_own_exit_code(tmp_path, target, code):
    fake = tmp_path / "python"
    fake.write_text(f"#!/bin/sh\nexit {code}\n")
    fake.chmod(0o755)
    done = _make(target, f"PY={fake}", "STACK=dev")
    assert done.returncode == 2, "GNU make exits 2 for any failed recipe"
    assert f"exited with code {code}" in done.stderr, done.stderr


def test_make_plan_of_an_invalid_stack_names_code_2_and_the_problem(tmp_path):
    (tmp_path / "Pulumi.bad.yaml").write_text("config:\n  vio-nfv:topology: ha\n  vio-nfv:topology: compact\n")
    done = _make("plan", "STACK=bad", f"ARGS=--project-dir {tmp_path}")
    assert "exited with code 2" in done.stderr and "Pulumi.bad.yaml:3: duplicate key" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_successful_plan_prints_no_exit_note():
    done = _make("plan", "STACK=dev", "ARGS=--quiet")
    assert done.returncode == 0 and "exited with code" not in done.stderr
