"""Preflight reads the stack file itself: a credential written in plain text is the same error as in the
program (named, never echoed), before any vCenter is contacted."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from components import settings as config
from preflight import stack
from tests.preflight.conftest import ROOT

PASTED = "Pasted-In-Clear-7731"


def _stack_dir(tmp_path: Path, **overrides: object) -> Path:
    document = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())
    document["config"].update({f"{config.NAMESPACE}:{k}": v for k, v in overrides.items()})
    (tmp_path / "Pulumi.dev.yaml").write_text(yaml.safe_dump(document))
    return tmp_path


@pytest.fixture(autouse=True)
def _passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in stack.PASSWORD_KEYS:
        monkeypatch.setenv(stack.env_name(key), "from-the-environment")


def test_a_plaintext_credential_in_the_stack_file_is_rejected_without_echoing_it(tmp_path: Path) -> None:
    project = _stack_dir(tmp_path, nsxPassword=PASTED)
    with pytest.raises(config.ConfigError) as caught:
        stack.load("dev", project, use_pulumi_cli=False)
    keys = [p.key for p in caught.value.problems]
    assert keys == ["nsxPassword"]
    assert "pulumi config set --secret" in str(caught.value)
    assert PASTED not in str(caught.value)


def test_the_thumbprint_may_be_plain_text_but_must_be_well_formed(tmp_path: Path) -> None:
    good = ":".join(["AB"] * 32)
    assert stack.load("dev", _stack_dir(tmp_path, resourceVcenterThumbprint=good), use_pulumi_cli=False)
    with pytest.raises(config.ConfigError) as caught:
        stack.load("dev", _stack_dir(tmp_path, resourceVcenterThumbprint="not-a-thumbprint"), use_pulumi_cli=False)
    assert [p.key for p in caught.value.problems] == ["resourceVcenterThumbprint"]


def test_secure_credentials_pass(tmp_path: Path) -> None:
    assert stack.load("dev", _stack_dir(tmp_path), use_pulumi_cli=False).settings.topology == "compact"
