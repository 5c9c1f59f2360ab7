"""How `prod` evaluation time grows with the number of tenants, against a bare program of equal size.

Run: PYTHONPATH=. .venv/bin/python -m benchmarks.tenant_scale_bench [counts...]   (default 1 10 50 200)

For each count, `prod` gets that many full-featured tenants (noNat networks on a routable pool behind a
no-SNAT router, a floating IP, security groups, FWaaS, static route, a load balancer) and is evaluated under the harness mocks; then a bare program
registering the same number of plain resources runs in the same process with the same mocks. The ratio
is the cost of the real program (components, validation, lookups, Output plumbing) per registration.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from offline.evaluate import evaluate, stack_config

BARE = '''
import pulumi
from pulumi import CustomResource

count = int(pulumi.Config("bench").require("count"))
for i in range(count):
    CustomResource("bench:index:Thing", f"thing-{i}", {"index": i})
'''


def tenant(i: int) -> dict[str, Any]:
    """A full-featured tenant with two /24s unique to `i` (172.16.0.0/12 holds 2048 of them)."""
    a, b = (f"172.{16 + (2 * i) // 256}.{(2 * i + k) % 256}" for k in (0, 1))
    return {
        "name": f"t{i:03d}",
        "roleAssignments": [{"group": f"t{i:03d}-ops", "role": "member"}],
        "networks": [
            {"name": "core", "cidr": f"{a}.0/24", "noNat": True,
             "allocationPools": [{"start": f"{a}.100", "end": f"{a}.200"}]},
            {"name": "access", "cidr": f"{b}.0/24", "noNat": True},
        ],
        "router": {"snat": False, "routes": [{"name": "ran", "destination": "10.40.0.0/16", "nextHop": f"{a}.254"}]},
        "floatingIps": [{"name": "svc", "network": "access", "address": f"{b}.10"}],
        "securityGroups": [{"name": "svc", "rules": [
            {"name": "sip", "direction": "ingress", "protocol": "udp", "ports": 5060, "remoteCidr": "10.40.0.0/16"},
            {"name": "intra", "direction": "ingress", "protocol": "any", "remoteGroup": "svc"}]}],
        "firewall": {"ingress": [{"name": "sip", "action": "allow", "protocol": "udp", "destinationPorts": 5060},
                                 {"name": "rest", "action": "deny"}],
                     "egress": [{"name": "all", "action": "allow"}]},
        "loadBalancers": [{"name": "svc", "network": "core", "listeners": [{
            "name": "tcp", "protocol": "TCP", "port": 8080,
            "members": [{"name": "m1", "address": f"{a}.11", "port": 8080}, {"name": "m2", "address": f"{a}.12", "port": 8080}],
            "monitor": {"type": "TCP"}}]}],
    }


def run(counts: list[int]) -> list[tuple[int, int, float, float]]:
    base = stack_config("prod")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "__main__.py"
        bare.write_text(BARE)
        # Warm-up: imports and the SDK's first-use costs are not part of either side's figure.
        evaluate("prod", config=base)
        evaluate("bench", program=bare, project="bench", config={"bench:count": "10"})
        for n in counts:
            config = {**base, "vio-nfv:tenants": [tenant(i) for i in range(n)]}
            started = time.perf_counter()
            prod = evaluate("prod", config=config)
            prod_s = time.perf_counter() - started
            if prod.error is not None:
                raise SystemExit(f"prod with {n} tenants failed: {prod.error}")
            count = len(prod.resources)
            started = time.perf_counter()
            plain = evaluate("bench", program=bare, project="bench", config={"bench:count": str(count)})
            bare_s = time.perf_counter() - started
            if plain.error is not None or len(plain.resources) != count:
                raise SystemExit(f"bare program failed: {plain.error} ({len(plain.resources)}/{count})")
            rows.append((n, count, prod_s, bare_s))
            print(f"{n:>7} {count:>9} {prod_s:>9.2f} {bare_s:>9.2f} {prod_s / bare_s:>7.2f}x "
                  f"{1000 * prod_s / count:>8.1f} {1000 * bare_s / count:>8.1f}", flush=True)
    return rows


def main(argv: list[str]) -> None:
    counts = [int(a) for a in argv] or [1, 10, 50, 200]
    print(f"{'tenants':>7} {'resources':>9} {'prod s':>9} {'bare s':>9} {'ratio':>8} {'ms/res':>8} {'bare ms':>8}")
    run(counts)


if __name__ == "__main__":
    main(sys.argv[1:])
