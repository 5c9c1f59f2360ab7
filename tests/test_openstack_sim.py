"""sim/openstack's command line and layout, without starting anything (the services themselves are the
`openstack` layer in tests/openstack)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.openstack import __main__ as cli
from sim.openstack import procs
from sim.openstack.layout import Layout


@pytest.mark.parametrize("ip", ["10.0.0.5", "0.0.0.0", "vio.example.com"])
def test_a_non_loopback_address_is_refused_with_usage_exit_code(ip: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["status", "--ip", ip]) == 2
    assert f"--ip {ip!r}" in capsys.readouterr().err


def test_public_endpoints_name_the_public_host_and_internal_ones_the_ip(tmp_path: Path) -> None:
    layout = Layout.create(ip="127.0.0.42", public_host="vio.nfv.example", state=tmp_path)
    assert layout.auth_url == "https://vio.nfv.example:5000/v3"
    assert layout.internal_url("neutron") == "https://127.0.0.42:9696"


def test_secrets_are_made_once_per_state_directory(tmp_path: Path) -> None:
    first = Layout.create(state=tmp_path).secret("db")
    assert Layout.create(state=tmp_path).secret("db") == first
    assert Layout.create(state=tmp_path / "other").secret("db") != first
    assert oct((tmp_path / "secrets.json").stat().st_mode & 0o777) == "0o600"


def test_a_pid_file_naming_a_process_with_another_start_time_is_not_ours(tmp_path: Path) -> None:
    layout = Layout.create(state=tmp_path)
    # pid 1 exists, but its kernel start time is never -1: the file is a stale one from another boot.
    (layout.pids / "neutron.pid").write_text("1 -1 fingerprint\n")
    assert procs.pid_of(layout, "neutron") is None
    assert procs.stop(layout, "neutron") is False
    assert not (layout.pids / "neutron.pid").exists()

