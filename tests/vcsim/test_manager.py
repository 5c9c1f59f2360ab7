"""The VIO Manager on the simulated vCenter as the provider deploys it from the OVA (CreateImportSpec,
ImportVApp, lease upload, vApp properties, NIC recreated, power on) and the guest-network wait it then
runs: the guest reports its vApp address after the boot delay, never before, and not when powered off."""

from __future__ import annotations

import ssl
import tarfile
import time
import urllib.request
from collections.abc import Callable
from ipaddress import ip_network
from pathlib import Path
from typing import Any

import pytest
from pyVim.connect import Disconnect, SmartConnect
from pyVmomi import vim

from components import settings as config
from sim.vcsim import manager_ova, vcenter
from tests.vcsim.vsphere import BOOT_DELAY_MS
from tests.vcsim.vsphere import find as _find
from tests.vcsim.vsphere import wait as _wait

pytestmark = pytest.mark.vcsim_engine


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
    return ip_network(f"{a}/{prefix}", strict=False) == ip_network(f"{b}/{prefix}", strict=False)


@pytest.fixture(scope="module")
def manager_vm(si: Any, prod: config.Settings, management: vcenter.Engine, tls_context: ssl.SSLContext,
               tmp_path_factory: pytest.TempPathFactory) -> Any:
    keys = dict(config.VIO_OVA_PROPERTIES)  # the OVA as VMware ships it: classed keys
    ova = manager_ova.build(tmp_path_factory.mktemp("ova") / "vio-manager.ova", keys, prod.vio.manager.ovf_network)
    return _deploy_manager(si, prod, ova, tls_context, f"{management.host}:{management.port}")


def test_imported_properties_keep_class_and_instance_apart_as_vcenter_does(
    manager_vm: Any, prod: config.Settings
) -> None:
    props = {p.id: p for p in manager_vm.config.vAppConfig.property}
    address = manager_ova.OvfKey.parse(config.VIO_OVA_PROPERTIES["address"])
    assert (address.klass, address.key, address.instance) == ("vami", "ip0", "management-server")
    assert props["ip0"].classId == "vami" and props["ip0"].instanceId == "management-server"
    assert not props["ntpServer"].classId and not props["ntpServer"].instanceId
    # The provider matches vapp.properties on this id: the stack configures the id (DEFAULT_OVF_PROPERTIES),
    # and the full OVF environment key is no property id (vio-facts.md 1).
    assert prod.vio.manager.ovf_properties.address in props
    assert config.VIO_OVA_PROPERTIES["address"] not in props
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




def test_guest_properties_may_name_the_bare_property_id(prod: config.Settings) -> None:
    """guestProperties by id (`ip0`, what vapp.properties keys must be) find a classed property too."""
    spec = {**vcenter.resource_spec(prod), "bootDelayMs": 1000,
            "guestProperties": {"ip": "ip0", "netmask": "netmask0", "gateway": "gateway"}}
    r = prod.resource_vcenter
    with vcenter.running(spec) as engine:
        si = SmartConnect(host=engine.host, port=engine.port, user=engine.user, pwd=engine.password,
                          sslContext=ssl._create_unverified_context())
        try:
            cluster = _find(si, f"{r.datacenter}/host/{r.compute_clusters[0]}")
            dc = _find(si, r.datacenter)
            props = [vim.vApp.PropertySpec(operation="add", info=vim.vApp.PropertyInfo(
                key=i, id=key, classId="vami", instanceId="appliance", value=value, type="string"))
                for i, (key, value) in enumerate({"ip0": "10.9.8.7", "netmask0": "255.255.255.0",
                                                  "gateway": "10.9.8.1"}.items())]
            vm = _wait(dc.vmFolder.CreateVM_Task(vim.vm.ConfigSpec(
                name="appliance", guestId="otherGuest", files=vim.vm.FileInfo(vmPathName=f"[{r.datastore}]"),
                vAppConfig=vim.vApp.VmConfigSpec(property=props),
                deviceChange=[vim.vm.device.VirtualDeviceSpec(operation="add", device=vim.vm.device.VirtualVmxnet3(
                    key=-1, backing=vim.vm.device.VirtualEthernetCard.NetworkBackingInfo(deviceName="VM Network")))],
            ), cluster.resourcePool))
            _wait(vm.PowerOnVM_Task())
            address, _ = _wait_for_guest_net(si, vm, timeout=10, log=engine.log)
            assert address == "10.9.8.7"
        finally:
            Disconnect(si)
