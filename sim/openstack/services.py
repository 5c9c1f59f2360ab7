"""Start, stop and report the simulator: backing services, one-time database setup, the four APIs and
Octavia's worker. Start is idempotent (a running process is kept unless its command or configuration
changed, a finished setup step is not redone) and bounded (each wait has a timeout and names the log to
read). Start and stop hold a lock on the state directory: two callers never race (e.g. test workers)."""

from __future__ import annotations

import fcntl
import getpass
import grp
import hashlib
import json
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sim.openstack import backing, configs, procs, release
from sim.openstack.layout import APIS, Layout
from sim.openstack.tls import ensure_certificates

PROCESSES = ("epmd", "rabbitmq", "mariadb", "keystone", "neutron", "nova", "octavia", "octavia-worker")
API_TIMEOUT = 180.0


@dataclass
class Timings:
    install: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)

    def timed(self, name: str, action: Callable[[], None]) -> None:
        started = time.monotonic()
        action()
        self.steps[name] = self.steps.get(name, 0.0) + time.monotonic() - started


@contextmanager
def _locked(layout: Layout) -> Iterator[None]:
    with (layout.dir() / "lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _once(layout: Layout, step: str, cmds: list[list[str]], inputs: object = None) -> None:
    """Run a setup step's commands unless it completed before with the same commands and `inputs` (a
    marker in the state directory holds their digest): a changed admin password or public hostname runs
    it again."""
    marker = layout.dir("done") / step
    digest = hashlib.sha256(json.dumps([cmds, inputs], default=str).encode()).hexdigest()
    if marker.exists() and marker.read_text().strip() == digest:
        return
    log = layout.logs / f"setup-{step}.log"
    for cmd in cmds:
        with log.open("a") as out:
            out.write(f"$ {' '.join(cmd)}\n")
            out.flush()
            done = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=layout.state, check=False)
        if done.returncode != 0:
            raise procs.ServiceError(f"setup step {step!r} failed at `{' '.join(cmd)}`: see {log}")
    marker.write_text(digest + "\n")


@dataclass(frozen=True)
class _Configs:
    keystone: Path
    neutron: list[Path]
    nova: list[Path]
    octavia: Path


def _databases(layout: Layout, python: Path, conf: _Configs) -> None:
    """Schemas (each migration once), Keystone's keys, its bootstrap (admin, roles, its own endpoints)."""
    bin_dir, admin = python.parent, layout.admin
    owner = ["--keystone-user", getpass.getuser(), "--keystone-group", grp.getgrgid(os.getgid()).gr_name]
    keystone = [str(bin_dir / "keystone-manage"), "--config-file", str(conf.keystone)]
    _once(layout, "keystone-db", [[*keystone, "db_sync"], [*keystone, "fernet_setup", *owner],
                                  [*keystone, "credential_setup", *owner]])
    # bootstrap is idempotent (keystone/cmd/bootstrap.py): it runs again whenever the admin or Keystone's
    # endpoints change, since the command line is the step's digest.
    _once(layout, "keystone-bootstrap", [[
        *keystone, "bootstrap", "--bootstrap-password", admin.password, "--bootstrap-username", admin.username,
        "--bootstrap-project-name", admin.project, "--bootstrap-role-name", "admin",
        "--bootstrap-service-name", "keystone", "--bootstrap-region-id", admin.region,
        "--bootstrap-public-url", layout.public_url("keystone"),
        "--bootstrap-internal-url", layout.internal_url("keystone"),
        "--bootstrap-admin-url", layout.internal_url("keystone"),
    ]])
    neutron = [a for path in conf.neutron for a in ("--config-file", str(path))]
    _once(layout, "neutron-db", [[str(bin_dir / "neutron-db-manage"), *neutron, "upgrade", "heads"]])
    nova = [str(bin_dir / "nova-manage"), "--config-file", str(conf.nova[1])]
    _once(layout, "nova-db", [
        [*nova, "api_db", "sync"],
        [*nova, "cell_v2", "map_cell0", "--database_connection", layout.db_url("nova_cell0")],
        [*nova, "db", "sync"],
    ])
    _once(layout, "octavia-db", [[str(bin_dir / "octavia-db-manage"), "--config-file", str(conf.octavia),
                                  "upgrade", "head"]])


def _serve(python: Path, module: str, layout: Layout, service: str, tls: dict[str, str], argv: list[str]) -> list[str]:
    return [str(python), "-m", "vionfv_os_sim.serve", module, f"{layout.ip}:{layout.port(service)}",
            tls["cert"], tls["key"], *argv]


def start(layout: Layout) -> Timings:
    with _locked(layout):
        return _start(layout)


def _start(layout: Layout) -> Timings:
    timings = Timings()
    python, timings.install = release.ensure_installed()
    venv = python.parent.parent
    tls = ensure_certificates(layout)
    timings.timed("mariadb", lambda: backing.start_mariadb(layout))
    timings.timed("rabbitmq", lambda: backing.start_rabbitmq(layout))
    conf = _Configs(configs.keystone(layout), configs.neutron(layout, venv), configs.nova(layout, venv),
                    configs.octavia(layout, tls))
    timings.timed("db-setup", lambda: _databases(layout, python, conf))

    procs.start(layout, "keystone", _serve(python, "keystone.wsgi.api", layout, "keystone", tls, ["keystone"]),
                env={"OS_KEYSTONE_CONFIG_FILES": str(conf.keystone)}, files=[conf.keystone])
    timings.timed("keystone", lambda: procs.wait_http(
        layout, "keystone", layout.internal_url("keystone") + "/v3", API_TIMEOUT))
    timings.timed("catalog", lambda: _catalog(layout, python))

    # The WSGI modules find their files through these variables (neutron/server/__init__.py
    # `_get_config_files`, nova/api/openstack/wsgi_app.py `_get_config_files`); Octavia through argv.
    procs.start(layout, "neutron", _serve(python, "neutron.wsgi.api", layout, "neutron", tls, ["neutron-api"]),
                env={"OS_NEUTRON_CONFIG_DIR": "/", "OS_NEUTRON_CONFIG_FILES": ";".join(map(str, conf.neutron))},
                files=conf.neutron)
    procs.start(layout, "nova", _serve(python, "nova.wsgi.osapi_compute", layout, "nova", tls, ["nova-api"]),
                env={"OS_NOVA_CONFIG_DIR": "/", "OS_NOVA_CONFIG_FILES": ";".join(map(str, conf.nova))},
                files=conf.nova)
    octavia_args = ["--config-file", str(conf.octavia)]
    procs.start(layout, "octavia", _serve(python, "octavia.wsgi.api", layout, "octavia", tls,
                                          ["octavia-api", *octavia_args]), files=[conf.octavia])
    procs.start(layout, "octavia-worker", [str(python.parent / "octavia-worker"), *octavia_args],
                files=[conf.octavia])
    for service, _, _ in APIS[1:]:
        url = layout.internal_url(service) + "/"
        timings.timed(service, lambda s=service, u=url: procs.wait_http(layout, s, u, API_TIMEOUT))  # type: ignore[misc]
    return timings


def _catalog(layout: Layout, python: Path) -> None:
    admin = layout.admin
    spec = {
        "auth": {"auth_url": layout.internal_url("keystone") + "/v3", "username": admin.username,
                 "password": admin.password, "project_name": admin.project,
                 "user_domain_name": admin.domain, "project_domain_name": admin.domain},
        "cafile": str(layout.ca_file),
        "region": admin.region,
        "service_password": layout.secret("service"),
        "services": [
            {"name": name, "type": kind, "user": None if name == "keystone" else name,
             "public": layout.public_url(name) + _suffix(name), "internal": layout.internal_url(name) + _suffix(name)}
            for name, kind, _ in APIS
        ],
    }
    path = layout.etc / "catalog.json"
    path.write_text(json.dumps(spec))
    path.chmod(0o600)
    _once(layout, "catalog", [[str(python), "-m", "vionfv_os_sim.catalog", str(path)]], inputs=spec)


def _suffix(service: str) -> str:
    # Catalog URLs as devstack registers them: Nova's with /v2.1, the others' roots (clients discover the
    # versions there; terraform-provider-openstack appends v2.0 to Neutron's itself).
    return {"nova": "/v2.1"}.get(service, "")


def stop(layout: Layout) -> list[str]:
    with _locked(layout):
        return [name for name in reversed(PROCESSES) if procs.stop(layout, name)]


def status(layout: Layout) -> dict[str, int | None]:
    return {name: procs.pid_of(layout, name) for name in PROCESSES}
