"""`GET /policy/api/v1/search/query?query=...`: the subset of NSX's Lucene-like search syntax that
terraform-provider-nsxt v3.11.0 sends (nsxt/policy_search.go):

- terms joined by ` AND ` (buildPolicyResourcesQuery, policy_common.go buildQueryStringFromMap),
- `field:value`, the value's special characters backslash-escaped (escapeSpecialCharacters escapes
  `()[]+-=&|><!{}^~*?:/`; buildQueryStringFromMap escapes `/` in parent_path values),
- a trailing unescaped `*` for a prefix (`display_name:<name>*`, `path:\\/infra*`); `display_name:*` for
  any name (listPolicyResourcesByNameAndType with an empty name, as the edge node lookup by member index
  does: data_source_nsxt_policy_edge_node.go).

Anything else (OR, NOT, parentheses, ranges, quoted phrases) is answered 400 naming the term, so a
client relying on more of the syntax fails loudly instead of matching wrongly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sim.nsx.tree import ApiError, public


@dataclass(frozen=True)
class Term:
    field: str
    value: str
    prefix: bool

    def matches(self, obj: dict[str, Any]) -> bool:
        if self.field not in obj:
            return False
        actual = _text(obj[self.field])
        if self.prefix:
            return actual.startswith(self.value)
        return actual == self.value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _split_and(query: str) -> list[str]:
    return [t for t in re.split(r"\s+AND\s+", query.strip()) if t]


def parse(query: str) -> list[Term]:
    if not query.strip():
        raise ApiError(400, 60510, "query must not be empty")
    terms = []
    for raw in _split_and(query):
        if re.search(r"(^|\s)(OR|NOT)(\s|$)", raw) or raw.startswith(("(", '"', "+", "-")):
            raise ApiError(400, 60510, f"the simulator's search supports `field:value AND ...` only: {raw!r}")
        field, sep, rest = raw.partition(":")
        if not sep or not field or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", field):
            raise ApiError(400, 60510, f"search term {raw!r} is not field:value")
        value, prefix, i = [], False, 0
        while i < len(rest):
            ch = rest[i]
            if ch == "\\" and i + 1 < len(rest):
                value.append(rest[i + 1])
                i += 2
                continue
            if ch == "*" and i == len(rest) - 1:
                prefix = True
            elif ch in "*?" or ch.isspace():
                raise ApiError(400, 60510, f"unescaped {ch!r} inside the value of {raw!r}")
            else:
                value.append(ch)
            i += 1
        terms.append(Term(field, "".join(value), prefix))
    return terms


def run(query: str, objects: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    terms = parse(query)
    found = [public(o) for o in objects if all(t.matches(o) for t in terms)]
    return sorted(found, key=lambda o: str(o.get("path")))
