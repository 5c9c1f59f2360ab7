"""vcsim answers RetrievePropertiesEx in one page; a real vCenter pages big results. The paging loop is
checked here against a collector that pages."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from preflight.inventory import retrieve


class PagingCollector:
    def __init__(self, objects: list[str], page: int) -> None:
        self.pages = [objects[i : i + page] for i in range(0, len(objects), page)]
        self.calls: list[str] = []

    def _page(self, index: int) -> Any:
        token = str(index + 1) if index + 1 < len(self.pages) else None
        return SimpleNamespace(objects=self.pages[index], token=token)

    def RetrievePropertiesEx(self, specSet: Any, options: Any) -> Any:
        self.calls.append(f"first:{options.maxObjects}")
        return self._page(0)

    def ContinueRetrievePropertiesEx(self, token: str) -> Any:
        self.calls.append(f"continue:{token}")
        return self._page(int(token))


def test_retrieve_follows_continuation_tokens_to_the_last_page() -> None:
    objects = [f"vm-{i}" for i in range(25)]
    pc = PagingCollector(objects, page=10)
    assert list(retrieve(pc, spec=None, page_size=10)) == objects  # type: ignore[arg-type]
    assert pc.calls == ["first:10", "continue:1", "continue:2"]


def test_retrieve_of_an_empty_inventory_stops_after_one_call() -> None:
    pc = PagingCollector([], page=10)
    pc.pages = [[]]
    assert list(retrieve(pc, spec=None, page_size=10)) == []  # type: ignore[arg-type]
    assert pc.calls == ["first:10"]
