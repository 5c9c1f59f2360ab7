"""The VIO Manager's Public API in the shape of sim/system.py, from a stack's settings: it listens on the
Manager's address (`managementNetwork.managerIp`, loopback in a simulated datacenter) and the stack's
`vio.api.port`, on wall-clock time, and is down (connection refused) until the Manager has booted:
`boot_seconds` after start and, with `powered_on`, once that says the Manager VM runs."""

from __future__ import annotations

from collections.abc import Callable

import trustme

from components.settings import Settings
from components.vio_client import Clock
from sim.tls_server import require_loopback
from sim.vio.model import Boot
from sim.vio.server import DEFAULT_PASSWORD, VioSimulator


def for_settings(settings: Settings, *, ca: trustme.CA | None = None, password: str | None = None,
                 boot_seconds: float = 0.0, powered_on: Callable[[], bool] | None = None,
                 deploy_seconds: float = 60.0, bind_stack_address: bool = True) -> VioSimulator:
    host, port = "127.0.0.1", 0
    if bind_stack_address:
        host = require_loopback(str(settings.management_network.manager_ip), "managementNetwork.managerIp")
        port = settings.vio.api.port
    return VioSimulator(
        password=password or DEFAULT_PASSWORD, clock=Clock(), deploy_seconds=deploy_seconds,
        scale_seconds=min(deploy_seconds, 30.0), boot=Boot(seconds=boot_seconds, powered_on=powered_on),
        ca=ca, host=host, port=port,
    )
