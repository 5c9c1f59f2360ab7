"""Polling a VIO deployment: status calls and readiness delay for deployments of 1 to 60 simulated minutes.

Run: PYTHONPATH=. python -m benchmarks.vio_poll_bench [--minutes 1 5 15 30 60]

Each row creates an HA deployment (3 controllers, every service >= 2 ready) against the VIO API simulator
on a scaled clock (sim/vio): the deployment becomes ready `minutes` after its POST; the provider's create
polls the status (GET /api/v2/status) until it sees it. Printed per duration: the status calls made, their rate per
10 s of simulated time, and the delay between "ready" and the provider noticing. Targets (issue 9):
<= 1 status call per 10 s on average, noticed within 30 s. A fixed 10 s poll is shown beside it for
comparison (it meets the rate exactly, with 2.5x the calls of the provider's schedule for an hour).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import pulumi

from components import vio_client as vc
from components.vio_deployment import DeploymentProvider
from sim.vio import VioSimulator

RATE_TARGET = 1.0  # status calls per 10 s
DELAY_TARGET = 30.0  # seconds between ready and noticed


def body() -> dict[str, object]:
    return {
        "name": "vio-bench", "ha_enabled": True, "ip_access_enabled": False,
        "endpoints": {"hostname": "vio.example", "private_vip": "10.1.0.10", "public_vip": "10.2.0.10"},
        "management_cluster": {"datacenter": "dc", "datastore": "ds", "resourcepool": "rp"},
        "networks": [{"type": "management", "name": "mgmt", "netmask": "255.255.255.0", "gateway": "10.1.0.1",
                      "ip_ranges": [{"begin_ip": "10.1.0.30", "end_ip": "10.1.0.69"}]}],
        "openstack_info": {
            "compute": {"compute_clusters": [{"availability_zone_name": "az1", "cluster_name": "c1",
                                              "datastore_regex": ".*", "vcenter_name": "vc"}],
                        "default_availability_zone_name": "az1", "passthrough": False, "tenant_vdc": False},
            "identity": {"admin_domain_name": "Default", "admin_user": "admin", "admin_password": "bench"},
            "neutron": {"neutron_backend": "nsxp"},
        },
    }


class FixedPoll(DeploymentProvider):
    """The naive comparison: one status read every 10 s."""

    poll_cap = 10.0
    poll_growth = 1.0


#: Readiness lands at these offsets (s) past the whole minute: the worst of them is the delay reported.
OFFSETS = (0.0, 4.0, 9.0, 13.0, 17.0, 21.0, 24.5)


def run(minutes: float, provider: DeploymentProvider, offset: float = 0.0) -> tuple[int, float, float]:
    """(status calls, calls per 10 s, seconds from ready to noticed) for one deployment."""
    clock = vc.ManualClock()
    previous = vc.set_clock(clock)
    try:
        with VioSimulator(password="bench-pw", clock=clock, deploy_seconds=minutes * 60 + offset) as sim:
            # The vCenter the compute cluster names (`vcenter_name`: its hostname) is registered first.
            sim.vcenters["vc"] = {"name": "vc", "hostname": "vc", "username": "u", "password": "cA==",
                                  "insecure": True, "is_management": False}
            props = {
                "api_host": "127.0.0.1", "api_port": sim.port, "api_username": "admin",
                "api_password": "bench-pw", "insecure": False, "ca_bundle": sim.ca_pem, "timeout": 5.0,
                "body": body(), "controllers": 3, "min_ready_replicas": 2, "deploy_timeout": 7200.0,
                "poll_interval": 10.0, "delete_on_destroy": False,
            }
            provider.create(props)
            cluster = sim.clusters["vio-bench"]
            calls = len(cluster.status_calls)
            elapsed = cluster.status_calls[-1] - cluster.created
            assert cluster.ready_at is not None
            noticed = cluster.status_calls[-1] - cluster.ready_at
            return calls, calls / (elapsed / 10.0), noticed
    finally:
        vc.set_clock(previous)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, nargs="+", default=[1, 5, 15, 30, 60])
    args = parser.parse_args(argv)
    pulumi.log.info = lambda *a, **k: None  # type: ignore[assignment]  # progress lines off for the table
    print(f"{'deployment':>11} | {'status calls':>12} | {'calls/10 s':>10} | {'noticed after (worst)':>21} | "
          f"{'fixed 10 s: calls':>17} | {'calls/10 s':>10} | {'noticed (worst)':>15}")
    ok = True
    provider, fixed = DeploymentProvider(), FixedPoll()
    for minutes in args.minutes:
        runs = [run(minutes, provider, offset) for offset in OFFSETS]
        fixed_runs = [run(minutes, fixed, offset) for offset in OFFSETS]
        calls = max(r[0] for r in runs)
        rate = max(r[1] for r in runs)
        delay = max(r[2] for r in runs)
        ok &= rate <= RATE_TARGET and delay <= DELAY_TARGET
        print(f"{minutes:>8g} min | {calls:>12} | {rate:>10.2f} | {delay:>19.1f} s | "
              f"{max(r[0] for r in fixed_runs):>17} | {max(r[1] for r in fixed_runs):>10.2f} | "
              f"{max(r[2] for r in fixed_runs):>13.1f} s")
    print(f"(worst of readiness at {len(OFFSETS)} offsets within a poll period; rates are status calls over "
          "the simulated time from POST to the last call)")
    print(f"targets: <= {RATE_TARGET:g} status call per 10 s on average, noticed within {DELAY_TARGET:g} s: "
          + ("met" if ok else "NOT met"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
