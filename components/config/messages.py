"""Pydantic's validation errors as config problems: the full key, the bad value (cut short), the fix."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from pydantic import TypeAdapter, ValidationError

from components.config.problems import Problem
from components.config.types import DVS_MOID_HOW, DVS_MOID_PATTERN, URL_PATTERN, VIO_VERSION_PATTERN

#: Location parts pydantic adds for the members of a union (`int | str`): not config keys.
_UNION_TAGS = frozenset({"list", "str", "int", "bool", "float", "none", "dict", "[key]"})


def _dotted(prefix: str, loc: tuple[int | str, ...]) -> str:
    key = prefix
    for part in loc:
        if isinstance(part, int):
            key += f"[{part}]"
        elif part.startswith(("function-", "json-or-python", "lax-or-strict")) or part in _UNION_TAGS:
            continue
        else:
            key += f".{part}" if key else part
    return key


#: The longest excerpt of a bad value a message shows: a pasted certificate or a whole YAML block is
#: cut, never echoed in full.
EXCERPT_CHARS = 60

_TYPE_NAMES = {
    "int_type": "an integer", "int_from_float": "an integer", "bool_type": "true or false",
    "string_type": "text", "float_type": "a number", "list_type": "a list", "dict_type": "a mapping",
    "model_type": "a mapping of keys", "model_attributes_type": "a mapping of keys",
}


def _excerpt(value: Any) -> str:
    """A short, single-line repr of a config value for messages."""
    if isinstance(value, str):  # spaces kept (they may be the problem), control characters escaped
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        text = str(value)
    else:
        text = " ".join(repr(value).split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 3] + "..."


def _what(value: Any) -> str:
    """How YAML spelt a value of the wrong type, so the message says what to change."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()} (YAML reads true/false/yes/no/on/off as booleans)"
    if isinstance(value, int | float):
        return f"the number {value} (quote it if it is meant as text)"
    if isinstance(value, str):
        return f"the text {_excerpt(value)!r}"
    if isinstance(value, list):
        return f"a list {_excerpt(value)}"
    if isinstance(value, dict):
        return f"a mapping {_excerpt(value)}"
    return _excerpt(value)


def _ipv6(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return ipaddress.ip_network(value, strict=False).version == 6
    except ValueError:
        return False


def _describe(error: Mapping[str, Any]) -> str:
    kind, value = error["type"], error.get("input")
    shown = _excerpt(value)
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return f"unknown key (value {shown!r}); check its spelling against docs/configuration.md"
    if kind in _TYPE_NAMES:
        return f"expected {_TYPE_NAMES[kind]}, got {_what(value)}"
    if kind.startswith(("ip_v4", "ip_any")) and _ipv6(value):
        return f"{shown} is IPv6; VIO's management and provider networks here are IPv4 only, use an IPv4 value"
    if kind == "ip_text" or (kind.startswith(("ip_v4", "ip_any")) and not isinstance(value, str)):
        return f"expected an IPv4 value as text, got {_what(value)}"
    if kind in {"ip_v4_address", "ip_any_address"}:
        return f"{shown} is not an IP address"
    if kind in {"ip_v4_network", "ip_any_network"}:
        if isinstance(value, str) and "/" in value:
            try:
                strict = ipaddress.ip_network(value, strict=False)
                return f"{value} has host bits set; did you mean {strict}?"
            except ValueError:
                pass
        return f"{shown} is not a network in CIDR form (e.g. 10.0.0.0/24)"
    if kind == "literal_error":
        return f"{shown!r} is not one of {error['ctx']['expected']}"
    if kind == "string_pattern_mismatch":
        if isinstance(value, str) and value != value.strip():
            return f"{shown!r} has leading or trailing whitespace; remove it"
        pattern = str((error.get("ctx") or {}).get("pattern", ""))
        if pattern == VIO_VERSION_PATTERN:
            return f"{shown!r} is not a VIO 7.x release; set e.g. 7.3.0 (only VIO 7's Public API is supported)"
        if pattern == DVS_MOID_PATTERN:
            return (f"{shown!r} is not a distributed switch managed object id (dvs-<number>, e.g. dvs-35; not its "
                    f"name or UUID): {DVS_MOID_HOW}")
        if pattern == URL_PATTERN:
            return f"{shown!r} is not an http(s) URL; set e.g. http://10.0.0.10:8775"
        if "a-z0-9" in pattern:
            return f"{shown!r} is not a valid name (lowercase letters, digits and '-', not at either end)"
        return f"{shown!r} is not a valid name (no '/', '\\' or control characters)"
    if kind == "value_error":
        return f"{shown!r}: {error.get('ctx', {}).get('error', error['msg'])!s}"
    if kind in {"greater_than_equal", "less_than_equal", "too_short", "too_long"}:
        return f"{shown!r}: {error['msg'].lower()}"
    return f"{shown!r}: {error['msg']}"


def parse_section(
    key: str, kind: Any, raw: Any, problems: list[Problem]
) -> Any:
    try:
        return TypeAdapter(kind).validate_python(raw)
    except ValidationError as exc:
        # A union (`int | str`) fails once per member: one problem per key, its expected types joined.
        expected: dict[str, list[str]] = {}
        for err in exc.errors():
            where = _dotted(key, err["loc"])
            if err["type"] in _TYPE_NAMES:
                if where not in expected:
                    expected[where] = []
                    problems.append(Problem(where, f"expected {{}}, got {_what(err.get('input'))}"))
                expected[where].append(_TYPE_NAMES[err["type"]])
            else:
                problems.append(Problem(where, _describe(err)))
        for i, problem in enumerate(problems):
            if problem.key in expected and problem.message.startswith("expected {}"):
                names = list(dict.fromkeys(expected[problem.key]))
                problems[i] = Problem(problem.key, problem.message.replace("{}", " or ".join(names), 1))
        return None
