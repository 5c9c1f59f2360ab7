"""The resource vCenter's certificate against resourceVcenterThumbprint, and connection failures explained by
what the port speaks, against simulators serving https with their own certificate."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from components import settings as config
from preflight import tls
from sim.vcsim import simulator
from tests.preflight.conftest import Run, local

Pair = tuple[simulator.Simulator, simulator.Simulator]


@pytest.fixture(scope="module")
def tls_pair(simulator_binary: Path, prod: config.Settings) -> Iterator[Pair]:
    with simulator.running({**simulator.management_spec(prod), "tls": True}) as mgmt, \
            simulator.running({**simulator.resource_spec(prod), "tls": True}) as res:
        yield mgmt, res


@pytest.fixture
def ca_bundle(tls_pair: Pair, tmp_path: Path) -> Path:
    path = tmp_path / "ca.pem"
    path.write_text(tls_pair[0].cert_pem + tls_pair[1].cert_pem)
    return path


def _run(run_preflight: Run, pair: Pair, ca: Path, thumbprint: str) -> dict[str, object]:
    outcome = run_preflight(local(pair[0]), local(pair[1]), "--protocol", "https", "--ca-bundle", str(ca),
                            overrides={"resourceVcenterThumbprint": thumbprint})
    return {"code": outcome.code, "results": outcome.results("thumbprint"), "doc": outcome.doc, "out": outcome.out}


@pytest.mark.parametrize("form", ["sha256", "sha1", "sha256-lower"])
def test_the_right_thumbprint_passes(
    tls_pair: Pair, ca_bundle: Path, run_preflight: Run, form: str
) -> None:
    res = tls_pair[1]
    value = {"sha256": res.sha256, "sha1": res.sha1, "sha256-lower": res.sha256.lower()}[form]
    got = _run(run_preflight, tls_pair, ca_bundle, value)
    assert got["code"] == 0, got["out"]
    [result] = got["results"]  # type: ignore[misc]
    assert result["status"] == "pass" and value.upper() in result["detail"]
    # The fingerprints the simulator computed (Go) and the ones preflight computed (Python) agree.
    assert got["doc"]["vcenters"]["resource"]["certificate"] == {"sha1": res.sha1, "sha256": res.sha256}  # type: ignore[index]


def test_a_wrong_thumbprint_fails_showing_both_fingerprints(
    tls_pair: Pair, ca_bundle: Path, run_preflight: Run
) -> None:
    # The management vCenter's certificate pinned for the resource vCenter: a plausible copy-paste slip.
    wrong = tls_pair[0].sha256
    got = _run(run_preflight, tls_pair, ca_bundle, wrong)
    assert got["code"] == 1
    [result] = got["results"]  # type: ignore[misc]
    assert result["status"] == "fail" and result["vcenter"] == "resource"
    assert f"resourceVcenterThumbprint is SHA-256 {wrong}, but the vCenter presents SHA-256 {tls_pair[1].sha256}" \
        in result["detail"]
    assert f"set resourceVcenterThumbprint to {tls_pair[1].sha256}" in result["fix"]


def test_a_wrong_sha1_thumbprint_is_compared_as_sha1(tls_pair: Pair, ca_bundle: Path, run_preflight: Run) -> None:
    got = _run(run_preflight, tls_pair, ca_bundle, tls_pair[0].sha1)
    [result] = got["results"]  # type: ignore[misc]
    assert f"is SHA-1 {tls_pair[0].sha1}, but the vCenter presents SHA-1 {tls_pair[1].sha1}" in result["detail"]


def test_untrusted_certificate_fails_reachable_and_names_the_ca_bundle(
    tls_pair: Pair, run_preflight: Run
) -> None:
    outcome = run_preflight(local(tls_pair[0]), local(tls_pair[1]), "--protocol", "https",
                            overrides={"resourceVcenterThumbprint": tls_pair[1].sha256})
    assert outcome.code == 1
    failures = outcome.results("reachable", "fail")
    assert {f["vcenter"] for f in failures} == {"management", "resource"}
    assert all("not trusted" in f["detail"] and "--ca-bundle" in f["fix"] for f in failures)


def test_tls_to_a_plain_text_port_is_explained(
    passing_pair: Pair, tls_pair: Pair, ca_bundle: Path, run_preflight: Run
) -> None:
    outcome = run_preflight(local(tls_pair[0]), local(passing_pair[1]), "--protocol", "https",
                            "--ca-bundle", str(ca_bundle))
    [failure] = outcome.results("reachable", "fail")
    assert failure["vcenter"] == "resource"
    assert "TLS to a plain-text port: the port answers plain HTTP, not TLS" in failure["detail"]
    assert "went down" not in failure["detail"] + failure["fix"]
    assert "resourceVcenter.port" in failure["fix"]


def test_plain_text_to_a_tls_port_is_explained(passing_pair: Pair, tls_pair: Pair, run_preflight: Run) -> None:
    outcome = run_preflight(local(passing_pair[0]), local(tls_pair[1]))  # --protocol http
    [failure] = outcome.results("reachable", "fail")
    assert failure["vcenter"] == "resource"
    assert "plain text to a TLS port: the port completes a TLS handshake" in failure["detail"]
    assert "went down" not in failure["fix"]


def test_fingerprint_forms() -> None:
    der = b"not a real certificate, only bytes"
    prints = tls.fingerprints(der)
    assert len(prints["sha1"].split(":")) == 20 and len(prints["sha256"].split(":")) == 32
    assert tls.algorithm(prints["sha1"].lower()) == "sha1" and tls.algorithm(prints["sha256"]) == "sha256"


def test_a_secret_thumbprint_not_readable_is_not_checked_and_shows_the_fingerprint(
    tls_pair: Pair, ca_bundle: Path, run_preflight: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = {"secure": "v1:Zm9vYmFyYmF6:Y2lwaGVydGV4dA=="}
    outcome = run_preflight(local(tls_pair[0]), local(tls_pair[1]), "--protocol", "https", "--ca-bundle",
                            str(ca_bundle), overrides={"resourceVcenterThumbprint": secret})
    [result] = outcome.results("thumbprint")
    assert result["status"] == "skip" and outcome.code == 1
    assert "export VIONFV_RESOURCE_VCENTER_THUMBPRINT=" in result["detail"]
    assert f"the vCenter presents SHA-256 {tls_pair[1].sha256}" in result["detail"]
    # The same secret given through the environment is compared.
    monkeypatch.setenv("VIONFV_RESOURCE_VCENTER_THUMBPRINT", tls_pair[1].sha256)
    outcome = run_preflight(local(tls_pair[0]), local(tls_pair[1]), "--protocol", "https", "--ca-bundle",
                            str(ca_bundle), overrides={"resourceVcenterThumbprint": secret})
    assert outcome.code == 0, outcome.out
