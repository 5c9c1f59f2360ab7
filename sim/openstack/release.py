"""The OpenStack release the simulator runs, and the virtualenv it runs from (outside the checkout).

One release series, 2026.2, pinned exactly: keystone 30, neutron 29 (+ neutron-fwaas 25), nova 34,
octavia 19 are that series' releases on PyPI. constraints.txt pins every other distribution to the set
the services were last proven with, so an install next month resolves the same libraries. The
virtualenv lives in ~/.cache/vio-nfv/openstack-<release> (VIONFV_OPENSTACK_VENV overrides) and is reused
while its marker matches the pins and the plugin package's sources.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

RELEASE = "2026.2"
SERVICES = ("keystone==30.0.0", "neutron==29.0.0", "neutron-fwaas==25.0.0", "nova==34.0.0", "octavia==19.0.0")
#: What the services need beyond their own requirements: the MySQL driver their connection URLs name and
#: the WSGI server (vionfv_os_sim.serve).
EXTRAS = ("PyMySQL==1.2.4", "gunicorn==27.0.1")

HERE = Path(__file__).resolve().parent
PLUGIN = HERE / "plugin"
CONSTRAINTS = HERE / "constraints.txt"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "vio-nfv"


class InstallError(RuntimeError):
    pass


def venv_dir() -> Path:
    return Path(os.environ.get("VIONFV_OPENSTACK_VENV", CACHE / f"openstack-{RELEASE}"))


def venv_python() -> Path:
    return venv_dir() / "bin" / "python"


def _fingerprint(plugin: bool) -> str:
    digest = hashlib.sha256()
    if plugin:
        for path in sorted(PLUGIN.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and ".egg-info" not in str(path):
                digest.update(path.relative_to(PLUGIN).as_posix().encode() + path.read_bytes())
    else:
        digest.update("\n".join((*SERVICES, *EXTRAS)).encode())
        if CONSTRAINTS.exists():
            digest.update(CONSTRAINTS.read_bytes())
    return digest.hexdigest()


def _base_python() -> str:
    """An interpreter that is not itself a virtualenv's (the project's .venv python would nest)."""
    chosen = os.environ.get("VIONFV_OPENSTACK_PYTHON")
    if chosen:
        return chosen
    base = Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    return str(base) if base.exists() else sys.executable


def _run(cmd: list[str], log: Path) -> None:
    with log.open("a") as out:
        out.write(f"$ {' '.join(cmd)}\n")
        out.flush()
        done = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        raise InstallError(f"`{' '.join(cmd)}` failed (exit {done.returncode}); see {log}")


def ensure_installed() -> tuple[Path, float]:
    """The virtualenv's python, installing what is missing or stale first. Returns (python, seconds spent
    installing: 0.0 when everything was reused). The plugin package alone is reinstalled when only its
    sources changed."""
    target = venv_dir()
    markers = {False: target / ".vionfv-services", True: target / ".vionfv-plugin"}
    stale = [p for p, m in markers.items() if not (m.exists() and m.read_text().strip() == _fingerprint(p))]
    if not stale:
        return venv_python(), 0.0
    started = time.monotonic()
    target.parent.mkdir(parents=True, exist_ok=True)
    log = target.parent / f"openstack-{RELEASE}-install.log"
    log.write_text("")
    pip = [str(target / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    if False in stale:
        # Markers are written last: an interrupted install is never taken for a usable one.
        shutil.rmtree(target, ignore_errors=True)
        _run([_base_python(), "-m", "venv", str(target)], log)
        constraints = ["-c", str(CONSTRAINTS)] if CONSTRAINTS.exists() else []
        _run([*pip, *constraints, *SERVICES, *EXTRAS], log)
        markers[False].write_text(_fingerprint(False) + "\n")
    # Not editable: the venv must not depend on the checkout it was installed from.
    _run([*pip, "--no-deps", "--force-reinstall", str(PLUGIN)], log)
    markers[True].write_text(_fingerprint(True) + "\n")
    return venv_python(), time.monotonic() - started
