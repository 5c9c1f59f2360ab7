"""Credentials: only as secrets, never empty, of the right format; rules judged by length only."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from components.config.problems import NAMESPACE, Problem

#: What each credential is, written once: Pulumi.yaml's declarations are held equal to it
#: (tests/test_project_config.py) and docs/configuration.md is generated from it.
CREDENTIAL_DESCRIPTIONS: dict[str, str] = {
    "managementVcenterPassword": "Password of managementVcenter.username (pulumi config set --secret).",
    "resourceVcenterPassword": "Password of resourceVcenter.username (pulumi config set --secret).",
    "resourceVcenterThumbprint": "Thumbprint of the resource vCenter's certificate (colon-hex SHA-1 or "
    "SHA-256), for the NSX compute manager.",
    "nsxPassword": "Password of nsx.username (pulumi config set --secret).",
    "openstackPassword": "Password of openstack.username, VIO's OpenStack admin (pulumi config set --secret).",
    "bgpNeighborPassword": "MD5 password of the Tier-0's BGP sessions with the ToR neighbors (pulumi config "
    "set --secret).",
    "managerAdminPassword": "Password of the VIO Manager's admin account, the Public API login (pulumi config "
    "set --secret).",
    "nsxMetadataProxySecret": "Shared secret of NSX's metadata proxy and Nova's metadata API (pulumi config set "
    "--secret).",
}

#: Secret keys and what they unlock. Read with `Config.require_secret`: they only ever exist as secrets.
CREDENTIAL_KEYS: tuple[str, ...] = tuple(CREDENTIAL_DESCRIPTIONS)


#: Credential keys that may be written in plain text: a certificate thumbprint is what the server shows
#: every TLS client, so it protects nothing to encrypt it, and in plain text its format is checked offline
#: too. NSX still receives it as a secret (components/nsx_edge.py).
PLAINTEXT_ALLOWED: frozenset[str] = frozenset({"resourceVcenterThumbprint"})


def _thumbprint(value: str) -> bool:
    # NSX's UsernamePasswordLoginCredential.thumbprint: pattern ^(([0-9A-Fa-f]{2}[:])+([0-9A-Fa-f]{2}))?$
    # (https://developer.broadcom.com/xapis/nsx-t-data-center-rest-api/4.0.0/schemas_UsernamePasswordLoginCredential.html);
    # the hash is SHA-1 (20 bytes) or SHA-256 (32 bytes), what `openssl x509 -fingerprint` prints.
    parts = value.split(":")
    return len(parts) in (20, 32) and all(re.fullmatch(r"[0-9A-Fa-f]{2}", p) for p in parts)


#: Credentials with a format: (predicate, what is expected). Checked on the value the program receives.
CREDENTIAL_FORMATS: Mapping[str, tuple[Any, str]] = {
    "resourceVcenterThumbprint": (
        _thumbprint,
        "a SHA-1 or SHA-256 certificate thumbprint in colon-hex (20 or 32 bytes, e.g. AB:12:...); "
        "get it with `openssl s_client -connect <vcenter>:443 </dev/null | openssl x509 -noout "
        "-fingerprint -sha256`",
    ),
}


def credential_problems(
    credential_keys: Iterable[str],
    plaintext: Iterable[str] = (),
    values: Mapping[str, Any] | None = None,
    namespace: str = NAMESPACE,
) -> list[Problem]:
    """Credentials written in plain text (not `secure:`), empty, or of the wrong format. The message never
    contains the value: a password pasted in clear must not be printed again."""
    out: list[Problem] = []
    plaintext = set(plaintext)
    for key in credential_keys:
        fix = f"`pulumi config set --secret {namespace}:{key} ...`"
        if key in plaintext and key not in PLAINTEXT_ALLOWED:
            out.append(Problem(key, f"is written in plain text in the stack file (value not shown); it is a "
                                    f"credential: remove the line and set it with {fix}"))
        value = (values or {}).get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            out.append(Problem(key, f"is empty; set it with {fix}"))
        elif key in CREDENTIAL_FORMATS and not CREDENTIAL_FORMATS[key][0](value.strip()):
            out.append(Problem(key, f"is not {CREDENTIAL_FORMATS[key][1]} (value not shown)"))
    return out


#: NSX-T stores a BGP neighbor password of at most 32 characters: vmware/terraform-provider-nsxt v3.11.0
#: nsxt/resource_nsxt_policy_bgp_neighbor.go, "password" ValidateFunc StringLenBetween(0, 32).
BGP_PASSWORD_MAX = 32


def secret_problems(secret_lengths: Mapping[str, int]) -> list[Problem]:
    """Rules on secrets, judged by length only: a secret's value never reaches a message."""
    length = secret_lengths.get("bgpNeighborPassword")
    if length is not None and length > BGP_PASSWORD_MAX:
        return [Problem("bgpNeighborPassword", f"is {length} characters; NSX-T accepts a BGP neighbor password "
                        f"of at most {BGP_PASSWORD_MAX}. Set a shorter one with `pulumi config set --secret "
                        f"{NAMESPACE}:bgpNeighborPassword ...` (and on the peers)")]
    return []
