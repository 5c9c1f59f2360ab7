"""A small OVA shaped like VIO's Manager appliance, for the simulated vCenter to import.

It declares the properties the stack's `vio.manager.ovfProperties` names (by default VIO's classed
`vami.ip0.management-server` ... and plain `ntpServer`, `viouser_passwd`) the way an OVF descriptor does:
one ProductSection per (class, instance), each property by its bare key (OVF spec DSP0243 9.5.1: the
environment key is `[class.]key[.instance]`; vCenter keeps them as VAppPropertyInfo id/classId/instanceId,
vio-facts.md 1). The network is `VIO Management Server Network`; the hardware is BIOS firmware with a
paravirtual SCSI controller (what terraform-provider-vsphere applies to an OVF deploy unless told
otherwise, vio-facts.md 1) and one tiny disk. All properties are userConfigurable: the provider
dereferences that flag of every property when it sets vapp.properties (virtual_machine_config_structure.go
expandVAppConfig), and VIO's OVA marks its network properties configurable.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

#: What `vapp.properties` roles hold (components.settings.OvfProperties field -> OVF property type).
PASSWORD_ROLES = frozenset({"password"})
DISK_FILE = "vio-manager-disk1.vmdk"


@dataclass(frozen=True)
class OvfKey:
    """An OVF environment key split into its parts: `vami.ip0.management-server` is class `vami`, key
    `ip0`, instance `management-server`; `ntpServer` is a bare key."""

    key: str
    klass: str = ""
    instance: str = ""

    @classmethod
    def parse(cls, full: str) -> OvfKey:
        parts = full.split(".")
        if len(parts) == 1 and parts[0]:
            return cls(parts[0])
        if len(parts) == 3 and all(parts):
            return cls(parts[1], parts[0], parts[2])
        raise ValueError(
            f"OVF property key {full!r}: give `key` or `class.key.instance` (a two-part key is ambiguous "
            "between class.key and key.instance)"
        )


def descriptor(properties: Mapping[str, str], network: str, name: str = "vio-manager", disk_bytes: int = 1 << 20) -> str:
    """The OVF descriptor. `properties` maps a role (address, netmask, ..., password) to its full key."""
    sections: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for role, full in properties.items():
        parsed = OvfKey.parse(full)
        sections.setdefault((parsed.klass, parsed.instance), []).append((role, parsed.key))
    products = []
    for (klass, instance), props in sections.items():
        attrs = (f" ovf:class={quoteattr(klass)}" if klass else "") + (
            f" ovf:instance={quoteattr(instance)}" if instance else ""
        )
        lines = [f'    <ProductSection{attrs}>', "      <Info>VIO Manager properties</Info>"]
        if not klass:
            lines += ["      <Product>VMware Integrated OpenStack Manager (test appliance)</Product>",
                      "      <Vendor>vio-nfv</Vendor>", "      <Version>7.3.0</Version>"]
        for role, key in props:
            password = ' ovf:password="true"' if role in PASSWORD_ROLES else ""
            lines.append(
                f'      <Property ovf:key={quoteattr(key)} ovf:type="string" ovf:userConfigurable="true"'
                f' ovf:value=""{password}><Label>{role}</Label></Property>'
            )
        lines.append("    </ProductSection>")
        products.append("\n".join(lines))
    product_xml = "\n".join(products)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
  xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
  xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
  xmlns:vmw="http://www.vmware.com/schema/ovf">
  <References>
    <File ovf:href="{DISK_FILE}" ovf:id="file1" ovf:size="{disk_bytes}"/>
  </References>
  <DiskSection>
    <Info>Virtual disks</Info>
    <Disk ovf:capacity="16" ovf:capacityAllocationUnits="byte * 2^20" ovf:diskId="vmdisk1" ovf:fileRef="file1"
      ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
  </DiskSection>
  <NetworkSection>
    <Info>Logical networks</Info>
    <Network ovf:name={quoteattr(network)}><Description>The VIO Manager's management network</Description></Network>
  </NetworkSection>
  <VirtualSystem ovf:id={quoteattr(name)}>
    <Info>VIO Manager (test appliance)</Info>
    <Name>{name}</Name>
    <OperatingSystemSection ovf:id="101" vmw:osType="vmwarePhoton64Guest">
      <Info>Photon OS</Info>
    </OperatingSystemSection>
    <VirtualHardwareSection>
      <Info>Virtual hardware</Info>
      <System>
        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
        <vssd:InstanceID>0</vssd:InstanceID>
        <vssd:VirtualSystemType>vmx-15</vssd:VirtualSystemType>
      </System>
      <Item>
        <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>
        <rasd:ElementName>4 virtual CPU(s)</rasd:ElementName>
        <rasd:InstanceID>1</rasd:InstanceID>
        <rasd:ResourceType>3</rasd:ResourceType>
        <rasd:VirtualQuantity>4</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>
        <rasd:ElementName>16384MB of memory</rasd:ElementName>
        <rasd:InstanceID>2</rasd:InstanceID>
        <rasd:ResourceType>4</rasd:ResourceType>
        <rasd:VirtualQuantity>16384</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:Address>0</rasd:Address>
        <rasd:ElementName>SCSI Controller 0</rasd:ElementName>
        <rasd:InstanceID>3</rasd:InstanceID>
        <rasd:ResourceSubType>VirtualSCSI</rasd:ResourceSubType>
        <rasd:ResourceType>6</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AddressOnParent>0</rasd:AddressOnParent>
        <rasd:ElementName>Hard Disk 1</rasd:ElementName>
        <rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource>
        <rasd:InstanceID>4</rasd:InstanceID>
        <rasd:Parent>3</rasd:Parent>
        <rasd:ResourceType>17</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AddressOnParent>7</rasd:AddressOnParent>
        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>
        <rasd:Connection>{network}</rasd:Connection>
        <rasd:ElementName>Network adapter 1</rasd:ElementName>
        <rasd:InstanceID>5</rasd:InstanceID>
        <rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType>
        <rasd:ResourceType>10</rasd:ResourceType>
      </Item>
      <vmw:Config ovf:required="false" vmw:key="firmware" vmw:value="bios"/>
    </VirtualHardwareSection>
{product_xml}
  </VirtualSystem>
</Envelope>
"""


def build(path: Path, properties: Mapping[str, str], network: str, name: str = "vio-manager") -> Path:
    """Write the OVA (a tar: the descriptor first, then the manifest and the disk, as OVF 1.x requires) to
    `path`. The disk is a 1 MiB placeholder: the simulator stores what is uploaded and reads none of it."""
    disk = b"KDMV" + bytes((1 << 20) - 4)
    ovf = descriptor(properties, network, name, len(disk)).encode()
    ovf_name = f"{name}.ovf"
    manifest = "".join(
        f"SHA256({file})= {hashlib.sha256(data).hexdigest()}\n" for file, data in ((ovf_name, ovf), (DISK_FILE, disk))
    ).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as tar:
        for member, data in ((ovf_name, ovf), (f"{name}.mf", manifest), (DISK_FILE, disk)):
            info = tarfile.TarInfo(member)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    return path
