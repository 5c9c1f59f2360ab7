"""What the tests do through pyvmomi the way terraform-provider-vsphere does it through govmomi."""

from __future__ import annotations

import time
from typing import Any

from pyVmomi import vim

#: The management engine's boot delay in these tests: long enough to see the guest without an address.
BOOT_DELAY_MS = 1500


def find(si: Any, path: str) -> Any:
    return si.content.searchIndex.FindByInventoryPath(path)


def wait(task: Any) -> Any:
    deadline = time.monotonic() + 30
    while task.info.state not in (vim.TaskInfo.State.success, vim.TaskInfo.State.error):
        assert time.monotonic() < deadline, f"task {task} did not finish"
        time.sleep(0.05)
    if task.info.state == vim.TaskInfo.State.error:
        raise task.info.error
    return task.info.result

