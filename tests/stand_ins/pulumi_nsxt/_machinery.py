"""How stand-in resources, input types and functions behave: strict argument names, real type tokens."""

from __future__ import annotations

import re
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any, ClassVar

import pulumi


def snake_to_camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def camel_to_snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _check(kind: str, owner: str, given: Iterable[str], allowed: frozenset[str]) -> None:
    unknown = sorted(set(given) - allowed)
    if unknown:
        raise TypeError(
            f"{owner}() got unexpected {kind}(s) {', '.join(unknown)}; "
            f"the NSX-T provider's {owner} accepts: {', '.join(sorted(allowed))}"
        )


class InputType(dict[str, Any]):
    """An input object type (e.g. PolicyTier0GatewayBgpConfigArgs): a dict with checked keys."""

    ARGS: ClassVar[frozenset[str]] = frozenset()
    TOKEN: ClassVar[str] = ""

    def __init__(self, **kwargs: Any) -> None:
        _check("argument", type(self).__name__, kwargs, self.ARGS)
        super().__init__({k: v for k, v in kwargs.items() if v is not None})


def make_input_type(name: str, token: str, args: Iterable[str]) -> type[InputType]:
    return type(name, (InputType,), {"ARGS": frozenset(args), "TOKEN": token})


class OutputObject(dict[str, Any]):
    """A resolved nested block: a dict whose snake_case keys also read as attributes."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _as_output_type(value: Any) -> Any:
    if isinstance(value, dict):
        return OutputObject({k: _as_output_type(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_as_output_type(v) for v in value]
    return value


class StandInResource(pulumi.CustomResource):
    """A resource with the provider's type token whose keyword arguments are checked by name."""

    TOKEN: ClassVar[str] = ""
    ARGS: ClassVar[frozenset[str]] = frozenset()
    OUTPUTS: ClassVar[frozenset[str]] = frozenset()

    def __init__(
        self, resource_name: str, opts: pulumi.ResourceOptions | None = None, **kwargs: Any
    ) -> None:
        _check("argument", type(self).__name__, kwargs, self.ARGS)
        props: dict[str, Any] = {name: None for name in self.OUTPUTS}
        props.update(kwargs)
        super().__init__(self.TOKEN, resource_name, props, opts)
        # The generated SDK resolves nested blocks (e.g. `bgp_config`) to output types: dicts whose
        # fields are also attributes (`t0.bgp_config.apply(lambda c: c.path)`). Mirror that.
        for name in props:
            setattr(self, name, getattr(self, name).apply(_as_output_type))

    def translate_input_property(self, prop: str) -> str:
        return snake_to_camel(prop)

    def translate_output_property(self, prop: str) -> str:
        return camel_to_snake(prop)


class StandInProvider(pulumi.ProviderResource):
    ARGS: ClassVar[frozenset[str]] = frozenset()

    def __init__(
        self, resource_name: str, opts: pulumi.ResourceOptions | None = None, **kwargs: Any
    ) -> None:
        _check("argument", "Provider", kwargs, self.ARGS)
        super().__init__("nsxt", resource_name, dict(kwargs), opts)

    def translate_input_property(self, prop: str) -> str:
        return snake_to_camel(prop)

    def translate_output_property(self, prop: str) -> str:
        return camel_to_snake(prop)


class StandInFunction:
    """`get_x` / `get_x_output`: an invoke with the provider's token and checked argument names."""

    def __init__(self, python_name: str, token: str, args: Iterable[str]) -> None:
        self.python_name = python_name
        self.token = token
        self.args = frozenset(args)

    def _invoke_args(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        _check("argument", self.python_name, kwargs, self.args)
        return {snake_to_camel(k): v for k, v in kwargs.items() if v is not None}

    @staticmethod
    def _result(raw: dict[str, Any]) -> SimpleNamespace:
        return SimpleNamespace(**{camel_to_snake(k): v for k, v in raw.items()})

    def output(self, opts: pulumi.InvokeOutputOptions | None = None, **kwargs: Any) -> pulumi.Output[Any]:
        return pulumi.runtime.invoke_output(self.token, self._invoke_args(kwargs), opts).apply(
            self._result
        )

    def plain(self, opts: pulumi.InvokeOptions | None = None, **kwargs: Any) -> SimpleNamespace:
        args = self._invoke_args(kwargs)
        return self._result(pulumi.runtime.invoke(self.token, args, opts).value)
