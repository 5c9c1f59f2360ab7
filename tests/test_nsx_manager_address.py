"""`nsx.port` reaches both clients of the NSX Manager: the NSX provider's `host` and VIO's
`nsx_api_managers` (components/nsx_names.manager_address)."""

from __future__ import annotations

import yaml

from components import settings as config
from offline.evaluate import evaluate
from tests.conftest import ROOT

NS = "vio-nfv:"


def _nsx(port: int | None) -> dict[str, object]:
    nsx = dict(yaml.safe_load((ROOT / "Pulumi.prod.yaml").read_text())["config"][NS + "nsx"])
    if port is not None:
        nsx["port"] = port
    return nsx


def _addresses(port: int | None) -> tuple[str, str]:
    evaluation = evaluate("prod", overrides={NS + "nsx": _nsx(port)})
    assert evaluation.error is None, evaluation.error
    provider = next(r for r in evaluation.resources if r.type == "pulumi:providers:nsxt")
    backend = next(r for r in evaluation.resources if "nsx_api_managers" in str(r.inputs))
    managers = next(v for v in _walk(backend.inputs) if isinstance(v, dict) and "nsx_api_managers" in v)
    return provider.inputs["host"], managers["nsx_api_managers"]


def _walk(value: object) -> list[object]:
    out: list[object] = [value]
    if isinstance(value, dict):
        for item in value.values():
            out += _walk(item)
    elif isinstance(value, list):
        for item in value:
            out += _walk(item)
    return out


def test_the_default_port_keeps_the_bare_host() -> None:
    assert _addresses(None) == ("nsx-mgr01.nfv.example.net", "nsx-mgr01.nfv.example.net")


def test_another_port_goes_to_the_provider_and_to_vio() -> None:
    assert _addresses(8443) == ("nsx-mgr01.nfv.example.net:8443", "nsx-mgr01.nfv.example.net:8443")


def test_a_port_out_of_range_is_a_config_error_naming_the_key() -> None:
    evaluation = evaluate("prod", overrides={NS + "nsx": _nsx(70000)})
    assert isinstance(evaluation.error, config.ConfigError) and "nsx.port" in str(evaluation.error)
