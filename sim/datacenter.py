"""The simulated datacenter, one command: `python -m sim up|down|status --stack sim` (`make sim`,
`make sim-down`).

`up` reads and validates the stack file with the project's config loader, makes the run's credentials at
random and starts a daemon (`serve`, detached, its log in the state directory) that runs, on the stack's
loopback addresses and ports, sharing one local CA (trustme, kept in the state directory):
- the management and resource vCenters (sim/vcsim: two engines with sim/vcsim/vcenter.py's inventories), a
  VIO-shaped Manager OVA written where `vio.manager.ova` points for the real `ovf_deploy` to upload;
- the NSX-T Manager (sim/nsx) seeded from the stack;
- the VIO Public API (sim/vio) on the Manager's address, down until the Manager has booted: by default until
  a VM holding `managementNetwork.managerIp` is powered on in the management vCenter (the engine's
  appliance reports the address its OVF properties give it), or after a fixed delay (`--vio-boot SECONDS`);
- unless `--no-openstack`, the real OpenStack services (sim/openstack, minutes) on the public VIP, whose
  endpoints the VIO deployment's status reports once it is running.
`up` returns once all of it answers, having written `state.json` (pids, endpoints, CA path) and the run's
credentials (`credentials.json`, mode 0600) in the state directory, outside the checkout. `down` stops it
all and checks no process is left; `status` says what runs and on which sockets.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import trustme

from components import settings as config
from sim import sockets
from sim.nsx import seed as nsx_seed
from sim.system import Endpoint

ROOT = Path(__file__).resolve().parent.parent
STATE_ROOT = Path(os.environ.get("VIO_NFV_CACHE", Path.home() / ".cache" / "vio-nfv")) / "sim"
READY_TIMEOUT = 180.0


class DatacenterError(RuntimeError):
    pass


def state_dir(stack: str, root: Path | None = None) -> Path:
    return (root or STATE_ROOT) / stack


def load_settings(stack_path: Path) -> config.Settings:
    """The stack's validated settings (credentials are the run's own, never the file's)."""
    return nsx_seed.settings_from_stack(stack_path)


def local_ca(directory: Path) -> trustme.CA:
    """The datacenter's CA, made once per state directory and reused, so a stack's CA bundle stays valid."""
    pem, key = directory / "ca.pem", directory / "ca.key"
    if pem.exists() and key.exists():
        return trustme.CA.from_pem(pem.read_bytes(), key.read_bytes())
    directory.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA(organization_name="vio-nfv simulated datacenter")
    ca.cert_pem.write_to_path(str(pem))
    ca.private_key_pem.write_to_path(str(key))
    key.chmod(0o600)
    return ca


def _write_private(path: Path, data: dict[str, Any]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=1)
    path.chmod(0o600)


def new_credentials() -> dict[str, str]:
    """Random per run, by the stack key each one is for."""
    return {key: secrets.token_urlsafe(18) for key in (
        "managementVcenterPassword", "resourceVcenterPassword", "nsxPassword", "managerAdminPassword",
        "openstackPassword", "bgpNeighborPassword", "nsxMetadataProxySecret")}


def read_state(directory: Path) -> dict[str, Any] | None:
    path = directory / "state.json"
    return json.loads(path.read_text()) if path.exists() else None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ", 1)[1].startswith("Z"))


# ------------------------------------------------------------------------------------------ serve (daemon)


def manager_powered_on(engine: Endpoint, manager_ip: str, every: float = 2.0) -> Callable[[], bool]:
    """Whether a powered-on VM of the management vCenter reports `manager_ip` as its guest address, asked at
    most every `every` seconds (the VIO simulator's boot thread polls often) and True for good once seen."""
    from pyVim.connect import Disconnect, SmartConnect
    from pyVmomi import vim

    seen = {"up": False, "at": 0.0}
    url = engine.url.removeprefix("https://")
    host, port = url.rsplit(":", 1)

    def check() -> bool:
        if seen["up"] or time.monotonic() - seen["at"] < every:
            return bool(seen["up"])
        seen["at"] = time.monotonic()
        context = ssl.create_default_context(cadata=engine.ca_pem) if engine.ca_pem else ssl._create_unverified_context()
        try:
            si = SmartConnect(host=host, port=int(port), user=engine.user, pwd=engine.password, sslContext=context)
        except Exception:  # noqa: BLE001 - not answering yet is "not booted"
            return False
        try:
            # SearchIndex.FindAllByIp(vmSearch): VMs whose guest (VMware Tools) reports the address, which the
            # engine's appliance does only once powered on and booted (sim/vcsim/engine/appliance.go).
            found = si.RetrieveContent().searchIndex.FindAllByIp(ip=manager_ip, vmSearch=True)
            seen["up"] = any(isinstance(vm, vim.VirtualMachine) for vm in found)
        finally:
            Disconnect(si)
        return bool(seen["up"])

    return check


def serve(stack_path: Path, directory: Path, *, openstack: bool, vio_boot: str) -> int:
    """Run every simulator until SIGTERM/SIGINT; `state.json` says what runs (and `phase`)."""
    from sim import nsx as nsx_sim
    from sim import vio as vio_sim
    from sim.openstack import system as openstack_system
    from sim.vcsim import manager_ova
    from sim.vcsim import system as vcsim_system

    settings = load_settings(stack_path)
    credentials = json.loads((directory / "credentials.json").read_text())
    ca = local_ca(directory)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    running: list[Any] = []
    state: dict[str, Any] = {"pid": os.getpid(), "stack": str(stack_path), "ca": str(directory / "ca.pem"),
                             "credentials": str(directory / "credentials.json"), "phase": "starting",
                             "endpoints": {}, "processes": {"datacenter": os.getpid()}}

    def publish(**changes: Any) -> None:
        state.update(changes)
        _write_private(directory / "state.json.tmp", state)
        os.replace(directory / "state.json.tmp", directory / "state.json")

    def endpoint(name: str, e: Endpoint) -> None:
        state["endpoints"][name] = {"url": e.url, "user": e.user}

    try:
        ova = settings.vio.manager.ova
        if ova and "://" not in ova:
            path = Path(ova) if Path(ova).is_absolute() else stack_path.parent / ova
            manager_ova.build(path, dict(config.VIO_OVA_PROPERTIES), settings.vio.manager.ovf_network)
            state["ova"] = str(path)
        for role in ("management", "resource"):
            vc = vcsim_system.for_settings(settings, role, ca=ca, tls_dir=directory / "tls",  # type: ignore[arg-type]
                                           password=credentials[f"{role}VcenterPassword"])
            engine = vc.start()
            running.append(vc)
            endpoint(f"{role}-vcenter", vc.endpoint)
            state["processes"][f"vcsim-{role}"] = engine.pid
            if role == "resource":
                state["resourceVcenterThumbprint"] = engine.thumbprint
        nsx = nsx_sim.for_settings(settings, ca=ca, password=credentials["nsxPassword"],
                                   host=str(settings.nsx.host), port=settings.nsx.port).start()
        running.append(nsx)
        endpoint("nsx", nsx.endpoint)
        if vio_boot == "manager-vm":
            powered = manager_powered_on(running[0].endpoint, str(settings.management_network.manager_ip))
            vio = vio_sim.for_settings(settings, ca=ca, password=credentials["managerAdminPassword"],
                                       powered_on=powered)
        else:
            vio = vio_sim.for_settings(settings, ca=ca, password=credentials["managerAdminPassword"],
                                       boot_seconds=float(vio_boot))
        vio.start()
        running.append(vio)
        endpoint("vio", vio.endpoint)
        state["vioBoot"] = vio_boot
        publish(phase="openstack" if openstack else "ready")
        if openstack:
            cloud = openstack_system.for_settings(settings, state=directory / "openstack", ca=ca,
                                                  password=credentials["openstackPassword"])
            cloud.start()
            running.append(cloud)
            endpoint("keystone", cloud.endpoint)
            described = cloud.layout.describe()["endpoints"]
            assert isinstance(described, dict)
            vio.reported_endpoints = {"keystone": cloud.layout.auth_url, **described}
            state["processes"].update({f"openstack-{k}": v for k, v in cloud.running().items() if v})
            publish(phase="ready")
        while not stopping.wait(0.5):
            pass
        return 0
    except Exception as e:  # noqa: BLE001 - reported to `up`, which prints it
        publish(phase="failed", error=f"{type(e).__name__}: {e}")
        return 1
    finally:
        for system in reversed(running):
            system.stop()
        if state["phase"] != "failed":  # a failure's state stays for `up` to report
            (directory / "state.json").unlink(missing_ok=True)


# --------------------------------------------------------------------------------------- up / down / status


def up(stack_path: Path, directory: Path, *, openstack: bool = True, vio_boot: str = "manager-vm",
       log: Callable[[str], None] = print) -> dict[str, Any]:
    """Start the datacenter for `stack_path` (idempotent: a running one is left as it is)."""
    load_settings(stack_path)  # a config error stops here, before anything starts
    current = read_state(directory)
    if current and alive(int(current["pid"])) and current.get("phase") == "ready":
        log(f"already running (pid {current['pid']}); `python -m sim down` stops it")
        return current
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "state.json").unlink(missing_ok=True)
    _write_private(directory / "credentials.json", new_credentials())
    started = time.monotonic()
    logfile = (directory / "serve.log").open("w")
    command = [sys.executable, "-m", "sim.datacenter", "serve", str(stack_path.resolve()), str(directory),
               "--vio-boot", vio_boot] + ([] if openstack else ["--no-openstack"])
    process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=logfile, stderr=logfile,
                               start_new_session=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = started + READY_TIMEOUT + (900 if openstack else 0)
    reported = ""
    while True:
        state = read_state(directory)
        phase = (state or {}).get("phase", "")
        if phase != reported and phase:
            log(f"  {phase} ({time.monotonic() - started:.1f} s)")
            reported = phase
        if phase == "ready":
            assert state is not None
            try:
                state["secrets"] = _as_pulumi_secrets(stack_path, directory, state, log)
            except (OSError, RuntimeError) as e:
                down(directory, log=lambda _m: None)
                raise DatacenterError(f"setting the run's credentials as Pulumi secrets failed: {e}") from e
            return state
        if phase == "failed" or process.poll() is not None or time.monotonic() > deadline:
            error = (state or {}).get("error") or f"see {directory / 'serve.log'}"
            down(directory, log=lambda _m: None)
            raise DatacenterError(f"the simulated datacenter did not come up: {error}")
        time.sleep(0.2)


def _as_pulumi_secrets(stack_path: Path, directory: Path, state: dict[str, Any],
                       log: Callable[[str], None]) -> str:
    """Where the run's credentials are: as Pulumi secrets when the real CLI is built, and always in
    credentials.json (0600) for the simulators and the tests. Says which."""
    from sim import pulumi_secrets

    env = pulumi_secrets.toolchain_env()
    if env is None:
        return (f"credentials in {directory / 'credentials.json'} (mode 0600) only: the real Pulumi CLI is not "
                "built (`make toolchain`), so they are not set as Pulumi secrets")
    credentials = json.loads((directory / "credentials.json").read_text())
    stack = stack_path.name[len("Pulumi."):-len(".yaml")]
    used = pulumi_secrets.write(stack_path, stack, directory, credentials,
                                {"resourceVcenterThumbprint": state["resourceVcenterThumbprint"]}, env)
    log(f"  credentials set as Pulumi secrets in {used['config_file']}")
    return (f"Pulumi secrets in {used['config_file']} (pulumi --config-file it with "
            f"PULUMI_BACKEND_URL={used['PULUMI_BACKEND_URL']} "
            f"PULUMI_CONFIG_PASSPHRASE_FILE={used['PULUMI_CONFIG_PASSPHRASE_FILE']}); "
            f"the simulators read them from {directory / 'credentials.json'} (mode 0600)")


def _all_pids(state: dict[str, Any]) -> list[int]:
    return sorted({int(p) for p in state.get("processes", {}).values()})


def down(directory: Path, *, log: Callable[[str], None] = print, timeout: float = 30.0) -> list[int]:
    """Stop everything `state.json` lists (the daemon stops its simulators and OpenStack); SIGKILL what is
    still there after `timeout`. Returns the pids still alive (none, unless the kernel refuses)."""
    state = read_state(directory)
    if state is None:
        log("nothing running")
        return []
    pids = _all_pids(state)
    if alive(int(state["pid"])):
        os.kill(int(state["pid"]), signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.1)
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
    if (directory / "openstack").exists():
        from sim.openstack import services
        from sim.openstack.layout import Layout
        services.stop(Layout.create(ip=_openstack_ip(state), state=directory / "openstack"))
    time.sleep(0.2)
    left = [p for p in pids if alive(p)]
    (directory / "state.json").unlink(missing_ok=True)
    (directory / "credentials.json").unlink(missing_ok=True)  # this run's: the next `up` makes new ones
    log("stopped: " + ", ".join(state.get("processes", {})) + (f"; still alive: {left}" if left else ""))
    return left


def _openstack_ip(state: dict[str, Any]) -> str | None:
    url = state.get("endpoints", {}).get("keystone", {}).get("url", "")
    return url.split("//", 1)[1].split(":", 1)[0] if url else None


def status(directory: Path) -> dict[str, Any]:
    """What runs: each process alive or not, and the TCP sockets they hold (all loopback, or flagged)."""
    state = read_state(directory)
    if state is None:
        return {"running": False, "processes": {}, "endpoints": {}, "sockets": []}
    processes = {name: {"pid": pid, "alive": alive(int(pid))} for name, pid in state.get("processes", {}).items()}
    pids = [p for root in _all_pids(state) for p in sockets.children(root)]
    socks = [{"pid": s.pid, "local": f"{s.local[0]}:{s.local[1]}", "listening": s.listening,
              "remote": None if s.listening else f"{s.remote[0]}:{s.remote[1]}", "loopback": s.loopback}
             for s in sockets.of(pids)]
    return {"running": all(p["alive"] for p in processes.values()), "phase": state.get("phase"),
            "processes": processes, "endpoints": state.get("endpoints", {}), "ca": state.get("ca"),
            "credentials": state.get("credentials"), "sockets": socks}


def _serve_main(argv: list[str]) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="python -m sim.datacenter serve")
    p.add_argument("command", choices=("serve",))
    p.add_argument("stack", type=Path)
    p.add_argument("directory", type=Path)
    p.add_argument("--vio-boot", default="manager-vm")
    p.add_argument("--no-openstack", action="store_true")
    args = p.parse_args(argv)
    return serve(args.stack, args.directory, openstack=not args.no_openstack, vio_boot=args.vio_boot)


if __name__ == "__main__":
    raise SystemExit(_serve_main(sys.argv[1:]))
