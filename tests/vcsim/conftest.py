"""Fixtures of the simulated-vCenter tests: one management vCenter per module, shaped by Pulumi.prod.yaml,
serving a trustme CA's certificate, and a pyvmomi session on it. The first use builds the engine
(minutes on a cold Go cache; then cached by source hash), hence the `vcsim_engine` marker."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from typing import Any

import pytest
import trustme
from pyVim.connect import Disconnect, SmartConnect

from components import settings as config
from sim.vcsim import vcenter
from tests.preflight.conftest import PROD, load_settings
from tests.vcsim.vsphere import BOOT_DELAY_MS


@pytest.fixture(scope="module")
def prod() -> config.Settings:
    return load_settings(PROD)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def management(
    prod: config.Settings, ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[vcenter.Engine]:
    pki = tmp_path_factory.mktemp("pki")
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert_path, key_path = pki / "vcenter.pem", pki / "vcenter.key"
    cert_path.write_bytes(b"".join(blob.bytes() for blob in cert.cert_chain_pems))
    key_path.write_bytes(cert.private_key_pem.bytes())
    with vcenter.running(vcenter.management_spec(prod, BOOT_DELAY_MS), tls=(cert_path, key_path)) as engine:
        yield engine


@pytest.fixture(scope="module")
def tls_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


@pytest.fixture(scope="module")
def si(management: vcenter.Engine, tls_context: ssl.SSLContext) -> Iterator[Any]:
    service = SmartConnect(
        host=management.host, port=management.port, user=management.user, pwd=management.password,
        sslContext=tls_context,
    )
    yield service
    Disconnect(service)

