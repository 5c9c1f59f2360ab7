"""One reader for Pulumi.<stack>.yaml, shared by the offline evaluator and preflight.

A stack file that is not what the Pulumi engine would accept is reported with its file and line, never
as a traceback: malformed YAML, a document that is not a mapping, a `config:` that is not a mapping, and
duplicate keys. PyYAML keeps the last of two equal keys silently (so would an operator's eye miss the
first), and the engine rejects them; this loader rejects them too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

NAMESPACE = "vio-nfv"
#: The keys of a stack file: Pulumi's ProjectStack (pulumi/pulumi: sdk/go/common/workspace/project.go,
#: yaml tags secretsprovider, encryptedkey, encryptionsalt, config, environment). Anything else is a typo
#: (`conifg:`) that would otherwise leave every key "required".
STACK_FILE_KEYS = ("secretsprovider", "encryptedkey", "encryptionsalt", "config", "environment")


class StackFileError(Exception):
    """The stack file cannot be read as a stack configuration. `str()` is `<file>:<line>: <what>`."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping with the same key twice, naming both lines."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key (a list or mapping as a key)
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                ) from None
            if first is not None:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (first at line {first}); YAML keeps only the last, "
                    "so one of them is silently lost: remove or merge one", key_node.start_mark,
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _line(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def read(path: Path) -> dict[str, Any]:
    """The whole `config:` block (full keys, values as written; secure ones as {'secure': ...}).

    Raises FileNotFoundError when the file does not exist and StackFileError when it is not a stack file.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise StackFileError(path, None, f"is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    loader = _UniqueKeyLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise StackFileError(path, None, "is empty; a stack file is a mapping with a `config:` key")
        if not isinstance(root, yaml.MappingNode):
            raise StackFileError(path, _line(root), f"is a YAML {_kind(root)}, not a mapping; a stack file "
                                 "is a mapping with a `config:` key")
        for key_node, _ in root.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.value not in STACK_FILE_KEYS:
                shown = repr(key_node.value) if isinstance(key_node, yaml.ScalarNode) else _kind(key_node)
                raise StackFileError(path, _line(key_node), f"{shown} is not a stack file key; expected one "
                                     f"of {', '.join(STACK_FILE_KEYS)}")
        config_node = next((v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "config"),
                           None)
        if config_node is not None and not isinstance(config_node, yaml.MappingNode) and not (
            isinstance(config_node, yaml.ScalarNode) and config_node.tag == "tag:yaml.org,2002:null"
        ):
            raise StackFileError(path, _line(config_node), f"`config:` is a YAML {_kind(config_node)}, not a "
                                 "mapping of `vio-nfv:<key>: <value>` lines")
        document = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        if not str(exc.problem).startswith("duplicate key"):
            what = f"is not valid YAML: {what}"
        raise StackFileError(path, mark.line + 1 if mark else None, what) from None
    except yaml.YAMLError as exc:
        raise StackFileError(path, None, f"is not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    config = document.get("config") or {}
    key_lines = {
        k.value: _line(k) for k, _ in (config_node.value if isinstance(config_node, yaml.MappingNode) else ())
        if isinstance(k, yaml.ScalarNode)
    }
    for key in config:
        if not isinstance(key, str):
            raise StackFileError(path, _line(config_node), f"config key {key!r} is not text; keys are "
                                 f"`{NAMESPACE}:<name>`")
        if not _is_config_key(key):
            fix = f"write `{NAMESPACE}:{key}`" if ":" not in key else f"one colon: `{NAMESPACE}:<name>`"
            raise StackFileError(path, key_lines.get(key, _line(config_node)), f"config key {key!r} is not "
                                 "`<namespace>:<name>`, so the Pulumi CLI refuses the file (\"configuration keys "
                                 f"should be of the form `<namespace>:<name>`\"); {fix}")
    return dict(config)


def _is_config_key(key: str) -> bool:
    """Whether the engine parses `key` as a config key: `<namespace>:<name>`, or the legacy
    `<namespace>:config:<name>` (pulumi/pulumi sdk/go/common/resource/config/key.go, `ParseKey`: one colon,
    or two with the middle part `config`; anything else is "could not parse ... as a configuration key")."""
    parts = key.split(":")
    return len(parts) == 2 or (len(parts) == 3 and parts[1] == "config")


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "list"
    if isinstance(node, yaml.MappingNode):
        return "mapping"
    return f"scalar ({node.value[:40]!r})"


def namespace(config: dict[str, Any]) -> dict[str, Any]:
    """The `vio-nfv:` keys of a config block, namespace stripped."""
    prefix = f"{NAMESPACE}:"
    return {k[len(prefix) :]: v for k, v in config.items() if k.startswith(prefix)}
