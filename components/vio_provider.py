"""What every VIO Public API dynamic provider shares: check, diff, refresh merging, the client per operation.

Pulumi facts relied on (pulumi/pulumi sdk/python/lib/pulumi/dynamic/__main__.py, the provider host):
- Check and Diff deserialize with `keep_unknowns=True`: unknown inputs arrive as `pulumi.output.Unknown`
  objects, an unknown secret as a secret around None (components/vio_schema.py). check returns the inputs
  it got (the host serializes `Unknown` back as the unknown sentinel); diff reports a change it cannot
  know as a change, never fails.
- The engine hands the inputs `check` returns to the policy pack's analyzers (pulumi/pulumi
  pkg/resource/deploy/step_generator.go: `new.Inputs = inputs` after Check, then `AnalyzerResource{...
  Properties: inputs}`): check records in `pending_replacement` the changes that would replace the object,
  and the `vio-rebuild-intended` policy fails such a preview unless `rebuild_intended` is set.
- Create must leave nothing behind when it raises (`ResourceProvider.create` docstring): each provider
  removes what it created before re-raising.
- The provider object is pickled into the state by reference to its class (dill, `serialize_provider` in
  sdk/python/lib/pulumi/dynamic/dynamic.py): the classes live in this installed package and keep nothing
  an operation learns (client, token, password) on the instance.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, ClassVar

import pulumi
import pulumi.dynamic as dynamic

from components import vio_client as vc
from components.vio_day2 import under
from components.vio_schema import is_unknown, plain, validate_body

#: Inputs the providers keep in their state but never send: changing them is an update without an API call.
BOOKKEEPING = ("pending_replacement", "rebuild_intended", "waits_for")


def progress(message: str) -> None:
    vc.log.info(message)
    pulumi.log.info(message)


def warn(message: str) -> None:
    vc.log.warning(message)
    pulumi.log.warn(message)


def known(value: Any) -> bool:
    return not is_unknown(value)


class VioProvider(dynamic.ResourceProvider):
    """Common check/diff/endpoint handling. Subclasses hold class-level constants only."""

    kind: ClassVar[str] = ""
    #: Body fields (dotted, `[]` for any index) whose change forces a new object.
    replace_fields: ClassVar[tuple[str, ...]] = ()
    #: Body fields under a replace field that do not replace.
    replace_except: ClassVar[tuple[str, ...]] = ()
    #: Inputs (top level) whose change forces a new object.
    replace_inputs: ClassVar[tuple[str, ...]] = ("api_host", "api_port")
    #: Outputs the provider computes (never compared as inputs).
    output_keys: ClassVar[tuple[str, ...]] = ()

    # ---- check ----
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> dynamic.CheckResult:
        problems = self._endpoint_problems(news) + self._problems(news)
        failures = [dynamic.CheckFailure(field, reason) for field, reason in problems]
        inputs = dict(news)
        if olds and not problems:
            inputs["pending_replacement"] = self.replacements(olds, news)
        return dynamic.CheckResult(inputs, failures)

    def replacements(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
        """What in `news` would replace the object made from `olds`, each with why (known values only)."""
        o, n = plain(olds), plain(news)
        out = [f"{key}: {o.get(key)!r} -> {n.get(key)!r}" for key in self.replace_inputs
               if key in o and known(n.get(key)) and not _has_unknown(n.get(key)) and o.get(key) != n.get(key)]
        for path in changed_paths(o.get("body") or {}, n.get("body") or {}):
            if self.forces_replacement(path) and not _has_unknown(value_at(n.get("body"), path)):
                out.append(f"body.{path}: {self.replacement_reason(path)}")
        return out

    def replacement_reason(self, path: str) -> str:
        return "cannot be changed on the existing object"

    def _endpoint_problems(self, news: Mapping[str, Any]) -> list[tuple[str, str]]:
        p = plain(news)
        out: list[tuple[str, str]] = []
        for key in ("api_host", "api_username", "api_password"):
            value = p.get(key)
            if known(value) and (not isinstance(value, str) or not value.strip()):
                out.append((key, f"{key} must be a non-empty string (the VIO Manager's address and API login)"))
        port = p.get("api_port")
        if known(port) and (isinstance(port, bool) or not isinstance(port, int | float) or not 0 < port < 65536):
            out.append(("api_port", f"api_port {port!r} is not a TCP port (1-65535)"))
        for key in ("timeout", "boot_timeout"):
            value = p.get(key)
            if value is None and key == "boot_timeout":
                continue
            if known(value) and (isinstance(value, bool) or not isinstance(value, int | float) or value < 0
                                 or (key == "timeout" and value == 0)):
                out.append((key, f"{key} {value!r} must be a positive number of seconds"))
        if known(p.get("insecure")) and not isinstance(p.get("insecure"), bool):
            out.append(("insecure", "insecure must be true or false"))
        for key in ("rebuild_intended",):
            if p.get(key) is not None and known(p.get(key)) and not isinstance(p.get(key), bool):
                out.append((key, f"{key} must be true or false"))
        ca = p.get("ca_bundle")
        if ca is not None and known(ca) and (not isinstance(ca, str) or "BEGIN CERTIFICATE" not in ca):
            out.append(("ca_bundle", "ca_bundle must be PEM text (-----BEGIN CERTIFICATE-----...), or null"))
        return out

    def _problems(self, news: Mapping[str, Any]) -> list[tuple[str, str]]:
        body = news.get("body")
        if is_unknown(body):
            return []
        return [(f"body.{_field_of(msg)}", msg) for msg in validate_body(self.kind, body or {})]

    # ---- diff ----
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dynamic.DiffResult:
        o, n = plain(olds), plain(news)
        replaces: list[str] = []
        changed = False
        for key in set(o) | set(n):
            if key.startswith("__") or key in self.output_keys or key == "body" or key in BOOKKEEPING:
                continue
            if is_unknown(n.get(key)) or o.get(key) != n.get(key):  # an unknown new value may change
                changed = True
                if key in self.replace_inputs:
                    replaces.append(key)
        if is_unknown(n.get("body")):
            changed = True
            replaces += ["body"] if self.replace_fields else []
        else:
            body_changes = changed_paths(o.get("body") or {}, n.get("body") or {})
            if body_changes:
                changed = True
                if any(self.forces_replacement(path) for path in body_changes):
                    replaces.append("body")
        return dynamic.DiffResult(
            changes=changed, replaces=sorted(set(replaces)), delete_before_replace=bool(replaces)
        )

    def forces_replacement(self, path: str) -> bool:
        if any(under(path, rule) for rule in self.replace_except):
            return False
        return any(under(path, rule) for rule in self.replace_fields)

    # ---- plumbing ----
    @staticmethod
    def client(props: Mapping[str, Any], scrub: list[str], *, first_contact: bool = False) -> vc.VioClient:
        """A client for one operation. `first_contact` (creates): wait up to `boot_timeout` for a Manager
        whose API is still starting."""
        p = plain(props)
        endpoint = vc.Endpoint(
            host=str(p["api_host"]),
            port=int(p.get("api_port") or 443),
            username=str(p["api_username"]),
            insecure=bool(p.get("insecure")),
            ca_bundle=p.get("ca_bundle"),
            timeout=float(p.get("timeout") or 30.0),
            boot_timeout=float(p.get("boot_timeout") or 0.0) if first_contact else 0.0,
        )
        return vc.VioClient(endpoint, str(p["api_password"]), scrub, progress=progress)

    def scrub_list(self, props: Mapping[str, Any]) -> list[str]:
        return vc.secret_values(self.kind, plain(props.get("body") or {}))


def _field_of(message: str) -> str:
    return message.split(":", 1)[0]


def _has_unknown(value: Any) -> bool:
    return vc.has_unknown(value)


def value_at(body: Any, path: str) -> Any:
    node = body
    for part in path.replace("[", ".[").split("."):
        if not part:
            continue
        if part.startswith("["):
            index = int(part[1:-1])
            node = node[index] if isinstance(node, list) and index < len(node) else None
        else:
            node = node.get(part) if isinstance(node, Mapping) else None
    return node


def changed_paths(old: Any, new: Any, prefix: str = "") -> list[str]:
    """Dotted paths where `new` differs from `old` (unknown new values count as changes)."""
    if is_unknown(new):
        return [prefix.rstrip(".")]
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        out: list[str] = []
        for key in sorted(set(old) | set(new)):
            out += changed_paths(old.get(key), new.get(key), f"{prefix}{key}.")
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        out = []
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            out += changed_paths(a, b, f"{prefix.rstrip('.')}[{i}].")
        return out
    return [] if old == new else [prefix.rstrip(".")]


def same(ours: Any, reported: Any) -> bool:
    """`reported` says what we set, as a Manager may write it: equal, equal ignoring case (host names),
    or the same number (JSON and protobuf Struct do not keep int vs float)."""
    if ours == reported:
        return True
    if isinstance(ours, str) and isinstance(reported, str):
        return ours.casefold() == reported.casefold()
    if isinstance(ours, int | float) and isinstance(reported, int | float) and not isinstance(ours, bool):
        return float(ours) == float(reported)
    return False


def merge_reported(ours: Any, reported: Any, secrets: tuple[str, ...] = (), prefix: str = "") -> Any:
    """The state's body, with the Manager's value only where it reports something *different* from what we
    set (drift in what we manage). Never copied: credentials (`secrets`, dotted), fields the Manager adds
    (defaults, ids, timestamps), reformatted values `same` accepts. A list of another length is taken
    from the Manager, each item reduced to the keys our items have (a compute cluster added or removed
    behind our back shows as such)."""
    if prefix.rstrip(".") in secrets:
        return copy.deepcopy(ours)
    if isinstance(ours, Mapping) and isinstance(reported, Mapping):
        return {k: merge_reported(v, reported[k], secrets, f"{prefix}{k}.") if k in reported else copy.deepcopy(v)
                for k, v in ours.items()}
    if isinstance(ours, list) and isinstance(reported, list):
        if len(ours) == len(reported):
            return [merge_reported(a, b, secrets, prefix) for a, b in zip(ours, reported, strict=True)]
        keys = {k for item in ours if isinstance(item, Mapping) for k in item}
        if keys and all(isinstance(item, Mapping) for item in reported):
            return [{k: copy.deepcopy(item[k]) for k in sorted(keys) if k in item} for item in reported]
        return copy.deepcopy(reported)
    return copy.deepcopy(ours) if same(ours, reported) else copy.deepcopy(reported)


def outs(props: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    out = {k: v for k, v in plain(props).items() if not k.startswith("__")}
    out.update(extra)
    return out
