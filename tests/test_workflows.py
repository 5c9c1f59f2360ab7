"""The GitHub workflows: previews on pull requests (with the policy pack and a PR comment), `up` on main
behind an environment, the SDK generated before Pulumi runs, secrets only from the secret store, and an
offline plan diff for pull requests that get no secrets."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

WORKFLOWS = sorted((Path(__file__).resolve().parents[1] / ".github" / "workflows").glob("*.y*ml"))


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
def test_sdk_generated_and_deps_installed_before_pulumi_runs(command: str) -> None:
    for _, job, _ in _jobs_running(command, "pull_request" if command == "preview" else "push"):
        (index, _), = _pulumi_steps(job, command)
        before = "\n".join(str(s.get("run", "")) for s in job["steps"][:index])
        assert "pulumi install" in before
        assert "pip install" in before and "-r requirements.txt" in before
        assert "-e sdks/nsxt" in before
        # The CLI must exist before `pulumi install`: an earlier pulumi/actions step without a command.
        cli = [i for i, s in enumerate(job["steps"]) if str(s.get("uses", "")).startswith("pulumi/actions@")
               and "command" not in (s.get("with") or {})]
        install = next(i for i, s in enumerate(job["steps"]) if "pulumi install" in str(s.get("run", "")))
        assert cli and cli[0] < install


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
