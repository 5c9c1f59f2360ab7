"""tools/ci_credentials.py: a CI environment's secrets into the stack config, never on a command line."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tools import ci_credentials

ROOT = Path(__file__).resolve().parents[1]
SECRETS = ci_credentials.declared_secrets(ROOT / "Pulumi.yaml")


def test_every_declared_secret_maps_to_one_environment_variable() -> None:
    from components import settings
    from components.settings import CREDENTIAL_KEYS

    plaintext = getattr(settings, "PLAINTEXT_ALLOWED", frozenset({"resourceVcenterThumbprint"}))
    assert set(SECRETS) == set(CREDENTIAL_KEYS) - plaintext
    assert ci_credentials.env_name("managementVcenterPassword") == "VIONFV_MANAGEMENT_VCENTER_PASSWORD"
    assert len({ci_credentials.env_name(k) for k in SECRETS}) == len(SECRETS)


def test_a_missing_secret_stops_before_anything_is_set(capsys: pytest.CaptureFixture[str]) -> None:
    env = {ci_credentials.env_name(k): "x" for k in SECRETS[1:]}
    with pytest.raises(SystemExit) as stop:
        ci_credentials.commands("prod", SECRETS, env)
    assert stop.value.code == 2
    assert ci_credentials.env_name(SECRETS[0]) in capsys.readouterr().err


def test_values_go_on_stdin_and_usernames_by_path(tmp_path: Path) -> None:
    log = tmp_path / "calls"
    fake = tmp_path / "bin" / "pulumi"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\nprintf "%s|%s\\n" "$*" "$(cat)" >> {log}\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    env = {ci_credentials.env_name(k): f"pw-{k}" for k in SECRETS}
    env["VIONFV_NSX_USERNAME"] = "auditor-ci"
    old = dict(os.environ)
    try:
        os.environ.update(env)
        os.environ["PATH"] = f"{fake.parent}{os.pathsep}{old['PATH']}"
        assert ci_credentials.main(["--stack", "prod", "--project-dir", str(ROOT)]) == 0
    finally:
        os.environ.clear()
        os.environ.update(old)
    calls = log.read_text().splitlines()
    for key in SECRETS:
        assert f"config set --stack prod --secret vio-nfv:{key}|pw-{key}" in calls
        assert not any(f"pw-{key}" in c.split("|")[0] for c in calls), "a value on the command line"
    assert "config set --stack prod --path vio-nfv:nsx.username|auditor-ci" in calls
    assert not any("managementVcenter.username" in c for c in calls), "only the overrides that are set"
