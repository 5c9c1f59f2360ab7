"""A corpus of realistic configuration mistakes, each rejected by the main-job CLI with exit 2.

The cases (tests/corpus/*.yaml) are mutations of the real stack files applied at test time, written to a
temporary project directory and run through `python -m offline <stack> --project-dir <dir>` (its `main`
in-process; a few as real subprocesses): exit 2, the key (or file and line) named, no traceback, nothing
registered. The valid-but-unusual cases must evaluate.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from components import settings as config
from offline.__main__ import main
from offline.evaluate import ROOT

CORPUS = Path(__file__).parent / "corpus"
NS = "vio-nfv:"
INVALID: list[dict[str, Any]] = yaml.safe_load((CORPUS / "invalid_stacks.yaml").read_text())
VALID: list[dict[str, Any]] = yaml.safe_load((CORPUS / "valid_stacks.yaml").read_text())
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _path(path: str) -> list[str | int]:
    """`tenants[0].networks[1].cidr` -> ['vio-nfv:tenants', 0, 'networks', 1, 'cidr']."""
    parts: list[str | int] = [int(i) if i else name for name, i in _PART.findall(path)]
    parts[0] = NS + str(parts[0])
    return parts


def _parent(cfg: dict[str, Any], path: str) -> tuple[Any, str | int]:
    *head, last = _path(path)
    node: Any = cfg
    for part in head:
        node = node[part]
    return node, last


def _mutate(cfg: dict[str, Any], case: dict[str, Any]) -> None:
    for path, value in (case.get("set") or {}).items():
        node, last = _parent(cfg, path)
        node[last] = value
    for path in case.get("delete") or []:
        node, last = _parent(cfg, path)
        del node[last]
    for path, items in (case.get("append") or {}).items():
        node, last = _parent(cfg, path)
        node[last].extend(items)


def _base_text(case: dict[str, Any]) -> tuple[str, str]:
    base = case.get("base", "prod")
    return base, (ROOT / f"Pulumi.{base}.yaml").read_text()


def write_case(case: dict[str, Any], directory: Path) -> tuple[str, Path, int | None]:
    """Write the case's stack file. Returns (stack name, path, expected line for stack-file cases)."""
    stack, text = _base_text(case)
    path = directory / f"Pulumi.{stack}.yaml"
    line: int | None = None
    if "raw" in case:
        path.write_text(case["raw"])
        return stack, path, case.get("line")
    if "text" in case:
        for old, new in case["text"]:
            assert text.count(old) == 1, f"{case['id']}: {old!r} must occur once in Pulumi.{stack}.yaml"
            start = text.index(old) + len(new) - len(new.lstrip("\n"))  # where `new`'s first line starts
            text = text.replace(old, new)
            if isinstance(case.get("line"), int):
                line = text[:start].count("\n") + 1 + case["line"]
        path.write_text(text)
        return stack, path, line
    document = yaml.safe_load(text)
    _mutate(document["config"], copy.deepcopy(case))
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    return stack, path, None


def _run(case: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, Path, int | None]:
    stack, path, line = write_case(case, tmp_path)
    code = main([stack, "--project-dir", str(tmp_path), "--quiet"])
    out, err = capsys.readouterr()
    return code, out + err, path, line


@pytest.mark.parametrize("case", INVALID, ids=[c["id"] for c in INVALID])
def test_invalid_stack_file_exits_2_naming_its_key_with_nothing_registered(case, tmp_path, capsys):
    code, output, path, line = _run(case, tmp_path, capsys)
    assert code == 2, output
    assert "Traceback" not in output, output
    assert case["words"] in output, output
    if "key" in case:
        assert f"{NS}{case['key']}: " in output, output
        assert "\n0 resources registered." in output, output
    else:  # the stack file itself: file and line, before anything is evaluated
        where = f"{path}:{line}:" if isinstance(line, int) else f"{path}:" if "line" not in case else None
        assert (where in output) if where else re.search(re.escape(str(path)) + r":\d+: ", output), output
    if "hide" in case:
        assert str(case["hide"]) not in output, "a plain-text secret must never be echoed"
    if "max_line" in case:
        assert max(len(line) for line in output.splitlines()) <= case["max_line"], output


@pytest.mark.parametrize("case", VALID, ids=[c["id"] for c in VALID])
def test_valid_but_unusual_stack_file_is_accepted(case, tmp_path, capsys):
    code, output, _, _ = _run(case, tmp_path, capsys)
    assert code == 0, output


def test_corpus_covers_every_class_with_several_cases():
    classes = [c["class"] for c in INVALID]
    assert len(INVALID) >= 60 and len(VALID) >= 10
    assert len({c["id"] for c in INVALID + VALID}) == len(INVALID) + len(VALID)
    for kind in ("secrets", "addresses", "names", "types", "stack-file"):
        assert classes.count(kind) >= 5, kind


@pytest.mark.parametrize("case_id", ["secret-nsx-password-plaintext", "vlan-boolean", "duplicate-nested-key",
                                     "config-is-a-list", "ambiguous-tenant-and-network"])
def test_the_cli_process_exits_2_without_traceback(case_id, tmp_path):
    case = next(c for c in INVALID if c["id"] == case_id)
    stack, _, _ = write_case(case, tmp_path)
    done = subprocess.run([sys.executable, "-m", "offline", stack, "--project-dir", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stdout == "", "nothing is shown as evaluated"
    assert case.get("key", case["words"]) in done.stderr


# --------------------------------------------------------------------------- logical-name ambiguity


def _names(items: list[tuple[str, ...]], words: tuple[str, ...]) -> list[str]:
    """Join each key tuple into a logical name the way components do: prefix, then word/key pairs."""
    return ["-".join(["vio", *(p for w, k in zip(words, keys, strict=False) for p in (w, k) if p)]) for keys in items]


_TOKENS = ["a", "b", "net", "rule"]
_label = st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=3).map("-".join)


@st.composite
def _pairs(draw: st.DrawFn) -> list[tuple[str, str]]:
    """(parent, child) name pairs; several cut one shuffled token sequence in different places, so names
    that collide under some template are common, not luck."""
    tokens = draw(st.lists(st.sampled_from(_TOKENS), min_size=2, max_size=5))
    pairs: set[tuple[str, str]] = set()
    for _ in range(draw(st.integers(2, 4))):
        order = draw(st.permutations(tokens))
        cut = draw(st.integers(1, len(order) - 1))
        pairs.add(("-".join(order[:cut]), "-".join(order[cut:])))
    pairs |= set(draw(st.lists(st.tuples(_label, _label), max_size=3)))
    return sorted(pairs)


@settings(max_examples=400, deadline=None)
@given(
    pairs=_pairs(),
    words=st.tuples(st.sampled_from(["", "a", "net"]), st.sampled_from(["", "b", "rule", "net-a"])),
)
def test_names_that_pass_the_ambiguity_rule_never_share_a_logical_name(pairs, words):
    """Soundness of `ambiguous_name_problems` over random keys (hyphens inside, tokens shared with the
    role words) and random templates, including two keys with nothing but '-' between them."""
    items = [config.KeyedItem(("tenants", "networks"), p, f"tenants[{i}].networks[0].name") for i, p in enumerate(pairs)]
    flagged = bool(config.ambiguous_name_problems(items))
    names = _names(list(pairs), words)
    if not flagged:
        assert len(set(names)) == len(names), (pairs, words, names)


def test_the_ambiguity_rule_is_not_a_blanket_ban():
    ok = [config.KeyedItem(("t", "n"), ("a-b", "c"), "x"), config.KeyedItem(("t", "n"), ("b-a", "c"), "y")]
    bad = [config.KeyedItem(("t", "n"), ("a-b", "c"), "x"), config.KeyedItem(("t", "n"), ("a", "b-c"), "y")]
    assert config.ambiguous_name_problems(ok) == []
    assert [p.key for p in config.ambiguous_name_problems(bad)] == ["y"]


@settings(max_examples=12, deadline=None)
@given(pairs=_pairs())
def test_tenant_and_network_names_never_give_one_urn_end_to_end(pairs):
    """The real program under mocks: tenants and networks named from shuffled shared tokens (the template
    `{prefix}-{tenant}-net-{network}` has a role word, `net`, among the tokens) are either rejected as a
    ConfigError before anything is registered, or every URN is distinct."""
    from offline.evaluate import evaluate, stack_config

    cfg = copy.deepcopy(stack_config("dev"))
    tenants: dict[str, list[str]] = {}
    for tenant, network in pairs:
        if network not in tenants.setdefault(tenant, []):
            tenants[tenant].append(network)
    cidrs = iter(f"10.200.{i}.0/24" for i in range(256))
    cfg[NS + "tenants"] = [{"name": t, "networks": [{"name": n, "cidr": next(cidrs)} for n in nets]}
                           for t, nets in tenants.items()]
    evaluation = evaluate("dev", config=cfg)
    if isinstance(evaluation.error, config.ConfigError):
        assert evaluation.resources == []
        assert all("same logical name" in p.message for p in evaluation.error.problems), evaluation.error
    else:
        assert evaluation.error is None, evaluation.error
        assert evaluation.duplicate_urns == []
