"""The slice of the NSX-T provider's Python API this project uses, by name.

Argument names are the provider's (snake_case of the schema's camelCase); tests check each against
the schema fact sheet. Add an entry here when production code starts using another resource.
"""

from __future__ import annotations

from typing import Any

from ._machinery import InputType, StandInFunction, StandInProvider, StandInResource, make_input_type



def _resource(name: str, args: tuple[str, ...], outputs: tuple[str, ...] = ("path", "revision")) -> type:
    token = f"nsxt:index/{name[0].lower()}{name[1:]}:{name}"
    return type(
        name,
        (StandInResource,),
        {"TOKEN": token, "ARGS": frozenset(args), "OUTPUTS": frozenset(outputs)},
    )


def _input(name: str, args: tuple[str, ...]) -> type[InputType]:
    return make_input_type(f"{name}Args", f"nsxt:index/{name}:{name}", args)


def _function(python_name: str, name: str, args: tuple[str, ...]) -> dict[str, Any]:
    fn = StandInFunction(python_name, f"nsxt:index/get{name}:get{name}", args)
    return {python_name: fn.plain, f"{python_name}_output": fn.output}


class Provider(StandInProvider):
    ARGS = frozenset(
        {"host", "username", "password", "allow_unverified_ssl", "ca", "ca_file", "max_retries",
         "retry_min_delay", "retry_max_delay", "enforcement_point", "remote_auth", "session_auth"}
    )


RESOURCES: dict[str, Any] = {
    "Provider": Provider,
    "ComputeManager": _resource(
        "ComputeManager",
        ("display_name", "description", "server", "credential", "tags", "origin_type",
         "create_service_account", "set_as_oidc_provider", "access_level_for_oidc",
         "reverse_proxy_https_port", "multi_nsx", "extension_certificate"),
        outputs=("revision",),
    ),
}

INPUT_TYPES: dict[str, type[InputType]] = {
    t.__name__: t
    for t in (
        _input("ComputeManagerCredential",
               ("username_password_login", "session_login", "saml_login", "verifiable_asymmetric_login_credential")),
        _input("ComputeManagerCredentialUsernamePasswordLogin", ("username", "password", "thumbprint")),
        _input("ComputeManagerTag", ("scope", "tag")),
    )
}

FUNCTIONS: dict[str, Any] = {
    **_function("get_policy_transport_zone", "PolicyTransportZone",
                ("id", "display_name", "description", "transport_type", "is_default", "site_path")),
    **_function("get_policy_edge_cluster", "PolicyEdgeCluster",
                ("id", "display_name", "description", "site_path")),
    **_function("get_policy_edge_node", "PolicyEdgeNode",
                ("id", "display_name", "description", "edge_cluster_path", "member_index")),
}

