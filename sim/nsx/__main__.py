"""Run the NSX simulator as a process, seeded from a stack file, for runs outside pytest (a real Pulumi
engine or Terraform pointed at it):

    python -m sim.nsx --stack Pulumi.prod.yaml [--edge-nodes N] [--ca-file ca.pem]

Prints one JSON line {address, port, user, password, ca_file} on stdout, then serves on 127.0.0.1 until
stdin closes (as sim/vcsim's main does), so the parent controls its lifetime.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from sim.nsx.seed import for_stack


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m sim.nsx", description=__doc__.split("\n\n")[0])
    p.add_argument("--stack", type=Path, required=True, help="stack file to seed from (Pulumi.<stack>.yaml)")
    p.add_argument("--edge-nodes", type=int, help="edge nodes in the cluster (default: enough for the Tier-0)")
    p.add_argument("--ca-file", type=Path, help="where to write the test CA (default: a temporary file)")
    args = p.parse_args(argv)
    sim = for_stack(args.stack, edge_nodes=args.edge_nodes)
    ca_file = args.ca_file or Path(tempfile.mkstemp(prefix="nsx-sim-ca-", suffix=".pem")[1])
    ca_file.write_text(sim.ca_pem)
    print(json.dumps({"address": sim.address, "port": sim.port, "user": sim.user, "password": sim.password,
                      "ca_file": str(ca_file)}), flush=True)
    try:
        sys.stdin.read()
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
