"""The simulated vCenter (sim/vcsim/engine via sim.vcenter) against what the real vSphere provider does:
its connect sequence, the program's lookups, the Manager's OVA deploy and the guest-network wait.

Plain pyvmomi and urllib on loopback. The first run builds the engine (minutes on a cold Go cache; then
cached by source hash), hence the `vcsim_engine` marker.
"""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from pyVim.connect import Disconnect, SmartConnect
from pyVmomi import SoapStubAdapter, pbm, vim

from components import settings as config
from sim import manager_ova, vcenter
from tests.preflight.conftest import PROD, load_settings

pytestmark = pytest.mark.vcsim_engine

ROOT = Path(__file__).resolve().parents[1]
BOOT_DELAY_MS = 1500


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


def _find(si: Any, path: str) -> Any:
    return si.content.searchIndex.FindByInventoryPath(path)


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


# ------------------------------------------------------------------------------------ the Manager


def _wait(task: Any) -> Any:
    deadline = time.monotonic() + 30
    while task.info.state not in (vim.TaskInfo.State.success, vim.TaskInfo.State.error):
        assert time.monotonic() < deadline, f"task {task} did not finish"
        time.sleep(0.05)
    if task.info.state == vim.TaskInfo.State.error:
        raise task.info.error
    return task.info.result


def _deploy_manager(si: Any, settings: config.Settings, ova: Path, tls: ssl.SSLContext, host: str) -> Any:
    """What the program's ManagementPod + Manager VM do through the provider: create the folder, the pool
    and the management port group, then import the OVA (CreateImportSpec, ImportVApp, lease upload)."""
    m = settings.management_vcenter
    dc = _find(si, m.datacenter)
    cluster = _find(si, f"{m.datacenter}/host/{m.cluster}")
    ds = _find(si, f"{m.datacenter}/datastore/{m.datastore}")
    dvs = _find(si, f"{m.datacenter}/network/{m.distributed_switch}")
    folder = dc.vmFolder.CreateFolder("vio")
    pool = cluster.resourcePool.CreateResourcePool("vio-plane", vim.ResourceConfigSpec(
        cpuAllocation=vim.ResourceAllocationInfo(reservation=0, limit=-1, expandableReservation=True,
                                                 shares=vim.SharesInfo(level="normal", shares=0)),
        memoryAllocation=vim.ResourceAllocationInfo(reservation=0, limit=-1, expandableReservation=True,
                                                    shares=vim.SharesInfo(level="normal", shares=0)),
    ))
    # resource_vsphere_distributed_port_group.go: the switch by uuid, CreateDVPortgroup_Task, the result.
    switch = si.content.dvSwitchManager.QueryDvsByUuid(dvs.uuid)
    network = _wait(switch.CreateDVPortgroup_Task(vim.dvs.DistributedVirtualPortgroup.ConfigSpec(
        name=settings.management_network.port_group, type="earlyBinding", numPorts=8,
    )))
    assert isinstance(network, vim.dvs.DistributedVirtualPortgroup)
    assert network.name == settings.management_network.port_group

    import tarfile

    with tarfile.open(ova) as tar:
        names = tar.getnames()
        descriptor = tar.extractfile(names[0]).read().decode()  # type: ignore[union-attr]
        files = {name: tar.extractfile(name).read() for name in names[1:]}  # type: ignore[union-attr]
    # ovfdeploy/ovf_helper.go GetImportSpec: entity name, network map, IP policy and protocol, provisioning;
    # no host (the program sets no host_system_id).
    params = vim.OvfManager.CreateImportSpecParams(
        entityName=f"{settings.name_prefix}-manager", diskProvisioning="thin", ipProtocol="IPv4",
        ipAllocationPolicy="fixedPolicy",
        networkMapping=[vim.OvfManager.NetworkMapping(name=settings.vio.manager.ovf_network, network=network)],
    )
    result = si.content.ovfManager.CreateImportSpec(descriptor, pool, ds, params)
    assert not result.error, result.error
    # DeployOvfAndGetResult: ImportVApp, wait for the lease, upload each file item, progress, complete.
    lease = pool.ImportVApp(result.importSpec, folder, None)
    deadline = time.monotonic() + 30
    while lease.state == vim.HttpNfcLease.State.initializing:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert lease.state == vim.HttpNfcLease.State.ready, lease.error
    for device in lease.info.deviceUrl:
        item = next(i for i in result.fileItem if i.deviceId == device.importKey)
        url = device.url.replace("*", host)
        assert url.startswith("https://127."), url
        # ovf_helper.go upload: PUT with Overwrite for items to create, else POST of a stream-optimized VMDK
        method, headers = ("PUT", {"Overwrite": "t"}) if item.create else (
            "POST", {"Content-Type": "application/x-vnd.vmware-streamVmdk"})
        assert len(files[item.path]) == item.size
        request = urllib.request.Request(url, data=files[item.path], method=method, headers=headers)
        with urllib.request.urlopen(request, context=tls, timeout=10) as answer:
            assert answer.status == 200
        lease.HttpNfcLeaseProgress(100)
    lease.HttpNfcLeaseComplete()
    # resourceVsphereMachineDeployOvfAndOva: the VM by folder path + name, then its id is config.uuid.
    found = si.content.searchIndex.FindByInventoryPath(f"{m.datacenter}/vm/vio/{settings.name_prefix}-manager")
    assert isinstance(found, vim.VirtualMachine)
    return si.content.searchIndex.FindByUuid(None, found.config.uuid, True, False)


def _set_vapp_properties(vm: Any, values: dict[str, str]) -> None:
    """terraform-provider-vsphere expandVAppConfig (virtual_machine_config_structure.go): an edit per
    user-configurable property, matched on its id; a key that is no property id is an error."""
    by_id = {p.id: p for p in vm.config.vAppConfig.property}
    unknown = sorted(set(values) - set(by_id))
    assert not unknown, f"unsupported vApp properties in vapp.properties: {unknown}"
    edits = [
        vim.vApp.PropertySpec(operation="edit", info=vim.vApp.PropertyInfo(key=p.key, id=p.id, value=values[p.id]))
        for p in by_id.values() if p.userConfigurable and p.id in values
    ]
    _wait(vm.ReconfigVM_Task(vim.vm.ConfigSpec(vAppConfig=vim.vApp.VmConfigSpec(property=edits))))


def _recreate_nic(vm: Any) -> str:
    """The provider's post-deploy reconfigure for `network_interfaces`: the OVA's NIC removed and a new one
    added on the same port group (vio-facts.md 1, terraform-provider-vsphere#2573). vCenter gives it a new
    MAC; vcsim derives MACs and keys from the slot (simulator/virtual_machine.go generateMAC), so the new
    card looks like the old one: what counts is that the guest reports on the card the VM has now."""
    old = next(d for d in vm.config.hardware.device if isinstance(d, vim.vm.device.VirtualEthernetCard))
    card = vim.vm.device.VirtualVmxnet3(key=-1, backing=old.backing, addressType="generated",
                                        connectable=vim.vm.device.VirtualDevice.ConnectInfo(startConnected=True))
    _wait(vm.ReconfigVM_Task(vim.vm.ConfigSpec(deviceChange=[
        vim.vm.device.VirtualDeviceSpec(operation="remove", device=old),
        vim.vm.device.VirtualDeviceSpec(operation="add", device=card),
    ])))
    new = next(d for d in vm.config.hardware.device if isinstance(d, vim.vm.device.VirtualEthernetCard))
    nics = [d for d in vm.config.hardware.device if isinstance(d, vim.vm.device.VirtualEthernetCard)]
    assert len(nics) == 1 and len(vm.guest.net) == 1 and vm.guest.net[0].deviceConfigId == new.key
    return str(new.macAddress)


def _wait_for_guest_net(si: Any, vm: Any, timeout: float, log: Callable[[], str]) -> tuple[str, float]:
    """terraform-provider-vsphere WaitForGuestNet (routable, the default): property updates of guest.net and
    guest.ipStack until an address shares its prefix with the default gateway seen so far."""
    collector = si.content.propertyCollector.CreatePropertyCollector()
    spec = vim.PropertyFilterSpec(
        objectSet=[vim.ObjectSpec(obj=vm)],
        propSet=[vim.PropertySpec(type=vim.VirtualMachine, pathSet=["guest.net", "guest.ipStack"])],
    )
    collector.CreateFilter(spec, partialUpdates=True)
    gateway, version, start = None, "", time.monotonic()
    try:
        while time.monotonic() - start < timeout:
            updates = collector.WaitForUpdatesEx(version, vim.WaitOptions(maxWaitSeconds=1))
            if updates is None:
                continue
            version = updates.version
            for change in (c for f in updates.filterSet for o in f.objectSet for c in o.changeSet):
                if change.name == "guest.ipStack":
                    for stack in change.val or []:
                        for route in stack.ipRouteConfig.ipRoute if stack.ipRouteConfig else []:
                            if route.network == "0.0.0.0":
                                gateway = route.gateway.ipAddress
                if change.name == "guest.net":
                    for nic in change.val or []:
                        for address in nic.ipConfig.ipAddress if nic.ipConfig else []:
                            if gateway and _same_prefix(address.ipAddress, gateway, address.prefixLength):
                                return address.ipAddress, time.monotonic() - start
    finally:
        collector.DestroyPropertyCollector()
    raise TimeoutError(f"timeout waiting for an available IP address; engine log:\n{log()}")


def _property(si: Any, obj: Any, path: str) -> Any:
    spec = vim.PropertyFilterSpec(objectSet=[vim.ObjectSpec(obj=obj)],
                                  propSet=[vim.PropertySpec(type=type(obj), pathSet=[path])])
    found = si.content.propertyCollector.RetrieveContents([spec])
    return found[0].propSet[0].val if found and found[0].propSet else None


def _same_prefix(a: str, b: str, prefix: int) -> bool:
    from ipaddress import ip_network

    return ip_network(f"{a}/{prefix}", strict=False) == ip_network(f"{b}/{prefix}", strict=False)


@pytest.fixture(scope="module")
def manager_vm(si: Any, prod: config.Settings, management: vcenter.Engine, tls_context: ssl.SSLContext,
               tmp_path_factory: pytest.TempPathFactory) -> Any:
    keys = prod.vio.manager.ovf_properties.model_dump(exclude_none=True)
    ova = manager_ova.build(tmp_path_factory.mktemp("ova") / "vio-manager.ova", keys, prod.vio.manager.ovf_network)
    return _deploy_manager(si, prod, ova, tls_context, f"{management.host}:{management.port}")


def test_imported_properties_keep_class_and_instance_apart_as_vcenter_does(
    manager_vm: Any, prod: config.Settings
) -> None:
    props = {p.id: p for p in manager_vm.config.vAppConfig.property}
    address = manager_ova.OvfKey.parse(prod.vio.manager.ovf_properties.address)
    assert (address.klass, address.key, address.instance) == ("vami", "ip0", "management-server")
    assert props["ip0"].classId == "vami" and props["ip0"].instanceId == "management-server"
    assert not props["ntpServer"].classId and not props["ntpServer"].instanceId
    # The provider matches vapp.properties on this id: the full OVF key is no property id (vio-facts.md 1).
    assert prod.vio.manager.ovf_properties.address not in props
    assert all(p.userConfigurable for p in props.values())


def test_vcenter_defaults_the_provider_reads_back(manager_vm: Any) -> None:
    assert manager_vm.config.swapPlacement == "inherit"
    network = manager_vm.network[0]
    order = network.config.defaultPortConfig.uplinkTeamingPolicy.uplinkPortOrder
    assert order.inherited and list(order.activeUplinkPort) == ["uplink1", "uplink2", "uplink3", "uplink4"]


def test_manager_nic_is_on_the_management_port_group(manager_vm: Any, prod: config.Settings) -> None:
    nics = [d for d in manager_vm.config.hardware.device if isinstance(d, vim.vm.device.VirtualEthernetCard)]
    assert len(nics) == 1
    assert isinstance(nics[0].backing, vim.vm.device.VirtualEthernetCard.DistributedVirtualPortBackingInfo)
    assert manager_vm.network[0].name == prod.management_network.port_group


def test_powered_on_manager_reports_its_vapp_address_after_the_boot_delay(
    si: Any, manager_vm: Any, prod: config.Settings, management: vcenter.Engine
) -> None:
    net = prod.management_network
    values = {
        manager_ova.OvfKey.parse(full).key: value
        for full, value in (
            (prod.vio.manager.ovf_properties.address, str(net.manager_ip)),
            (prod.vio.manager.ovf_properties.netmask, str(net.cidr.netmask)),
            (prod.vio.manager.ovf_properties.gateway, str(net.gateway)),
            (prod.vio.manager.ovf_properties.dns, ",".join(str(d) for d in net.dns)),
            (prod.vio.manager.ovf_properties.domain, net.domain),
        )
    }
    _set_vapp_properties(manager_vm, values)
    new_mac = _recreate_nic(manager_vm)
    _wait(manager_vm.PowerOnVM_Task())
    assert not manager_vm.guest.ipAddress, "the guest reports before it booted"
    address, waited = _wait_for_guest_net(si, manager_vm, timeout=15, log=management.log)
    assert address == str(net.manager_ip)
    assert waited >= BOOT_DELAY_MS / 1000 * 0.8
    guest = manager_vm.guest
    assert guest.ipAddress == str(net.manager_ip) and guest.toolsRunningStatus == "guestToolsRunning"
    assert guest.net[0].ipConfig.ipAddress[0].prefixLength == net.cidr.prefixlen
    assert guest.net[0].macAddress == new_mac
    assert guest.ipStack[0].dnsConfig.domainName == net.domain
    # by path: vcsim leaves summary.runtime.faultToleranceState empty, which pyVmomi cannot parse as a whole
    assert _property(si, manager_vm, "summary.guest.ipAddress") == str(net.manager_ip)

    _wait(manager_vm.PowerOffVM_Task())
    assert not manager_vm.guest.ipAddress, "a powered-off VM keeps no guest address"
    _wait(manager_vm.Destroy_Task())


def test_a_vm_without_the_address_property_never_reports_one(si: Any, prod: config.Settings) -> None:
    m = prod.management_vcenter
    cluster = _find(si, f"{m.datacenter}/host/{m.cluster}")
    dc = _find(si, m.datacenter)
    vm = _wait(dc.vmFolder.CreateVM_Task(vim.vm.ConfigSpec(
        name="plain", guestId="otherGuest", files=vim.vm.FileInfo(vmPathName=f"[{m.datastore}]"),
    ), cluster.resourcePool))
    _wait(vm.PowerOnVM_Task())
    time.sleep(BOOT_DELAY_MS / 1000 + 0.5)
    assert not vm.guest.ipAddress
    _wait(vm.PowerOffVM_Task())
    _wait(vm.Destroy_Task())


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
    with pytest.raises(vcenter.EngineError, match="unknown field \"bootDelay\""):
        vcenter.start({**vcenter.management_spec(prod), "bootDelay": 5})


def test_stops_on_sigterm(prod: config.Settings) -> None:
    engine = vcenter.start(vcenter.resource_spec(prod))
    try:
        os.kill(engine.pid, signal.SIGTERM)
        assert engine.process.wait(timeout=10) == 0
    finally:
        engine.stop()
