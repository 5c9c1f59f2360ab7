"""Start, stop and report the simulator: backing services, one-time database setup, the four APIs and
Octavia's worker. Start is idempotent (a running process is kept, a finished setup step is not redone)
and bounded (each wait has a timeout and names the log to read)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import time
from collections.abc import Callable
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

    def timed(self, name: str, action: Callable[[], object]) -> None:
        started = time.monotonic()
        action()
        self.steps[name] = self.steps.get(name, 0.0) + time.monotonic() - started


def _bin(python: Path, name: str) -> str:
    return str(python.parent / name)


def _once(layout: Layout, step: str, cmds: list[list[str]], inputs: object = None) -> None:
    """Run a setup step's commands unless it completed before with the same `inputs` (a marker in the
    state directory holds their digest): a changed admin password or public hostname runs it again."""
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


def _serve(python: Path, module: str, layout: Layout, service: str, tls: dict[str, str], argv: list[str]) -> list[str]:
    return [str(python), "-m", "vionfv_os_sim.serve", module, f"{layout.ip}:{layout.port(service)}",
            tls["cert"], tls["key"], *argv]


def start(layout: Layout) -> Timings:
    timings = Timings()
    python, timings.install = release.ensure_installed()
    venv = python.parent.parent
    tls = ensure_certificates(layout)
    timings.timed("mariadb", lambda: backing.start_mariadb(layout))
    timings.timed("rabbitmq", lambda: backing.start_rabbitmq(layout))

    keystone_conf = configs.keystone(layout)
    neutron_confs = configs.neutron(layout, venv)
    nova_confs = configs.nova(layout, venv)
    octavia_conf = configs.octavia(layout, tls)
    kconf = ["--config-file", str(keystone_conf)]
    admin = layout.admin

    def keystone_setup() -> None:
        manage = [_bin(python, "keystone-manage"), *kconf]
        _once(layout, "keystone-db", [
            [*manage, "db_sync"],
            [*manage, "fernet_setup", "--keystone-user", _user(), "--keystone-group", _group()],
            [*manage, "credential_setup", "--keystone-user", _user(), "--keystone-group", _group()],
        ])
        # bootstrap is idempotent (keystone/cmd/bootstrap.py): it runs again whenever the admin
        # password or Keystone's own endpoints change (the command line is the step's digest).
        _once(layout, "keystone-bootstrap", [[
            *manage, "bootstrap", "--bootstrap-password", admin.password,
            "--bootstrap-username", admin.username, "--bootstrap-project-name", admin.project,
            "--bootstrap-role-name", "admin", "--bootstrap-service-name", "keystone",
            "--bootstrap-region-id", admin.region,
            "--bootstrap-public-url", layout.public_url("keystone"),
            "--bootstrap-internal-url", layout.internal_url("keystone"),
            "--bootstrap-admin-url", layout.internal_url("keystone"),
        ]])

    neutron_conf_args = [arg for path in neutron_confs for arg in ("--config-file", str(path))]
    timings.timed("db-setup", lambda: (
        keystone_setup(),
        _once(layout, "neutron-db", [[_bin(python, "neutron-db-manage"), *neutron_conf_args, "upgrade", "heads"]]),
        _once(layout, "nova-db", [
            [_bin(python, "nova-manage"), "--config-file", str(nova_confs[1]), "api_db", "sync"],
            [_bin(python, "nova-manage"), "--config-file", str(nova_confs[1]), "cell_v2", "map_cell0",
             "--database_connection", layout.db_url("nova_cell0")],
            [_bin(python, "nova-manage"), "--config-file", str(nova_confs[1]), "db", "sync"],
        ]),
        _once(layout, "octavia-db", [[_bin(python, "octavia-db-manage"), "--config-file", str(octavia_conf),
                                      "upgrade", "head"]]),
    ))

    keystone_env = {"OS_KEYSTONE_CONFIG_FILES": str(keystone_conf)}
    procs.start(layout, "keystone", _serve(python, "keystone.wsgi.api", layout, "keystone", tls, ["keystone"]),
                env=keystone_env, files=[keystone_conf])
    timings.timed("keystone", lambda: procs.wait_http(layout, "keystone", layout.internal_url("keystone") + "/v3",
                                                      API_TIMEOUT))
    timings.timed("catalog", lambda: _catalog(layout, python))

    procs.start(layout, "neutron", _serve(python, "neutron.wsgi.api", layout, "neutron", tls, ["neutron-api"]),
                env={"OS_NEUTRON_CONFIG_DIR": "/", "OS_NEUTRON_CONFIG_FILES": ";".join(map(str, neutron_confs))},
                files=neutron_confs)
    procs.start(layout, "nova", _serve(python, "nova.wsgi.osapi_compute", layout, "nova", tls, ["nova-api"]),
                env={"OS_NOVA_CONFIG_DIR": "/", "OS_NOVA_CONFIG_FILES": ";".join(map(str, nova_confs))},
                files=nova_confs)
    procs.start(layout, "octavia", _serve(python, "octavia.wsgi.api", layout, "octavia", tls,
                                          ["octavia-api", "--config-file", str(octavia_conf)]), files=[octavia_conf])
    procs.start(layout, "octavia-worker", [_bin(python, "octavia-worker"), "--config-file", str(octavia_conf)],
                files=[octavia_conf])
    for service, _, _ in APIS[1:]:
        timings.timed(service, lambda s=service: procs.wait_http(layout, s, layout.internal_url(s) + "/", API_TIMEOUT))  # type: ignore[misc]
    return timings


def _user() -> str:
    import getpass

    return getpass.getuser()


def _group() -> str:
    import grp
    import os

    return grp.getgrgid(os.getgid()).gr_name


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
    # Catalog URLs as devstack registers them: Keystone's unversioned root, Nova's /v2.1, the others'
    # roots (the SDKs and terraform-provider-openstack discover versions from there).
    return {"nova": "/v2.1"}.get(service, "")


def stop(layout: Layout) -> list[str]:
    return [name for name in reversed(PROCESSES) if procs.stop(layout, name)]


def status(layout: Layout) -> dict[str, int | None]:
    return {name: procs.pid_of(layout, name) for name in PROCESSES}
