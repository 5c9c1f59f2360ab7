"""Command line: settings in, inventories, checks, report out. Exit 0 only when every check passes."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from components.settings import ConfigError
from preflight import checks, report, stack
from preflight.inventory import ConnectOptions, Endpoint, Inventory, RoundTripCounter, VcenterError, collect

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    env = os.environ.get
    p = argparse.ArgumentParser(
        prog="python -m preflight",
        description="Check that the stack's vCenters can take the deployment, before `pulumi up`.",
    )
    p.add_argument("--stack", required=True, help="stack name: reads Pulumi.<stack>.yaml")
    p.add_argument("--project-dir", type=Path, default=Path(env("VIONFV_PROJECT_DIR", ".")),
                   help="directory holding Pulumi.<stack>.yaml (default: current directory)")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON to FILE")
    p.add_argument("--timeout", type=float, default=float(env("VIONFV_PREFLIGHT_TIMEOUT", "30")),
                   help="seconds to wait for each connection and each vCenter answer (default 30, "
                        "env VIONFV_PREFLIGHT_TIMEOUT)")
    p.add_argument("--ca-bundle", default=env("VIONFV_CA_BUNDLE"),
                   help="PEM file of CAs that sign the vCenter certificates (default: system store, "
                        "env VIONFV_CA_BUNDLE)")
    p.add_argument("--margin", type=float, default=float(env("VIONFV_PREFLIGHT_MARGIN", "0.2")),
                   help="headroom required on top of the plane's sizing, as a fraction (default 0.2)")
    p.add_argument("--protocol", choices=("https", "http"), default=env("VIONFV_PREFLIGHT_PROTOCOL", "https"),
                   help=argparse.SUPPRESS)  # http: the simulator only
    p.add_argument("--page-size", type=int, default=10_000, help=argparse.SUPPRESS)
    p.add_argument("--no-pulumi-cli", action="store_true",
                   help="take passwords from the environment only, never from `pulumi config get`")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return p


def endpoints(settings: stack.config.Settings, passwords: dict[str, str]) -> tuple[Endpoint, Endpoint]:
    m, r = settings.management_vcenter, settings.resource_vcenter
    return (
        Endpoint("management", "managementVcenter", m.server, m.port, m.username,
                 passwords["managementVcenterPassword"], m.allow_unverified_ssl),
        Endpoint("resource", "resourceVcenter", r.server, r.port, r.username,
                 passwords["resourceVcenterPassword"], r.allow_unverified_ssl),
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    started = time.monotonic()

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"[{time.monotonic() - started:6.1f}s] {message}", file=sys.stderr, flush=True)

    try:
        loaded = stack.load(args.stack, args.project_dir, use_pulumi_cli=not args.no_pulumi_cli)
    except ConfigError as exc:
        print(f"preflight: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except stack.StackError as exc:
        print(f"preflight: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.ca_bundle and not Path(args.ca_bundle).is_file():
        print(f"preflight: --ca-bundle {args.ca_bundle}: no such file", file=sys.stderr)
        return EXIT_USAGE

    settings = loaded.settings
    options = ConnectOptions(timeout=args.timeout, ca_bundle=args.ca_bundle, protocol=args.protocol,
                             page_size=args.page_size)
    mgmt, res = endpoints(settings, loaded.passwords)
    progress(f"stack {args.stack}: {settings.topology} topology, {settings.pod_layout}")

    def inventory(endpoint: Endpoint) -> Inventory | VcenterError:
        try:
            return collect(endpoint, options, RoundTripCounter(), progress)
        except VcenterError as exc:
            progress(exc.message)
            return exc

    # Both vCenters at once: a dead one then costs one timeout, not two in a row.
    same = (mgmt.server, mgmt.port, mgmt.username) == (res.server, res.port, res.username)
    with ThreadPoolExecutor(max_workers=2) as pool:
        mgmt_future = pool.submit(inventory, mgmt)
        res_result = mgmt_future.result() if same else pool.submit(inventory, res).result()
        mgmt_result = mgmt_future.result()

    need = checks.demand(settings)
    results: list[checks.Result] = []
    found: list[tuple[Endpoint, Inventory]] = []
    for endpoint, outcome in ((mgmt, mgmt_result), (res, res_result)):
        if isinstance(outcome, VcenterError):
            results.append(checks.reachability(endpoint, None, outcome))
            continue
        results.append(checks.reachability(endpoint, outcome, None))
        found.append((endpoint, outcome))
        if endpoint is mgmt:
            results += checks.management(settings, endpoint, outcome, need, args.margin)
        else:
            results += checks.resource(settings, endpoint, outcome)
    if len(found) == 2:
        results += checks.addresses(settings, need, found)
    else:
        results.append(checks.Result("both", "ip free", "skip", "not checked: a vCenter is unreachable",
                                     str(settings.management_network.cidr)))

    ok = all(r.status == "pass" for r in results)
    elapsed = time.monotonic() - started
    print(report.table(results))
    if args.json:
        extra = {
            "elapsed_s": round(elapsed, 3),
            "round_trips": {e.role: inv.round_trips for e, inv in found},
            "vcenters": {e.role: {"address": e.address, "version": inv.version} for e, inv in found},
        }
        report.write_json(args.json, report.document(args.stack, ok, results, extra))
    progress(f"done in {elapsed:.1f}s")
    return EXIT_OK if ok else EXIT_FAILED
