"""Rendering of results: a table for people, JSON for pipelines. Both carry no secret."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from preflight.checks import Result

_MARK = {"pass": "PASS", "fail": "FAIL", "skip": "SKIP"}


def table(results: Sequence[Result], width: int | None = None, header: Sequence[str] = ()) -> str:
    """`header` lines (what the run assumed, such as the stack state it read), then one row per result; a
    failure is followed by its fix, indented, so the table reads top-down."""
    width = width or shutil.get_terminal_size((120, 24)).columns
    cols = ("STATUS", "VCENTER", "CHECK", "WHERE")
    rows = [(_MARK[r.status], r.vcenter, r.check, r.where) for r in results]
    sizes = [max(len(c), *(len(row[i]) for row in rows)) if rows else len(c) for i, c in enumerate(cols)]
    indent = sum(sizes) + 2 * len(sizes)
    detail_width = max(30, width - indent)

    def line(cells: Sequence[str], detail: str) -> list[str]:
        head = "  ".join(c.ljust(s) for c, s in zip(cells, sizes, strict=True))
        wrapped = textwrap.wrap(detail, detail_width) or [""]
        return [f"{head}  {wrapped[0]}"] + [" " * indent + more for more in wrapped[1:]]

    out = [*header, ""] if header else []
    out += line(cols, "DETAIL")
    for row, result in zip(rows, results, strict=True):
        out += line(row, result.detail)
        if result.fix:
            out += [" " * indent + w for w in textwrap.wrap(f"fix: {result.fix}", detail_width)]
    failed = sum(r.status == "fail" for r in results)
    skipped = sum(r.status == "skip" for r in results)
    passed = len(results) - failed - skipped
    verdict = "ready for `pulumi up`" if failed == 0 and skipped == 0 else "NOT ready"
    out.append("")
    out.append(f"{passed} passed, {failed} failed, {skipped} not checked: {verdict}")
    return "\n".join(out)


def document(stack: str, ok: bool, results: Sequence[Result], extra: dict[str, Any]) -> dict[str, Any]:
    return {"stack": stack, "ok": ok, **extra, "results": [asdict(r) for r in results]}


def write_json(path: Path, doc: dict[str, Any]) -> None:
    path.write_text(json.dumps(doc, indent=2) + "\n")


class Progress:
    """The one writer of progress lines, shared by the threads that read the vCenters concurrently.

    Each line is formatted first and written whole, in a single `write` under a lock, so lines from two
    vCenters never interleave on one line whatever the stream does with a write. A message is kept to
    one line (a newline in an error text would otherwise split it). The stream is looked up at each
    write, so a caller (or a test) that swaps `sys.stderr` is honoured.
    """

    def __init__(self, started: float, quiet: bool = False) -> None:
        self._started = started
        self._quiet = quiet
        self._lock = threading.Lock()

    def __call__(self, message: str) -> None:
        if self._quiet:
            return
        one_line = " ".join(message.split("\n"))
        line = f"[{time.monotonic() - self._started:6.1f}s] {one_line}\n"
        with self._lock:
            sys.stderr.write(line)
            sys.stderr.flush()
