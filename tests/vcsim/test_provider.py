"""The REAL terraform-provider-vsphere against the simulated vCenter, through the real Pulumi CLI and the
`terraform-provider` dynamic bridge plugin (what `make toolchain` builds): lookups of datacenter, cluster,
datastore and switch, a folder, a resource pool, a distributed port group, and the Manager VM from the
VIO-shaped OVA with `ovf_deploy`, `vapp.properties` and the guest-network wait; then refresh and destroy.

The provider is the upstream that pulumi-vsphere bridges (terraform-provider-vsphere v2.16.1 for 4.18.2),
run as a local Terraform provider: the bridge's parameter value `{"local": {"path": ...}}`
(pulumi-terraform-bridge dynamic/parameterize/value.go), registered from the program with
`register_package` since the toolchain's Python host cannot generate an SDK. Its module is not served by
the Go module proxy, so the binary is given by `VIO_NFV_TF_VSPHERE`; without it, or without the
toolchain, these tests skip with the reason.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from components import settings as config
from sim.vcsim import manager_ova, vcenter
from tests.preflight.conftest import PROD, load_settings
from tests.toolchain_env import end_started_from

pytestmark = pytest.mark.vcsim_engine

PROGRAM = textwrap.dedent(
    '''\
    import asyncio
    import base64
    import json

    import pulumi
    from pulumi.runtime.settings import register_package

    config = pulumi.Config()
    value = json.dumps({"local": {"path": config.require("tfProvider")}}).encode()
    ref = asyncio.ensure_future(register_package(
        "terraform-provider", "1.1.0", "", "vsphere", "0.0.0", base64.b64encode(value).decode()))
    provider = pulumi.ProviderResource("vsphere", "vc", {
        "vsphereServer": config.require("server"), "user": config.require("user"),
        "password": config.require_secret("password"), "allowUnverifiedSsl": False,
    }, package_ref=ref)
    opts = pulumi.ResourceOptions(provider=provider)


    def get(token, args):
        return pulumi.runtime.invoke_output(
            f"vsphere:index/{token}:{token}", args, pulumi.InvokeOutputOptions(provider=provider), package_ref=ref)


    def resource(kind, name, props, **more):
        token = kind[0].lower() + kind[1:]
        return pulumi.CustomResource(f"vsphere:index/{token}:{kind}", name, props, opts.merge(
            pulumi.ResourceOptions(**more)), package_ref=ref)


    dc = get("getDatacenter", {"name": config.require("datacenter")}).apply(lambda r: r["id"])
    cluster = get("getComputeCluster", {"name": config.require("cluster"), "datacenterId": dc})
    datastore = get("getDatastore", {"name": config.require("datastore"), "datacenterId": dc})
    switch = get("getDistributedVirtualSwitch", {"name": config.require("switch"), "datacenterId": dc})
    folder = resource("Folder", "folder", {"path": "vio", "type": "vm", "datacenterId": dc})
    pool = resource("ResourcePool", "pool", {
        "name": "vio-plane", "parentResourcePoolId": cluster.apply(lambda r: r["resourcePoolId"])})
    network = resource("DistributedPortGroup", "network", {
        "name": config.require("portGroup"), "vlanId": 1110,
        "distributedVirtualSwitchUuid": switch.apply(lambda r: r["id"])})
    manager = resource("VirtualMachine", "manager", {
        "name": "vio-manager", "resourcePoolId": pool.id, "datastoreId": datastore.apply(lambda r: r["id"]),
        "folder": "vio", "numCpus": 4, "memory": 16384, "datacenterId": dc,
        "networkInterfaces": [{"networkId": network.id}],
        "ovfDeploy": {"localOvfPath": config.require("ova"), "diskProvisioning": "thin", "ipProtocol": "IPV4",
                      "ipAllocationPolicy": "STATIC_MANUAL",
                      "ovfNetworkMap": {config.require("ovfNetwork"): network.id}},
        "vapp": {"properties": json.loads(config.require("vappProperties"))},
        "waitForGuestNetTimeout": 2,
        "defaultIpAddress": None,
    }, depends_on=[folder])
    pulumi.export("managerIp", manager.defaultIpAddress)
    '''
)


def _toolchain_bin() -> Path:
    given = os.environ.get("VIO_NFV_TOOLCHAIN_BIN")
    candidates = [Path(given)] if given else sorted(Path.home().glob(".cache/vio-nfv/toolchain/*/bin"))
    for candidate in candidates:
        if (candidate / "pulumi").is_file() and (candidate / "pulumi-resource-terraform-provider").is_file():
            return candidate
    pytest.skip("no toolchain with pulumi and pulumi-resource-terraform-provider (make toolchain)")


def _tf_provider() -> Path:
    path = Path(os.environ.get("VIO_NFV_TF_VSPHERE", ""))
    if not path.name.startswith("terraform-provider-vsphere") or not path.is_file():
        pytest.skip("VIO_NFV_TF_VSPHERE names no terraform-provider-vsphere binary (its module is not served)")
    return path



class Stack:
    def __init__(self, tmp: Path, engine: vcenter.Engine, settings: config.Settings, props: dict[str, str]) -> None:
        bin_dir = _toolchain_bin()
        # A copy per test: the bridge leaves the Terraform provider it started running after each pulumi
        # command (orphaned, parent 1), and only processes of this copy are certainly this test's to end.
        provider = tmp / "tfp" / "terraform-provider-vsphere"
        provider.parent.mkdir()
        shutil.copy2(_tf_provider(), provider)
        self.provider = provider
        program = tmp / "program"
        program.mkdir()
        (program / "Pulumi.yaml").write_text("name: vcsim-engine-provider\nruntime: python\n")
        (program / "__main__.py").write_text(PROGRAM)
        (tmp / "state").mkdir()
        self.cwd = program
        self.env = {
            **os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "PULUMI_HOME": str(tmp / "home"),
            "PULUMI_SKIP_UPDATE_CHECK": "true", "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_PYTHON_CMD": os.environ.get("VIO_NFV_PULUMI_PYTHON", str(Path(os.sys.executable))),
            "PULUMI_BACKEND_URL": f"file://{tmp / 'state'}", "PULUMI_CONFIG_PASSPHRASE": secrets.token_urlsafe(18),
            # the provider trusts the engine's certificate like any Go program: through SSL_CERT_FILE
            "SSL_CERT_FILE": str(tmp / "ca.pem"),
        }
        m, ova = settings.management_vcenter, tmp / "vio-manager.ova"
        keys = dict(config.VIO_OVA_PROPERTIES)  # the OVA as VMware ships it: classed keys
        manager_ova.build(ova, keys, settings.vio.manager.ovf_network)
        self("stack", "init", "sim", "--secrets-provider", "passphrase")
        for key, value in {
            "server": f"{engine.host}:{engine.port}", "user": engine.user, "datacenter": m.datacenter,
            "cluster": m.cluster, "datastore": m.datastore, "switch": m.distributed_switch,
            "portGroup": settings.management_network.port_group, "ovfNetwork": settings.vio.manager.ovf_network,
            "ova": str(ova), "tfProvider": str(provider), "vappProperties": json.dumps(props),
        }.items():
            self("config", "set", key, "--", value)
        self("config", "set", "--secret", "password", "--", engine.password)

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(["pulumi", "--non-interactive", *args], cwd=self.cwd, env=self.env, text=True,
                              capture_output=True, stdin=subprocess.DEVNULL, timeout=600, check=False)
        if check:
            assert done.returncode == 0, f"pulumi {' '.join(args)}: {done.stdout[-4000:]}\n{done.stderr[-2000:]}"
        return done


def _inventory(engine: vcenter.Engine, ca: Path) -> tuple[set[str], set[str]]:
    """(VM names, port group names) the engine holds now."""
    import ssl

    from pyVim.connect import Disconnect, SmartConnect
    from pyVmomi import vim

    context = ssl.create_default_context(cafile=str(ca))
    si = SmartConnect(host=engine.host, port=engine.port, user=engine.user, pwd=engine.password, sslContext=context)
    try:
        view = si.content.viewManager.CreateContainerView(si.content.rootFolder, [vim.VirtualMachine], True)
        vms = {vm.name for vm in view.view}
        view = si.content.viewManager.CreateContainerView(si.content.rootFolder, [vim.dvs.DistributedVirtualPortgroup], True)
        pgs = {pg.name for pg in view.view}
    finally:
        Disconnect(si)
    return vms, pgs


def _manager_properties(settings: config.Settings, by_id: bool) -> dict[str, str]:
    net, keys = settings.management_network, config.VIO_OVA_PROPERTIES
    full = {keys["address"]: str(net.manager_ip), keys["netmask"]: str(net.cidr.netmask),
            keys["gateway"]: str(net.gateway), keys["dns"]: ",".join(map(str, net.dns)), keys["domain"]: net.domain,
            keys["searchPath"]: net.domain, keys["ntp"]: ",".join(net.ntp), keys["password"]: secrets.token_urlsafe(12)}
    return {manager_ova.OvfKey.parse(k).key: v for k, v in full.items()} if by_id else full


@pytest.fixture
def engine(tmp_path: Path) -> Any:
    _toolchain_bin(), _tf_provider()  # skip before starting anything
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    (tmp_path / "ca.pem").write_bytes(ca.cert_pem.bytes())
    (tmp_path / "vc.pem").write_bytes(b"".join(b.bytes() for b in cert.cert_chain_pems))
    (tmp_path / "vc.key").write_bytes(cert.private_key_pem.bytes())
    with vcenter.running(vcenter.management_spec(load_settings(PROD), boot_delay_ms=3000),
                         tls=(tmp_path / "vc.pem", tmp_path / "vc.key")) as running:
        yield running


@pytest.fixture
def stacks() -> Iterator[list[Stack]]:
    made: list[Stack] = []
    yield made
    for stack in made:
        end_started_from(stack.provider)


def test_real_provider_deploys_the_manager_and_waits_for_its_guest_address(
    tmp_path: Path, engine: Any, stacks: list[Stack]
) -> None:
    settings = load_settings(PROD)
    stack = Stack(tmp_path, engine, settings, _manager_properties(settings, by_id=True))
    stacks.append(stack)
    stack("up", "--yes", "--skip-preview")
    outputs = json.loads(stack("stack", "output", "--json").stdout)
    assert outputs == {"managerIp": str(settings.management_network.manager_ip)}
    refresh = json.loads(stack("preview", "--refresh", "--json", "--diff", check=False).stdout)
    changed = {s["urn"].split("::")[-1]: s.get("detailedDiff") or s.get("diffReasons")
               for s in refresh.get("steps", []) if s["op"] not in ("same", "refresh")}
    assert not changed, json.dumps(changed, indent=1)
    stack("destroy", "--yes", "--skip-preview")
    vms, pgs = _inventory(engine, tmp_path / "ca.pem")
    assert vms == set() and settings.management_network.port_group not in pgs


def test_real_provider_refuses_full_ovf_keys_in_vapp_properties(
    tmp_path: Path, engine: Any, stacks: list[Stack]
) -> None:
    """The provider matches vapp.properties on the property id (expandVAppConfig): a key written as the OVF
    environment names it (`vami.ip0.management-server`, components.settings.VIO_OVA_PROPERTIES) is
    refused after the import, and the imported VM stays behind (vio-facts.md 1)."""
    settings = load_settings(PROD)
    stack = Stack(tmp_path, engine, settings, _manager_properties(settings, by_id=False))
    stacks.append(stack)
    up = stack("up", "--yes", "--skip-preview", check=False)
    assert up.returncode != 0
    assert "unsupported vApp properties in vapp.properties" in up.stdout + up.stderr
    assert config.VIO_OVA_PROPERTIES["address"] in up.stdout + up.stderr
    assert "vio-manager" in _inventory(engine, tmp_path / "ca.pem")[0], "the imported VM is left behind"
