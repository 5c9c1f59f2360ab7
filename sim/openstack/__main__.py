"""`python -m sim.openstack start|stop|status|install [--ip 127.0.0.x] [--public-host NAME] [--admin-password PW]`.

start prints the endpoints and the environment a client needs (OS_AUTH_URL, OS_CACERT, ...), and how long
each phase took; it exits 1 with the log to read when a service does not come up, 2 on bad arguments.
status exits 3 when any process is not running; status and stop use the options of the last start.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from sim.openstack import procs, release, services
from sim.openstack.layout import APIS, DEFAULT_IP, Admin, Layout, LayoutError


def _layout(args: argparse.Namespace) -> Layout:
    """The options given, else those of the last `start` (state/layout.json), else the defaults: `status`
    and `stop` describe what runs without repeating start's options."""
    saved_path = Layout.create(ip=args.ip or DEFAULT_IP).state / "layout.json"
    saved = json.loads(saved_path.read_text()) if saved_path.exists() and args.command != "start" else {}
    password = args.admin_password or saved.get("admin_password")
    layout = Layout.create(ip=args.ip or saved.get("ip"), public_host=args.public_host or saved.get("public_host"),
                           admin=Admin(password=password) if password else None)
    if args.command == "start":
        layout.state.mkdir(parents=True, exist_ok=True)
        saved_path.write_text(json.dumps({"ip": layout.ip, "public_host": layout.public_host,
                                          "admin_password": layout.admin.password}))
        saved_path.chmod(0o600)
    return layout


def _print_endpoints(layout: Layout) -> None:
    a = layout.admin
    for name, kind, _ in APIS:
        print(f"{kind:14} {layout.public_url(name)}  (internal {layout.internal_url(name)})")
    print(f"export OS_AUTH_URL={layout.auth_url} OS_CACERT={layout.ca_file} OS_REGION_NAME={a.region} "
          f"OS_USERNAME={a.username} OS_PROJECT_NAME={a.project} OS_USER_DOMAIN_NAME={a.domain} "
          f"OS_PROJECT_DOMAIN_NAME={a.domain} OS_IDENTITY_API_VERSION=3")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.openstack", description=__doc__)
    parser.add_argument("command", choices=("start", "stop", "status", "install"))
    parser.add_argument("--ip", help="loopback address to listen on (default 127.0.0.17)")
    parser.add_argument("--public-host", help="host name of the catalog's public endpoints (default: the IP)")
    parser.add_argument("--admin-password", help="the cloud admin's password (default: the simulator's)")
    parser.add_argument("--json", action="store_true", help="status: print the processes and endpoints as JSON")
    args = parser.parse_args(argv)
    try:
        layout = _layout(args)
    except LayoutError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.command == "install":
        _, spent = release.ensure_installed()
        how = f"installed in {spent:.0f} s" if spent else "already installed"
        print(f"OpenStack {release.RELEASE} in {release.venv_dir()} ({how})")
        return 0
    if args.command == "stop":
        stopped = services.stop(layout)
        print("stopped: " + (", ".join(stopped) if stopped else "nothing was running"))
        return 0
    if args.command == "status":
        state = services.status(layout)
        if args.json:
            print(json.dumps({"processes": state, **layout.describe()}, indent=1))
            return 0 if all(state.values()) else 3
        for name, pid in state.items():
            print(f"{name:15} {f'running (pid {pid})' if pid else 'stopped'}")
        return 0 if all(state.values()) else 3
    started = time.monotonic()
    try:
        timings = services.start(layout)
    except (procs.ServiceError, release.InstallError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    total = time.monotonic() - started
    phases = ", ".join(f"{k} {v:.1f}s" for k, v in timings.steps.items())
    print(f"OpenStack {release.RELEASE} up in {total:.1f} s (install {timings.install:.1f} s; {phases})")
    _print_endpoints(layout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
