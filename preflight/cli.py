"""Command line: settings in, inventories, checks, report out. Exit 0 only when every check passes.

`--timeout` is the budget of the whole run, from the start of `main` to the report: both vCenters are
read concurrently, each in its own thread, and at the deadline whatever is still being read is stopped
(`inventory.Watch`) and reported as not answered, its checks as SKIP, next to everything that was
checked. A socket timeout alone cannot give that bound: an endpoint trickling a byte a second never
lets a read time out.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from components.settings import ConfigError
from preflight import addresses, checks, report, stack, state, tls
from preflight.inventory import (
    ConnectOptions,
    Endpoint,
    Inventory,
    RoundTripCounter,
    VcenterError,
    Watch,
    collect,
)

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
    p.add_argument("--timeout", type=float, default=float(env("VIONFV_PREFLIGHT_TIMEOUT", "120")),
                   help="seconds the whole run may take; a vCenter not read by then is reported as not "
                        "answering and its checks as not checked (default 120, env VIONFV_PREFLIGHT_TIMEOUT)")
    p.add_argument("--ca-bundle", default=env("VIONFV_CA_BUNDLE"),
                   help="PEM file of CAs that sign the vCenter certificates (default: system store, "
                        "env VIONFV_CA_BUNDLE)")
    p.add_argument("--margin", type=float, default=float(env("VIONFV_PREFLIGHT_MARGIN", "0.2")),
                   help="headroom required on top of the plane's sizing, as a fraction (default 0.2)")
    p.add_argument("--protocol", choices=("https", "http"), default=env("VIONFV_PREFLIGHT_PROTOCOL", "https"),
                   help=argparse.SUPPRESS)  # http: the simulator only
    p.add_argument("--page-size", type=int, default=10_000, help=argparse.SUPPRESS)
    p.add_argument("--state", type=Path, metavar="FILE",
                   help="the stack's state, as `pulumi stack export --stack <stack> --file FILE` writes it "
                        "(default: `pulumi stack export` when the Pulumi CLI is installed; without either, a "
                        "first deployment is assumed)")
    p.add_argument("--no-pulumi-cli", action="store_true",
                   help="never run the Pulumi CLI: passwords from the environment only, state from --state only")
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


class _Reader(threading.Thread):
    """Reads one vCenter in a daemon thread: a thread stuck past the deadline never holds the exit."""

    def __init__(self, endpoint: Endpoint, options: ConnectOptions, progress: report.Progress) -> None:
        super().__init__(name=f"preflight-{endpoint.role}", daemon=True)
        self.endpoint, self.options, self.progress = endpoint, options, progress
        self.watch = Watch()
        self.outcome: Inventory | VcenterError | None = None

    def run(self) -> None:
        try:
            self.outcome = collect(self.endpoint, self.options, RoundTripCounter(), self.progress, self.watch)
        except VcenterError as exc:
            if not self.watch.stopped.is_set():
                self.progress(exc.message)
                self.outcome = exc
        except Exception as exc:  # noqa: BLE001 - see below
            # Once stopped, whatever the cut connection raised is moot; before, it is this vCenter's
            # failure, reported like the others rather than as a traceback from a thread.
            if not self.watch.stopped.is_set():
                where = f"{self.endpoint.role} vCenter {self.endpoint.address}"
                self.outcome = VcenterError(
                    self.endpoint, f"{where} failed during {self.watch.phase}: {type(exc).__name__}: {exc}",
                    "retry; if it persists, run with the same stack against this vCenter and report the error",
                )
                self.progress(self.outcome.message)

    def timed_out(self, timeout: float) -> VcenterError:
        key, where = self.endpoint.key, f"{self.endpoint.role} vCenter {self.endpoint.address}"
        return VcenterError(
            self.endpoint,
            f"{where} did not answer within the run's {timeout:g}s timeout ({self.watch.phase})",
            f"check that {key}.server and {key}.port point at a running vCenter and that the network path "
            "is open; raise --timeout if it is only slow",
        )


def _project(project_dir: Path) -> str:
    """The Pulumi project's name (Pulumi.yaml `name`): part of every URN a `pulumi import` fix names."""
    try:
        document = yaml.safe_load((project_dir / "Pulumi.yaml").read_text())
    except (OSError, yaml.YAMLError):
        return "vio-nfv"
    return str(document.get("name") or "vio-nfv") if isinstance(document, dict) else "vio-nfv"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    started = time.monotonic()
    deadline = started + args.timeout
    progress = report.Progress(started, quiet=args.quiet)

    if args.timeout <= 0:
        print(f"preflight: --timeout {args.timeout:g}: must be more than 0 seconds", file=sys.stderr)
        return EXIT_USAGE
    try:
        # The password lookup (`pulumi config get`, twice at most) is part of the run's budget.
        loaded = stack.load(args.stack, args.project_dir, use_pulumi_cli=not args.no_pulumi_cli,
                            timeout=args.timeout / 2)
    except ConfigError as exc:
        print(f"preflight: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except stack.StackError as exc:
        print(f"preflight: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.ca_bundle and not Path(args.ca_bundle).is_file():
        print(f"preflight: --ca-bundle {args.ca_bundle}: no such file", file=sys.stderr)
        return EXIT_USAGE
    try:
        owned = state.load(args.stack, args.project_dir, args.state, use_pulumi_cli=not args.no_pulumi_cli,
                           timeout=max(0.1, deadline - time.monotonic()) / 2)
    except state.StateError as exc:
        print(f"preflight: {exc}", file=sys.stderr)
        return EXIT_USAGE
    day2 = checks.Day2(owned, args.stack, _project(args.project_dir))

    settings = loaded.settings
    vio = settings.vio.version
    # A single read may wait the whole budget; the deadline, not the socket, is what ends the run.
    options = ConnectOptions(timeout=args.timeout, ca_bundle=args.ca_bundle, protocol=args.protocol,
                             page_size=args.page_size)
    mgmt, res = endpoints(settings, loaded.passwords)
    progress(f"stack {args.stack}: {settings.topology} topology, {settings.pod_layout}, "
             f"VIO {vio}, timeout {args.timeout:g}s")
    progress(owned.header)

    # Both vCenters at once: a dead one then costs the budget once, not twice in a row.
    same = (mgmt.server.lower(), mgmt.port, mgmt.username) == (res.server.lower(), res.port, res.username)
    readers = {mgmt.role: _Reader(mgmt, options, progress)}
    if not same:
        readers[res.role] = _Reader(res, options, progress)
    for reader in readers.values():
        reader.start()
    outcomes: dict[str, Inventory | VcenterError] = {}
    timed_out: list[str] = []
    for role, reader in readers.items():
        reader.join(max(0.0, deadline - time.monotonic()))
        if reader.is_alive() or reader.outcome is None:
            reader.watch.stop()
            timed_out.append(role)
            error = reader.timed_out(args.timeout)
            outcomes[role] = error
            progress(error.message)
        else:
            outcomes[role] = reader.outcome
    if same:
        outcomes[res.role] = outcomes[mgmt.role]

    need = checks.demand(settings)
    results: list[checks.Result] = []
    found: list[tuple[Endpoint, Inventory]] = []
    for endpoint in (mgmt, res):
        outcome = outcomes[endpoint.role]
        if isinstance(outcome, VcenterError):
            results.append(checks.reachability(endpoint, None, outcome))
            why = ("the run's timeout ran out before this vCenter answered" if endpoint.role in timed_out
                   or (same and timed_out) else "this vCenter could not be read (see reachable)")
            results += checks.unchecked(settings, endpoint, why, args.protocol == "https")
            continue
        results.append(checks.reachability(endpoint, outcome, None))
        results.append(checks.version(endpoint, outcome, vio))
        found.append((endpoint, outcome))
        if endpoint is mgmt:
            results += checks.management(settings, endpoint, outcome, need, args.margin, day2)
        else:
            results += checks.resource(settings, endpoint, outcome, day2, loaded.thumbprint,
                                       loaded.thumbprint_missing)
    if len(found) == 2:
        results += addresses.addresses(settings, need, found, mgmt, owned)
    else:
        results.append(checks.Result("both", "ip free", "skip", "not checked: a vCenter could not be read, "
                                     "and an address may be in use on it", str(settings.management_network.cidr)))

    ok = all(r.status == "pass" for r in results)
    elapsed = time.monotonic() - started
    print(report.table(results, header=[owned.header]))
    if args.json:
        extra: dict[str, Any] = {
            "elapsed_s": round(elapsed, 3),
            "timeout_s": args.timeout,
            "timed_out": timed_out,
            "vio_version": vio,
            "round_trips": {e.role: inv.round_trips for e, inv in found},
            "vcenters": {e.role: {"address": e.address, "version": inv.version,
                                  **({"certificate": tls.fingerprints(inv.certificate)} if inv.certificate else {})}
                         for e, inv in found},
            "state": {"source": owned.source, "first_deployment": owned.first_deployment, "why": owned.why,
                      "resources": len(owned.resources)},
        }
        report.write_json(args.json, report.document(args.stack, ok, results, extra))
    progress(f"done in {elapsed:.1f}s")
    return EXIT_OK if ok else EXIT_FAILED
