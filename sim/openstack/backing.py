"""MariaDB and RabbitMQ from Debian (scripts/install-system-deps.sh), run as the simulator's own
processes on its loopback IP with their data under the state directory, never the system services.

- MariaDB: `mariadb-install-db` once, then `mariadbd --no-defaults` on <ip>:3306 and a socket in the
  state directory; root logs in over that socket (unix_socket auth for the OS user who runs us) to create
  the services' databases and their `openstack` user (idempotent SQL).
- RabbitMQ: its own epmd on 127.0.0.1:<14300 + the IP's last octet> (ERL_EPMD_PORT: no system epmd, nor
  another simulator's on another IP, is shared or left behind), a node name derived from the IP, the
  broker on <ip>:5672, Erlang distribution bound to <ip>:<25600 + last octet> (RabbitMQ's prelaunch
  refuses a distribution port in use on any address, so two simulators cannot both take 25672). The `openstack` user is RabbitMQ's
  default user (rabbitmq.conf `default_user`/`default_pass`, applied when its database is first made).
"""

from __future__ import annotations

import getpass
import shutil
import subprocess
from pathlib import Path

from sim.openstack import procs
from sim.openstack.layout import EPMD_PORT, MARIADB_PORT, RABBIT_PORT, Layout

DATABASES = ("keystone", "neutron", "nova_api", "nova_cell0", "octavia")


def _octet(layout: Layout) -> int:
    return int(layout.ip.rsplit(".", 1)[1])


def _epmd_port(layout: Layout) -> int:
    """Off the default 4369 (a system epmd, if any, is neither used nor disturbed) and one per simulator
    IP: epmd listens on 127.0.0.1 whatever our IP, so two simulators must not share a port."""
    return EPMD_PORT + 10000 - 69 + _octet(layout)
RABBIT_SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")


def _need(binary: str) -> str:
    found = shutil.which(binary) or next(
        (str(p) for p in (Path("/usr/sbin") / binary, Path("/usr/bin") / binary) if p.exists()), None
    )
    if found is None:
        raise procs.ServiceError(f"{binary} not found: run scripts/install-system-deps.sh (mariadb-server, rabbitmq-server)")
    return found


def _socket(layout: Layout) -> Path:
    return layout.dir("mariadb") / "mysqld.sock"


def start_mariadb(layout: Layout) -> None:
    data = layout.state / "mariadb" / "data"
    user = getpass.getuser()
    if not (data / "mysql").is_dir():
        shutil.rmtree(data, ignore_errors=True)
        done = subprocess.run(
            [_need("mariadb-install-db"), "--no-defaults", f"--datadir={data}", f"--user={user}",
             "--auth-root-authentication-method=socket", f"--auth-root-socket-user={user}", "--skip-test-db"],
            capture_output=True, text=True, check=False,
        )
        if done.returncode != 0:
            shutil.rmtree(data, ignore_errors=True)
            raise procs.ServiceError(f"mariadb-install-db failed:\n{done.stdout}\n{done.stderr}")
    procs.start(layout, "mariadb", [
        _need("mariadbd"), "--no-defaults", f"--datadir={data}", f"--socket={_socket(layout)}",
        f"--bind-address={layout.ip}", f"--port={MARIADB_PORT}", f"--user={user}",
        f"--pid-file={layout.dir('mariadb') / 'mariadbd.pid'}", "--skip-name-resolve", "--skip-log-bin",
        "--max-connections=1000", "--innodb-buffer-pool-size=128M", "--character-set-server=utf8mb4",
    ])
    procs.wait_tcp(layout, "mariadb", MARIADB_PORT, timeout=60)
    password = layout.secret("db")
    sql = "".join(f"CREATE DATABASE IF NOT EXISTS {db} CHARACTER SET utf8mb4;" for db in DATABASES) + (
        f"CREATE USER IF NOT EXISTS 'openstack'@'%' IDENTIFIED BY '{password}';"
        f"ALTER USER 'openstack'@'%' IDENTIFIED BY '{password}';"
        "GRANT ALL PRIVILEGES ON *.* TO 'openstack'@'%';FLUSH PRIVILEGES;"
    )
    done = subprocess.run([_need("mariadb"), f"--socket={_socket(layout)}", "-u", user, "-e", sql],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise procs.ServiceError(f"creating the OpenStack databases failed: {done.stderr.strip()}")


def _rabbit_env(layout: Layout) -> dict[str, str]:
    home = layout.dir("rabbitmq")
    return {
        "HOME": str(home),  # .erlang.cookie
        "ERL_EPMD_PORT": str(_epmd_port(layout)),
        "RABBITMQ_NODENAME": f"vionfv-{layout.ip.replace('.', '-')}@localhost",
        "RABBITMQ_NODE_IP_ADDRESS": layout.ip,
        "RABBITMQ_NODE_PORT": str(RABBIT_PORT),
        "RABBITMQ_DIST_PORT": str(25600 + _octet(layout)),
        "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {"
        + ",".join(layout.ip.split("."))
        + "}",
        "RABBITMQ_MNESIA_BASE": str(home / "mnesia"),
        "RABBITMQ_LOG_BASE": str(layout.logs),
        "RABBITMQ_CONFIG_FILE": str(home / "rabbitmq.conf"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(home / "enabled_plugins"),
        "RABBITMQ_PID_FILE": str(home / "rabbitmq.pid"),
    }


def start_rabbitmq(layout: Layout) -> None:
    if not RABBIT_SERVER.exists():
        raise procs.ServiceError(f"{RABBIT_SERVER} not found: run scripts/install-system-deps.sh (rabbitmq-server)")
    env = _rabbit_env(layout)
    home = Path(env["HOME"])
    (home / "enabled_plugins").write_text("[].\n")
    (home / "rabbitmq.conf").write_text(
        f"default_user = openstack\ndefault_pass = {layout.secret('rabbit')}\n"
        "default_permissions.configure = .*\ndefault_permissions.read = .*\ndefault_permissions.write = .*\n"
        "loopback_users = none\n"
    )
    procs.start(layout, "epmd", [_need("epmd"), "-address", "127.0.0.1", "-port", str(_epmd_port(layout))])
    procs.start(layout, "rabbitmq", [str(RABBIT_SERVER)], env=env)
    procs.wait_tcp(layout, "rabbitmq", RABBIT_PORT, timeout=90)


def stop_all(layout: Layout) -> list[str]:
    return [name for name in ("rabbitmq", "epmd", "mariadb") if procs.stop(layout, name)]
