"""The configuration reference (docs/configuration.md), generated from the models and the rule modules.

Descriptions are written once: on the fields (`Field(description=...)`), on the section models (their
docstring), in `CREDENTIAL_DESCRIPTIONS` and in each rule module's `CHECKS` (key pattern -> what is
checked). `python -m tools.config_docs` writes the page; tests/test_config_docs.py holds it equal.
"""

from __future__ import annotations

import inspect
import json
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from types import UnionType
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel
from pydantic.alias_generators import to_camel
from pydantic.fields import FieldInfo

from components import vio_enforcement
from components.config import types
from components.config.model import SECTIONS, TENANT_STACK_CREDENTIAL_KEYS, TENANT_STACK_SECTIONS, Settings
from components.config.nsx import AsNumber
from components.config.problems import NAMESPACE, TENANT_NAMESPACE
from components.config.rules import flavors, networks, nsx, plane, tenants
from components.config.rules.addresses import ADDRESS_SPACES, HOST_ADDRESSES
from components.config.rules.secrets import CREDENTIAL_DESCRIPTIONS, CREDENTIAL_KEYS, PLAINTEXT_ALLOWED
from components.config.tenants import TenantStackSettings

#: The shared value types, named in the Type column and explained once in the legend.
TYPE_NAMES: dict[Any, tuple[str, str]] = {
    types.Name: ("name", "1-80 characters; no '/', '\\\\' or control characters; no leading/trailing space"),
    types.Label: ("label", "1-40 lowercase letters, digits and inner '-' (a DNS label; keys of logical names)"),
    types.Host: ("host", "an RFC 1123 host name (labels of 1-63 characters, 253 in all) or an IPv4 address"),
    types.Port: ("port", "an integer 1-65535"),
    types.VlanId: ("vlan", "an integer 0-4094"),
    types.IPv4Address: ("ipv4", "an IPv4 address, as text"),
    types.IPv4Network: ("cidr", "an IPv4 network in CIDR form without host bits, as text"),
    types.Quota: ("quota", "an integer, -1 for unlimited"),
    types.Ports: ("ports", "a port (5060, \"5060\") or an ascending range (\"16384-32767\")"),
    AsNumber: ("asn", "a BGP AS number 1-4294967295"),
}

#: Rule texts by key pattern, from every rule module that checks single keys.
RULE_MODULES = (networks, plane, nsx, flavors, tenants, vio_enforcement)


@dataclass(frozen=True)
class Row:
    key: str
    type: str
    default: str
    description: str
    rules: tuple[str, ...]


def _constraints(info: FieldInfo, inherited: tuple[Any, ...] = ()) -> list[str]:
    """The field's own limits; `inherited` are those its named type brings (explained in the legend)."""
    out = []
    seen = {repr(m) for m in inherited}
    for meta in info.metadata:
        if repr(meta) in seen:
            continue
        for attr, word in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<"),
                           ("min_length", "length >="), ("max_length", "length <=")):
            value = getattr(meta, attr, None)
            if value is not None:
                out.append(f"{word} {value}")
        pattern = getattr(meta, "pattern", None)
        if pattern:
            out.append(f"pattern `{pattern}`")
    return out


def _metadata(hint: Any) -> tuple[Any, ...]:
    """The constraints an `Annotated` alias carries (pydantic copies them onto the field)."""
    if typing.get_origin(hint) is not Annotated:
        return ()
    return tuple(m for f in typing.get_args(hint)[1:] if isinstance(f, FieldInfo) for m in f.metadata)


def _type_text(hint: Any) -> tuple[str, bool, Any]:
    """(text, optional, the model or list-of-model to descend into)."""
    if hint in TYPE_NAMES:
        return TYPE_NAMES[hint][0], False, None
    origin = typing.get_origin(hint)
    if origin is Annotated:
        base, *meta = typing.get_args(hint)
        text, optional, inner = _type_text(base)
        extra = _constraints(FieldInfo.merge_field_infos(*[m for m in meta if isinstance(m, FieldInfo)])) if any(
            isinstance(m, FieldInfo) for m in meta) else []
        return (f"{text} ({', '.join(extra)})" if extra else text), optional, inner
    if origin in (Union, UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        optional = len(args) < len(typing.get_args(hint))
        parts = [_type_text(a) for a in args]
        return " or ".join(p[0] for p in parts), optional, next((p[2] for p in parts if p[2]), None)
    if origin is Literal:
        return "one of " + ", ".join(f"`{a}`" for a in typing.get_args(hint)), False, None
    if origin is list:
        text, _, inner = _type_text(typing.get_args(hint)[0])
        return f"list of {text}", False, (list, inner) if inner else None
    if origin is dict:
        return "mapping of text to " + " or ".join(_type_text(a)[0] for a in typing.get_args(typing.get_args(hint)[1]) or
                                                   [typing.get_args(hint)[1]]), False, None
    if inspect.isclass(hint) and issubclass(hint, BaseModel):
        return "section", False, hint
    return getattr(hint, "__name__", str(hint)), False, None


def _default(info: FieldInfo, optional: bool) -> str:
    if info.is_required():
        return "**required**"
    value = info.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        return "(its defaults)"
    if value is None:
        return "unset"
    return f"`{json.dumps(value, default=str)}`"


def _doc(cls: type[BaseModel]) -> str:
    return " ".join((cls.__doc__ or "").split("\n\n")[0].split())


def _rows(model: type[BaseModel], prefix: str) -> Iterator[tuple[str, Any, FieldInfo]]:
    hints = typing.get_type_hints(model, include_extras=True)
    for attr, info in model.model_fields.items():
        key = f"{prefix}{to_camel(attr)}"
        yield key, hints[attr], info
        _, _, inner = _type_text(hints[attr])
        if isinstance(inner, tuple):
            yield from _rows(inner[1], f"{key}[*].")
        elif inner is not None:
            yield from _rows(inner, f"{key}.")


def _rules() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for module in RULE_MODULES:
        for pattern, text in module.CHECKS.items():
            out.setdefault(pattern, []).append(text)
    for pattern in ADDRESS_SPACES:
        out.setdefault(pattern, []).append("disjoint from every other address space of the stack")
    for pattern in HOST_ADDRESSES:
        out.setdefault(pattern, []).append("a host address: not the network or broadcast address of a space")
    return out


def rows(model: type[BaseModel] = Settings, tenant_stack: bool = False) -> list[Row]:
    """Every key of a stack's configuration with its type, default, description and rules."""
    rules = _rules()
    out = []
    for key, hint, info in _rows(model, ""):
        text, optional, inner = _type_text(hint)
        own = _constraints(info, _metadata(hint))
        text = f"{text} ({', '.join(own)})" if own else text
        described = info.description or (_doc(inner[1] if isinstance(inner, tuple) else inner) if inner else "")
        pattern = key.replace("tenant.", "tenants[*].", 1) if tenant_stack and key.startswith("tenant.") else key
        found = rules.get(pattern, [])
        if key.endswith("].name") or key.endswith("computeClusters"):
            found = [*found, "with its parents' names, never joins into another item's logical name"]
        out.append(Row(key, text + (" (optional)" if optional else ""), _default(info, optional), described,
                       tuple(found)))
    return out


def _table(rows_: list[Row]) -> list[str]:
    lines = ["| key | type | default | description | checked |", "|---|---|---|---|---|"]
    for r in rows_:
        cells = [f"`{r.key}`", r.type, r.default, r.description, "; ".join(r.rules)]
        lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    return lines


def markdown() -> str:
    """The whole page."""
    lines = [
        "# Configuration reference",
        "",
        "Generated by `python -m tools.config_docs` from the models in `components/config/` (field",
        "descriptions, section docstrings, each rule module's `CHECKS`); `tests/test_config_docs.py` holds",
        "this page equal to them. Keys are written under the stack file's namespace, e.g.",
        f"`{NAMESPACE}:managementNetwork` with `cidr` inside it is `managementNetwork.cidr` here; `[*]` is",
        "each item of a list. Every key is checked before any resource exists; an invalid stack exits 2",
        "naming each bad key ([configuration-errors.md](configuration-errors.md)).",
        "",
        "## Types",
        "",
        "| type | what it takes |",
        "|---|---|",
        *(f"| {name} | {what} |" for name, what in TYPE_NAMES.values()),
        "",
        "Types are strict: `vlan: true`, `port: \"443\"` or an address given as a number are errors.",
        "",
        f"## Secrets (`{NAMESPACE}:<key>`, set with `pulumi config set --secret`)",
        "",
        "| key | secret | description |",
        "|---|---|---|",
        *(f"| `{k}` | {'plain text allowed (public)' if k in PLAINTEXT_ALLOWED else 'yes'} | "
          f"{CREDENTIAL_DESCRIPTIONS[k]} |" for k in CREDENTIAL_KEYS),
        "",
        f"## Platform stack (`{NAMESPACE}:<key>`)",
        "",
        "Top-level keys: " + ", ".join(f"`{k}`" + ("" if not required else " (required)")
                                        for k, _, _, required in SECTIONS) + ".",
        "",
        *_table(rows()),
        "",
        f"## A tenant's own stack (`{TENANT_NAMESPACE}:<key>`, examples/tenant-stack)",
        "",
        "Top-level keys: " + ", ".join(f"`{k}`" for k, *_ in TENANT_STACK_SECTIONS) + "; secret: "
        + ", ".join(f"`{k}`" for k in TENANT_STACK_CREDENTIAL_KEYS) + ". `tenant` takes the keys of "
        "`tenants[*]` above, with the same rules.",
        "",
        *_table([r for r in rows(TenantStackSettings, tenant_stack=True) if not r.key.startswith("tenant.")]),
        "",
    ]
    return "\n".join(lines)
