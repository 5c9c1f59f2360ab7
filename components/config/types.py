"""The value types every section shares: strict sections, IPv4 values as text, names, hosts, ports."""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError


class Section(BaseModel):
    # strict: a YAML value of the wrong type is an error, never coerced (a VLAN of `true` is not 1, a
    # name of 123 is not "123"). The only lax fields are the address types below, which YAML gives as text.
    model_config = ConfigDict(
        frozen=True, extra="forbid", alias_generator=to_camel, populate_by_name=True, strict=True
    )


def _ip_text(value: Any) -> Any:
    # Lax pydantic would also read an integer as an address (175770113 -> 10.122.10.1): only text is.
    if isinstance(value, str | ipaddress.IPv4Address | ipaddress.IPv4Network):
        return value
    raise PydanticCustomError("ip_text", "expected an IPv4 value as text")


#: Addresses and networks arrive as YAML strings: parsing them from text is the one coercion allowed.
IPv4Address = Annotated[ipaddress.IPv4Address, Strict(False), BeforeValidator(_ip_text)]
IPv4Network = Annotated[ipaddress.IPv4Network, Strict(False), BeforeValidator(_ip_text)]

#: An inventory or display name: no '/' or '\\' (vSphere inventory paths), no control characters, and
#: no leading or trailing whitespace (vCenter and NSX keep it, so `"dc01 "` names another object).
Name = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[^/\\\s\x00-\x1f]([^/\\\x00-\x1f]*[^/\\\s\x00-\x1f])?$")]
#: A DNS label: what tenant, network and cluster keys become inside logical names and hostnames.
Label = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]

_HOST_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def _host(value: str) -> str:
    """RFC 1123 host name (labels of 1-63 letters, digits and inner hyphens; 253 in all) or IPv4 address."""
    if ":" in value:
        try:
            ipaddress.IPv6Address(value)
        except ValueError:
            pass
        else:
            raise ValueError("is IPv6; VIO's management and provider networks here are IPv4 only, use an "
                             "IPv4 address or a host name")
    labels = value.split(".")
    if len(value) > 253 or not all(_HOST_LABEL.match(label) for label in labels):
        raise ValueError("not a valid host name (RFC 1123: dot-separated labels of 1-63 letters, digits and "
                         "inner hyphens, 253 characters at most) or IPv4 address")
    if all(label.isdigit() for label in labels):  # all-numeric: only meaningful as an IPv4 address
        try:
            ipaddress.IPv4Address(value)
        except ValueError:
            raise ValueError("is neither an IPv4 address nor a host name (a name's last label is not "
                             "all digits)") from None
    return value


#: A server, NTP source or DNS domain: an RFC 1123 host name / FQDN, or an IPv4 address.
Host = Annotated[str, AfterValidator(_host)]
Port = Annotated[int, Field(ge=1, le=65535)]
VlanId = Annotated[int, Field(ge=0, le=4094)]


URL_PATTERN = r"^https?://[^\s/]+(:\d+)?(/\S*)?$"
VIO_VERSION_PATTERN = r"^7\.\d+(\.\d+){0,2}$"
#: A distributed switch's managed object id as VIO's `compute_cluster.dvs_moid` takes it (not its name, not
#: the UUID the vSphere provider's getDistributedVirtualSwitch returns as `id`).
DVS_MOID_PATTERN = r"^dvs-[0-9]+$"
DVS_MOID_HOW = (
    "find it in the vSphere client's URL with the switch selected "
    "(urn:vmomi:VmwareDistributedVirtualSwitch:dvs-NN:...) or with `govc ls -i /<datacenter>/network/<switch>`"
)


class IpRange(Section):
    start: IPv4Address
    end: IPv4Address


Quota = Annotated[int, Field(ge=-1, description="-1 is unlimited.")]


#: Ports as YAML writes them: 5060, "5060" or a range "16384-32767".
Ports = int | str | None


def port_range(value: int | str | None) -> tuple[int, int] | None:
    """`5060` / `"5060"` -> (5060, 5060); `"16384-32767"` -> (16384, 32767); None -> None (all ports).

    Raises ValueError naming the fix when the value is not a port or an ascending range of ports.
    """
    if value is None:
        return None
    text = str(value).strip()
    low, sep, high = text.partition("-")
    if not low.strip().isdigit() or (sep and not high.strip().isdigit()):
        raise ValueError(f"{value!r} is not a port or a range like 16384-32767")
    lo, hi = int(low), int(high) if sep else int(low)
    if not (1 <= lo <= 65535 and 1 <= hi <= 65535):
        raise ValueError(f"{value!r}: ports are 1-65535")
    if lo > hi:
        raise ValueError(f"{value!r}: the range is reversed; write {hi}-{lo}")
    return lo, hi
