"""The component library as another team gets it: the wheel, installed in a fresh venv with nothing but its
declared dependencies (from the package registry), runs and type-checks a tenant stack.

Slow (a venv and a registry install, about a minute with a warm pip cache): marked `packaging`, still part
of `make test`. `-m "not packaging"` skips it while iterating.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from typing import Any

import pytest

from components import __version__, contract

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "tenant-stack"
PLATFORM = "organization/vio-nfv/dev"
#: What a tenant stack imports from the library; none of it may load the NSX-T SDK.
TENANT_SIDE = ("components.tenant_args", "components.tenant_network", "components.settings", "components.contract")


def _run(*cmd: str | Path, cwd: Path, env: dict[str, str] | None = None, timeout: float = 900) -> str:
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert done.returncode == 0, f"{' '.join(map(str, cmd))} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything that would put the repository on the path of the fresh venv."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # A copy of the sources, so that the build leaves no build/ or *.egg-info in the working tree.
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "components"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, src / name)
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", out, src, cwd=src)
    [built] = out.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the wheel and only what it declares (pip resolves them from the registry;
    the user's pip cache keeps repeated runs cheap)."""
    path = tmp_path_factory.mktemp("venv") / "v"
    _run(sys.executable, "-m", "venv", path, cwd=path.parent)
    python = path / "bin" / "python"
    _run(python, "-m", "pip", "install", "-q", wheel, cwd=path.parent, env=_clean_env())
    return python


def test_wheel_is_the_typed_component_library_with_its_declared_dependencies(wheel: Path) -> None:
    assert wheel.name.startswith(f"vio_nfv_components-{__version__}-")
    with zipfile.ZipFile(wheel) as whl:
        names = set(whl.namelist())
        [meta_name] = [n for n in names if n.endswith(".dist-info/METADATA")]
        meta = whl.read(meta_name).decode()
    assert "components/py.typed" in names
    assert {"components/contract.py", "components/tenant_network.py", "components/settings.py"} <= names
    assert not [n for n in names if n.split("/")[0] in {"tests", "offline", "tools", "policy", "examples"}]
    requires = [line.split(":", 1)[1].strip() for line in meta.splitlines() if line.startswith("Requires-Dist:")]
    names_required = {r.split(";")[0].split("<")[0].split(">")[0].split("=")[0].split("[")[0].strip().lower()
                      for r in requires}
    assert {"pulumi", "pulumi-vsphere", "pulumi-openstack", "pydantic", "urllib3"} <= names_required
    assert not any("==" in r.split(";")[0] for r in requires), f"ranges, not pins: {requires}"
    assert any(r.startswith("pulumi_nsxt") and 'extra == "nsxt"' in r for r in requires), requires
    assert "Provides-Extra: nsxt" in meta


def test_tenant_side_imports_never_load_the_nsxt_sdk(venv: Path, tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(textwrap.dedent(f"""
        import importlib, importlib.util, json, sys
        for name in {TENANT_SIDE!r}:
            importlib.import_module(name)
        import components
        print(json.dumps({{
            "components": components.__file__,
            "version": components.__version__,
            "nsxt_loaded": sorted(m for m in sys.modules if m.startswith("pulumi_nsxt")),
            "nsxt_installed": importlib.util.find_spec("pulumi_nsxt") is not None,
        }}))
    """))
    seen = json.loads(_run(venv, probe, cwd=tmp_path, env=_clean_env()))
    site = Path(seen["components"]).resolve()
    assert "site-packages" in site.parts and ROOT not in site.parents, site
    assert seen["version"] == __version__
    assert seen["nsxt_loaded"] == [] and seen["nsxt_installed"] is False


def test_tenant_stack_example_evaluates_on_the_installed_library(
    venv: Path, tmp_path: Path, dev: Any
) -> None:
    # The evaluator (offline/) comes from the repository, alone on the path; `components` must come from
    # the installed wheel, which the probe proves from its file location.
    path = tmp_path / "path"
    path.mkdir()
    (path / "offline").symlink_to(ROOT / "offline", target_is_directory=True)
    outputs = tmp_path / "platform.json"
    outputs.write_text(json.dumps(dev.outputs))
    driver = tmp_path / "driver.py"
    driver.write_text(textwrap.dedent(f"""
        import json, sys
        import offline.evaluate as ev
        # The evaluator would put the tests' NSX-T stand-in on the path; a tenant stack must not need it.
        ev.ensure_nsxt_importable = lambda: "absent"
        result = ev.evaluate("apps", program=ev.Path({str(EXAMPLE / "__main__.py")!r}), project="vio-nfv-tenant",
                             stack_outputs={{{PLATFORM!r}: json.load(open({str(outputs)!r}))}})
        import components
        print(json.dumps({{
            "error": repr(result.error) if result.error else None,
            "types": sorted({{r.type for r in result.resources}}),
            "outputs": sorted(result.outputs),
            "components": components.__file__,
            "offline": ev.__file__,
            "nsxt_loaded": sorted(m for m in sys.modules if m.startswith("pulumi_nsxt")),
        }}))
    """))
    seen = json.loads(_run(venv, driver, cwd=tmp_path, env=_clean_env(PYTHONPATH=str(path))).splitlines()[-1])
    assert seen["error"] is None, seen["error"]
    assert "openstack:networking/network:Network" in seen["types"]
    assert {"networkIds", "routerId"} <= set(seen["outputs"])
    assert ROOT not in Path(seen["components"]).resolve().parents, seen["components"]
    assert Path(seen["offline"]).parent.name == "offline"
    assert seen["nsxt_loaded"] == []


def test_a_consumer_stack_type_checks_against_the_installed_library(venv: Path, tmp_path: Path) -> None:
    """mypy, told to use the fresh venv's packages (PEP 561: the wheel's py.typed), on the example; and a
    planted misuse of the library's types is caught, so the check does read them."""
    consumer = tmp_path / "consumer"
    consumer.mkdir()
    shutil.copy(EXAMPLE / "__main__.py", consumer / "__main__.py")
    (consumer / "misuse.py").write_text("from components import contract\n\nmajor: int = contract.CONTRACT_VERSION\n")
    mypy = [sys.executable, "-m", "mypy", "--python-executable", str(venv), "--no-incremental",
            "--config-file", os.devnull, "--disallow-untyped-calls", "--warn-unused-ignores"]
    done = subprocess.run([*mypy, "__main__.py"], cwd=consumer, capture_output=True, text=True, check=False,
                          env=_clean_env())
    assert done.returncode == 0, done.stdout + done.stderr
    bad = subprocess.run([*mypy, "misuse.py"], cwd=consumer, capture_output=True, text=True, check=False,
                         env=_clean_env())
    assert bad.returncode == 1 and 'incompatible types in assignment (expression has type "str"' in bad.stdout.lower()


def test_the_contract_version_is_semver_and_exported_with_the_outputs() -> None:
    major, minor, patch = contract.CONTRACT_VERSION.split(".")
    assert all(part.isdigit() for part in (major, minor, patch))
    assert contract.CONTRACT_VERSION_KEY in contract.OUTPUTS
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert f"## [{__version__}]" in changelog and f"contract {contract.CONTRACT_VERSION}" in changelog


def test_every_module_imports_on_the_declared_dependencies_alone(venv: Path, tmp_path: Path) -> None:
    """An undeclared dependency shows up here: each module imports in the fresh venv, except the platform
    side that needs the NSX-T SDK (the `nsxt` extra), which fails on exactly that."""
    probe = tmp_path / "all.py"
    probe.write_text(textwrap.dedent("""
        import importlib, json, pkgutil
        import components
        out = {}
        for mod in pkgutil.iter_modules(components.__path__):
            try:
                importlib.import_module(f"components.{mod.name}")
                out[mod.name] = None
            except ImportError as exc:
                out[mod.name] = getattr(exc, "name", None) or repr(exc)
        print(json.dumps(out))
    """))
    seen = json.loads(_run(venv, probe, cwd=tmp_path, env=_clean_env()))
    failed = {name: missing for name, missing in seen.items() if missing is not None}
    assert set(failed.values()) <= {"pulumi_nsxt"}, failed
    assert {"nsx_edge", "providers"} <= set(failed), "the platform side needs the nsxt extra"
    assert not {m.split(".")[1] for m in TENANT_SIDE} & set(failed)


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs git and a git checkout")
def test_pip_installs_the_library_straight_from_its_git_url(tmp_path: Path) -> None:
    """What the README tells other teams to run: `pip install "vio-nfv-components @ git+<url>@<ref>"` (here
    the `file://` URL of this checkout at its HEAD commit: pip clones and builds it the same way as from a git host).
    Dependencies are proven by the wheel's venv above; this proves the git URL form resolves and builds."""
    target = tmp_path / "site"
    head = _run("git", "rev-parse", "HEAD", cwd=ROOT).strip()
    spec = f"vio-nfv-components @ git+file://{ROOT}@{head}"
    _run(sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", target, spec, cwd=tmp_path,
         env=_clean_env())
    [dist] = target.glob("vio_nfv_components-*.dist-info")
    assert dist.name == f"vio_nfv_components-{__version__}.dist-info"
    assert (target / "components" / "py.typed").exists() and (target / "components" / "tenant_args.py").exists()
