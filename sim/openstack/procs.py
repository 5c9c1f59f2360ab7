"""The simulator's processes: started detached in their own session, recorded in pid files, stopped by
their process group (a gunicorn master and its worker, rabbitmq-server's shell and its Erlang VM).

A pid file holds the pid and its kernel start time (/proc/<pid>/stat field 22): a pid reused by an
unrelated process after a reboot or crash is never taken for ours, and never signalled. It also holds a
fingerprint of what the process was started with (command and configuration files): a running process
whose fingerprint changed is restarted, so that a start after a configuration change applies it.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

from sim.openstack.layout import Layout


class ServiceError(RuntimeError):
    pass


def _start_time(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces: split after its closing parenthesis.
    fields = stat[stat.rindex(")") + 2 :].split()
    return None if fields[0] == "Z" else fields[19]


def pid_of(layout: Layout, name: str) -> int | None:
    """The pid of our running `name`, or None (no pid file, dead, or the pid now belongs to another)."""
    path = layout.pids / f"{name}.pid"
    try:
        pid_text, started = path.read_text().split()[:2]
    except (OSError, ValueError):
        return None
    pid = int(pid_text)
    return pid if _start_time(pid) == started else None


def _fingerprint(cmd: Sequence[str], env: Mapping[str, str] | None, files: Sequence[Path]) -> str:
    digest = hashlib.sha256(json.dumps([list(cmd), sorted((env or {}).items())]).encode())
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def start(layout: Layout, name: str, cmd: Sequence[str], env: Mapping[str, str] | None = None,
          files: Sequence[Path] = ()) -> int:
    """Start `cmd` unless our `name` already runs with the same command, environment and `files`
    (configuration); its output goes to log/<name>.log."""
    fingerprint = _fingerprint(cmd, env, files)
    running = pid_of(layout, name)
    if running is not None:
        recorded = (layout.pids / f"{name}.pid").read_text().split()[2:]
        if recorded == [fingerprint]:
            return running
        stop(layout, name)
    with (layout.logs / f"{name}.log").open("ab") as log:
        process = subprocess.Popen(
            list(cmd), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})}, start_new_session=True, cwd=layout.state,
        )
    started = _start_time(process.pid)
    (layout.pids / f"{name}.pid").write_text(f"{process.pid} {started} {fingerprint}\n")
    return process.pid


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop(layout: Layout, name: str, timeout: float = 20.0) -> bool:
    """End our `name` and its process group (TERM, then KILL after `timeout`). True if it was running."""
    path = layout.pids / f"{name}.pid"
    pid = pid_of(layout, name)
    if pid is None:
        path.unlink(missing_ok=True)
        return False
    # start_new_session made the pid its own process group's id.
    os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _group_alive(pid) and time.monotonic() < deadline:
        _reap(pid)
        time.sleep(0.2)
    if _group_alive(pid):
        os.killpg(pid, signal.SIGKILL)
        while _group_alive(pid) and time.monotonic() < deadline + 5:
            _reap(pid)
            time.sleep(0.1)
    path.unlink(missing_ok=True)
    return True


def _reap(pid: int) -> None:
    """Collect our own child (when this process started it) so that it does not linger as a zombie."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def _check_alive(layout: Layout, name: str) -> None:
    if pid_of(layout, name) is None:
        tail = (layout.logs / f"{name}.log").read_text(errors="replace")[-3000:]
        raise ServiceError(f"{name} exited during startup; the end of {layout.logs / (name + '.log')}:\n{tail}")


def wait_tcp(layout: Layout, name: str, port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _check_alive(layout, name)
        try:
            with socket.create_connection((layout.ip, port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise ServiceError(f"{name} did not listen on {layout.ip}:{port} within {timeout:.0f} s (log/{name}.log)")


def wait_http(layout: Layout, name: str, url: str, timeout: float) -> None:
    """Wait until `url` answers over TLS with the simulator's CA (any HTTP status counts as an answer)."""
    context = ssl.create_default_context(cafile=str(layout.ca_file))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _check_alive(layout, name)
        try:
            with urllib.request.urlopen(url, context=context, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except (OSError, ssl.SSLError):
            time.sleep(0.5)
    raise ServiceError(f"{name} did not answer {url} within {timeout:.0f} s (log/{name}.log)")
