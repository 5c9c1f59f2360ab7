"""The simulated vCenter (sim/vcsim/engine via sim.vcenter) against what terraform-provider-vsphere does at
connect and lookup, and the engine as a process (build cache, loopback only, bad spec, stop)."""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import ssl
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from pyVim.connect import Disconnect, SmartConnect
from pyVmomi import SoapStubAdapter, pbm, vim

from components import settings as config
from sim.vcsim import vcenter
from tests.vcsim.vsphere import find as _find

pytestmark = pytest.mark.vcsim_engine

ROOT = Path(__file__).resolve().parents[2]


def _rest(engine: vcenter.Engine, context: ssl.SSLContext, method: str, path: str,
          headers: dict[str, str] | None = None, password: str | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(f"https://{engine.host}:{engine.port}{path}", method=method, data=b"")
    if password is not None:
        token = base64.b64encode(f"{engine.user}:{password}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, context=context, timeout=10) as answer:
            body = answer.read()
            return answer.status, json.loads(body) if body else None
    except urllib.error.HTTPError as error:
        return error.code, None


# ------------------------------------------------------------------------------------ build and pins


def test_govmomi_is_the_one_the_pinned_vsphere_provider_builds_with() -> None:
    """pulumi-vsphere 4.18.2 vendors terraform-provider-vsphere v2.16.1 (provider/go.mod, upstream
    submodule 6e5d67e), which requires govmomi v0.54.1; 4.16.2 vendors v2.15.0 (0aab07b), govmomi v0.52.0.
    A re-pin of pulumi-vsphere must move sim/vcsim/engine/go.mod with it."""
    provider_govmomi = {"4.18.2": "v0.54.1", "4.16.2": "v0.52.0"}
    pinned = re.search(r"^pulumi-vsphere==(\S+)$", (ROOT / "requirements.txt").read_text(), re.M)
    required = re.search(r"^require github.com/vmware/govmomi (\S+)$", (vcenter.MODULE / "go.mod").read_text(), re.M)
    assert pinned and required
    assert pinned[1] in provider_govmomi, f"pulumi-vsphere {pinned[1]}: look up its govmomi and add it here"
    assert required[1] == provider_govmomi[pinned[1]]


def test_binary_is_cached_outside_the_checkout_by_source_hash(management: vcenter.Engine) -> None:
    binary = vcenter.binary_path()
    assert binary.is_file() and ROOT not in binary.parents
    assert binary.parent.name == vcenter.source_key()
    assert vcenter.build() == binary


# ------------------------------------------------------------------------------------ connect


def test_soap_login_over_tls_with_the_given_certificate(si: Any, management: vcenter.Engine) -> None:
    about = si.content.about
    assert about.apiType == "VirtualCenter" and about.version == "8.0.2"
    assert si.content.sessionManager.currentSession.userName == management.user


def test_soap_login_with_a_wrong_password_fails(management: vcenter.Engine, tls_context: ssl.SSLContext) -> None:
    with pytest.raises(vim.fault.InvalidLogin):
        SmartConnect(host=management.host, port=management.port, user=management.user, pwd="wrong",
                     sslContext=tls_context)


def test_rest_session_on_the_path_the_provider_uses(
    management: vcenter.Engine, tls_context: ssl.SSLContext
) -> None:
    # terraform-provider-vsphere config.go: rest.Client.Login (POST /rest/com/vmware/cis/session), then
    # restSessionValid (POST ...?~action=get with the session cookie/header).
    status, body = _rest(management, tls_context, "POST", "/rest/com/vmware/cis/session", password=management.password)
    assert status == 200
    session = body["value"]
    header = {"vmware-api-session-id": session}
    assert _rest(management, tls_context, "POST", "/rest/com/vmware/cis/session?~action=get", header)[0] == 200
    assert _rest(management, tls_context, "POST", "/rest/com/vmware/cis/session", password="wrong")[0] == 401
    assert _rest(management, tls_context, "DELETE", "/rest/com/vmware/cis/session", header)[0] == 200
    assert _rest(management, tls_context, "POST", "/rest/com/vmware/cis/session?~action=get", header)[0] == 401


def test_api_session_answers_unwrapped_and_shares_the_session_store(
    management: vcenter.Engine, tls_context: ssl.SSLContext
) -> None:
    status, session = _rest(management, tls_context, "POST", "/api/session", password=management.password)
    assert status == 201 and isinstance(session, str)
    header = {"vmware-api-session-id": session}
    status, info = _rest(management, tls_context, "GET", "/api/session", header)
    assert status == 200 and info["user"] == management.user
    # one store: a session made on /api is valid on /rest
    assert _rest(management, tls_context, "POST", "/rest/com/vmware/cis/session?~action=get", header)[0] == 200
    assert _rest(management, tls_context, "POST", "/api/session", password="wrong")[0] == 401
    assert _rest(management, tls_context, "DELETE", "/api/session", header)[0] == 204
    assert _rest(management, tls_context, "GET", "/api/session", header)[0] == 401


def test_pbm_service_content_with_the_vim_session(
    si: Any, management: vcenter.Engine, tls_context: ssl.SSLContext
) -> None:
    # govmomi pbm.NewClient (provider config.go): path /pbm (pbm/client.go Path), RetrievePbmServiceContent,
    # the vim session's cookie in the vcSessionCookie header.
    cookie = re.search(r'vmware_soap_session="?([^";]+)', si._stub.cookie)
    assert cookie, si._stub.cookie
    stub = SoapStubAdapter(
        host=management.host, port=management.port, path="/pbm", version="pbm.version.version2",
        sslContext=tls_context, requestContext={"vcSessionCookie": cookie[1]},
    )
    content = pbm.ServiceInstance("ServiceInstance", stub).RetrieveContent()
    profiles = content.profileManager.PbmQueryProfile(
        resourceType=pbm.profile.ResourceType(resourceType="STORAGE"), profileCategory="REQUIREMENT"
    )
    assert profiles, "vcsim's PBM serves the default storage policies"


# ------------------------------------------------------------------------------------ inventory



def test_every_management_lookup_of_the_program_finds_its_object(si: Any, prod: config.Settings) -> None:
    m = prod.management_vcenter
    dc = _find(si, m.datacenter)
    assert isinstance(dc, vim.Datacenter)
    cluster = _find(si, f"{m.datacenter}/host/{m.cluster}")
    assert isinstance(cluster, vim.ClusterComputeResource) and len(cluster.host) == vcenter.HOSTS_PER_CLUSTER
    assert isinstance(cluster.resourcePool, vim.ResourcePool)
    ds = _find(si, f"{m.datacenter}/datastore/{m.datastore}")
    assert isinstance(ds, vim.Datastore) and {mount.key for mount in ds.host} == set(cluster.host)
    dvs = _find(si, f"{m.datacenter}/network/{m.distributed_switch}")
    # the provider's dvsFromPath accepts VmwareDistributedVirtualSwitch only
    assert isinstance(dvs, vim.dvs.VmwareDistributedVirtualSwitch)
    assert set(dvs.summary.hostMember) == set(cluster.host)
    assert si.content.dvSwitchManager.QueryDvsByUuid(dvs.uuid) == dvs
    assert list(dvs.config.uplinkPortPolicy.uplinkPortName) == ["uplink1", "uplink2", "uplink3", "uplink4"]
    # prod creates both port groups: they must not exist before `up`
    names = {pg.name for pg in dvs.portgroup}
    assert prod.management_network.port_group not in names and prod.api_access_network.port_group not in names


def test_adopted_port_groups_exist_and_resource_pod_lookups_resolve(prod: config.Settings) -> None:
    adopting = prod.model_copy(
        update={"management_network": prod.management_network.model_copy(update={"existing": True})}
    )
    spec = vcenter.management_spec(adopting)
    assert spec["datacenters"][0]["switches"][0]["portGroups"] == [prod.management_network.port_group]
    r = prod.resource_vcenter
    with vcenter.running(vcenter.resource_spec(prod)) as resource:
        context = ssl._create_unverified_context()  # the self-signed default certificate
        service = SmartConnect(host=resource.host, port=resource.port, user=resource.user,
                               pwd=resource.password, sslContext=context)
        try:
            for cluster in [*r.compute_clusters, *([r.edge_cluster] if r.edge_cluster else [])]:
                assert isinstance(_find(service, f"{r.datacenter}/host/{cluster}"), vim.ClusterComputeResource)
            assert isinstance(_find(service, f"{r.datacenter}/datastore/{r.datastore}"), vim.Datastore)
            switch = _find(service, f"{r.datacenter}/network/{r.datacenter}-dvs")
            assert switch._moId == resource.datacenters[r.datacenter]["switches"][f"{r.datacenter}-dvs"]
        finally:
            Disconnect(service)


# ------------------------------------------------------------------------------------ process


def _listening_addresses(pid: int) -> list[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        target = os.readlink(fd)
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # LISTEN
                found.append(fields[1])
    return found


def test_listens_on_loopback_only(management: vcenter.Engine) -> None:
    addresses = _listening_addresses(management.pid)
    assert addresses, "the engine listens somewhere"
    for address in addresses:
        host = address.split(":")[0]
        assert host in ("0100007F",) or (len(host) == 8 and host.endswith("7F")), f"listens on {address}"


def test_bad_spec_is_refused_with_the_key_named(prod: config.Settings) -> None:
    spec = vcenter.management_spec(prod)
    spec["datacenters"][0]["datastores"][0]["freeGB"] = 10**6
    with pytest.raises(vcenter.EngineError, match=r"datacenters\[0\]\.datastores\[0\].*freeGB <= capacityGB"):
        vcenter.start(spec)
    with pytest.raises(vcenter.EngineError, match=r"bootDelayMs 0: give at least 1000 with guestProperties\.ip"):
        vcenter.start(vcenter.management_spec(prod, boot_delay_ms=0))
    with pytest.raises(vcenter.EngineError, match="unknown field \"bootDelay\""):
        vcenter.start({**vcenter.management_spec(prod), "bootDelay": 5})


def test_stops_on_sigterm(prod: config.Settings) -> None:
    engine = vcenter.start(vcenter.resource_spec(prod))
    try:
        os.kill(engine.pid, signal.SIGTERM)
        assert engine.process.wait(timeout=10) == 0
    finally:
        engine.stop()


def test_stops_when_stdin_closes_and_leaves_no_files(prod: config.Settings) -> None:
    engine = vcenter.start(vcenter.resource_spec(prod))
    engine.stop()
    assert engine.process.returncode == 0
    assert not engine.spec_path.exists() and not engine.log_path.exists()
