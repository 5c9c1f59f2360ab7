"""Reading the offline plan written by `python -m offline <stack> --plan FILE`.

Shared by the plan diff and the diagram, so both refuse a file that is not a plan in the same words.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class PlanError(ValueError):
    """The file is missing, not JSON, or not a plan; the message says which file and why."""


def urn_type(urn: str) -> str:
    """The resource's own type from a URN (`...::<parent types>$<type>::<name>`)."""
    try:
        chain = urn.split("::")[-2]
    except IndexError:
        return ""
    return chain.split("$")[-1]


def load_plan(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise PlanError(f"{path}: cannot read the plan ({exc.strerror or exc})") from None
    try:
        plan = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError(f"{path}: not JSON (line {exc.lineno}: {exc.msg}); write the plan with "
                        "`python -m offline <stack> --plan FILE`") from None
    return check_plan(plan, str(path))


def check_plan(plan: Any, where: str = "plan") -> dict[str, Any]:
    if not isinstance(plan, dict) or not isinstance(plan.get("resources"), list):
        raise PlanError(f"{where}: not a plan: expected an object with a `resources` list, as written by "
                        "`python -m offline <stack> --plan FILE`")
    for i, res in enumerate(plan["resources"]):
        missing = [k for k in ("type", "name", "urn") if not isinstance(res, dict) or k not in res]
        if missing:
            raise PlanError(f"{where}: resources[{i}] lacks {', '.join(missing)}")
    if not isinstance(plan.get("outputs", {}), dict):
        raise PlanError(f"{where}: `outputs` must be an object")
    return plan
