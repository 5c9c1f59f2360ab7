"""`python -m sim up|down|status --stack NAME [--no-openstack] [--vio-boot manager-vm|SECONDS]`: the simulated
datacenter of Pulumi.<NAME>.yaml (sim/datacenter.py). Exit codes: 0 done / running, 1 a simulator failed to
start, 2 the stack file is invalid or an address is not loopback, 3 (status) not running or partly down."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from components.settings import ConfigError
from offline.stack_file import StackFileError
from sim import datacenter


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m sim", description=__doc__.split("\n")[0])
    p.add_argument("command", choices=("up", "down", "status"))
    p.add_argument("--stack", default="sim", help="stack name: Pulumi.<stack>.yaml in --project-dir (default sim)")
    p.add_argument("--project-dir", type=Path, default=datacenter.ROOT)
    p.add_argument("--state-dir", type=Path, help=f"default {datacenter.STATE_ROOT}/<stack> (outside the checkout)")
    p.add_argument("--no-openstack", action="store_true", help="skip the real OpenStack services (minutes)")
    p.add_argument("--vio-boot", default="manager-vm",
                   help="when the VIO API comes up: `manager-vm` (once the Manager VM runs in the management "
                        "vCenter) or a delay in seconds")
    p.add_argument("--json", action="store_true", help="status: as JSON")
    args = p.parse_args(argv)
    if args.vio_boot != "manager-vm":
        try:
            float(args.vio_boot)
        except ValueError:
            p.error(f"--vio-boot {args.vio_boot!r}: give `manager-vm` or a number of seconds")
    stack_path = args.project_dir / f"Pulumi.{args.stack}.yaml"
    directory = args.state_dir or datacenter.state_dir(args.stack)
    if args.command == "up":
        try:
            state = datacenter.up(stack_path, directory, openstack=not args.no_openstack, vio_boot=args.vio_boot)
        except (ConfigError, StackFileError, ValueError, FileNotFoundError) as e:
            print(f"error: {stack_path}: {e}", file=sys.stderr)
            return 2
        except datacenter.DatacenterError as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        _print(state)
        print(f"credentials (random for this run): {state['secrets']}")
        print(f"stop it all: python -m sim down --stack {args.stack}" + (
            f" --state-dir {args.state_dir}" if args.state_dir else ""))
        return 0
    if args.command == "down":
        return 1 if datacenter.down(directory) else 0
    report = datacenter.status(directory)
    if args.json:
        print(json.dumps(report, indent=1))
    elif not report["processes"]:
        print("nothing running")
    else:
        for name, proc in report["processes"].items():
            print(f"{name:22} {'running' if proc['alive'] else 'STOPPED'} (pid {proc['pid']})")
        _print(report)
        outside = [s for s in report["sockets"] if not s["loopback"]]
        listening = sorted({s["local"] for s in report["sockets"] if s["listening"]})
        print(f"listening on: {', '.join(listening)}")
        if outside:
            print(f"NOT LOOPBACK: {outside}")
    return 0 if report["running"] and report["processes"] else 3


def _print(state: dict[str, object]) -> None:
    endpoints = state.get("endpoints") or {}
    assert isinstance(endpoints, dict)
    for name, e in endpoints.items():
        print(f"{name:22} {e['url']}  user {e['user']}")
    print(f"CA (every TLS endpoint): {state.get('ca')}")


if __name__ == "__main__":
    sys.exit(main())
