"""The services' configuration files, rendered from the layout at every start (cheap and deterministic).

What each option is for, where it is not obvious:
- keystonemiddleware and Octavia's service_auth log in as the service users vionfv_os_sim.catalog makes;
  they reach Keystone on the internal URL, with the simulator's CA (`cafile`).
- Neutron: ML2 with no mechanism driver (no agents bind ports; the API and its database are what the
  program talks to), tenant networks as vxlan, flat/vlan and VIO's `l3_ext` (vionfv_os_sim.l3_ext) for
  provider networks; service plugins `router` (with the extraroute extensions, neutron/services/l3_router/
  l3_router_plugin.py `supported_extension_aliases`) and `firewall_v2` served by
  vionfv_os_sim.fwaas.ImmediateFirewallDriver (neutron-fwaas reads `[service_providers]` for FIREWALL_V2);
  Nova notifications off (Nova runs without compute).
- Nova: API only, its API database and cell0 (`nova-manage cell_v2 map_cell0`): flavors, extra specs and
  quota sets live there.
- Octavia: the `amphora` provider with the noop amphora/compute/network/image drivers, so the worker's
  flows run to ACTIVE without VMs (octavia/common/config.py `controller_worker` options); jobboard off
  (it needs Redis or etcd).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sim.openstack.layout import Layout

Sections = dict[str, dict[str, str]]


def _ini(sections: Sections) -> str:
    return "".join(
        f"[{name}]\n" + "".join(f"{k} = {v}\n" for k, v in opts.items()) + "\n" for name, opts in sections.items()
    )


def _common(layout: Layout, service: str, lock_dir: Path) -> Sections:
    return {
        "DEFAULT": {"transport_url": layout.transport_url, "debug": "false", "use_stderr": "true"},
        "keystone_authtoken": {
            "www_authenticate_uri": layout.public_url("keystone"),
            "auth_url": layout.internal_url("keystone"),
            "auth_type": "password",
            "cafile": str(layout.ca_file),
            "project_domain_name": "Default",
            "user_domain_name": "Default",
            "project_name": "service",
            "username": service,
            "password": layout.secret("service"),
            "interface": "internal",
            "region_name": layout.admin.region,
        },
        "oslo_concurrency": {"lock_path": str(lock_dir)},
    }


def _merge(*parts: Sections) -> Sections:
    out: Sections = {}
    for part in parts:
        for name, opts in part.items():
            out.setdefault(name, {}).update(opts)
    return out


def keystone(layout: Layout) -> Path:
    keys = layout.dir("keystone")
    path = layout.dir("etc", "keystone") / "keystone.conf"
    path.write_text(_ini({
        "DEFAULT": {"debug": "false", "use_stderr": "true"},
        "database": {"connection": layout.db_url("keystone")},
        "token": {"provider": "fernet"},
        "fernet_tokens": {"key_repository": str(keys / "fernet-keys")},
        "fernet_receipts": {"key_repository": str(keys / "fernet-keys")},
        "credential": {"key_repository": str(keys / "credential-keys")},
    }))
    return path


def neutron(layout: Layout, venv: Path) -> list[Path]:
    etc = layout.dir("etc", "neutron")
    shutil.copyfile(venv / "etc" / "neutron" / "api-paste.ini", etc / "api-paste.ini")
    conf = etc / "neutron.conf"
    conf.write_text(_ini(_merge(_common(layout, "neutron", layout.dir("neutron", "lock")), {
        "DEFAULT": {
            "core_plugin": "ml2",
            "service_plugins": "router,firewall_v2",
            "auth_strategy": "keystone",
            "allow_overlapping_ips": "true",
            "notify_nova_on_port_status_changes": "false",
            "notify_nova_on_port_data_changes": "false",
            "api_paste_config": str(etc / "api-paste.ini"),
            "state_path": str(layout.dir("neutron")),
            "api_workers": "1",
            "rpc_workers": "0",
        },
        "database": {"connection": layout.db_url("neutron")},
        "service_providers": {
            "service_provider": "FIREWALL_V2:vionfv:vionfv_os_sim.fwaas.ImmediateFirewallDriver:default",
        },
    })))
    ml2 = etc / "ml2_conf.ini"
    ml2.write_text(_ini({
        "ml2": {
            "type_drivers": "flat,vlan,vxlan,l3_ext",
            "tenant_network_types": "vxlan",
            "mechanism_drivers": "",
            "extension_drivers": "port_security",
        },
        "ml2_type_flat": {"flat_networks": "*"},
        "ml2_type_vlan": {"network_vlan_ranges": "physnet1"},
        "ml2_type_vxlan": {"vni_ranges": "1:100000"},
    }))
    return [conf, ml2]


def nova(layout: Layout, venv: Path) -> list[Path]:
    etc = layout.dir("etc", "nova")
    shutil.copyfile(venv / "etc" / "nova" / "api-paste.ini", etc / "api-paste.ini")
    conf = etc / "nova.conf"
    conf.write_text(_ini(_merge(_common(layout, "nova", layout.dir("nova", "lock")), {
        "DEFAULT": {"state_path": str(layout.dir("nova"))},
        "api": {"auth_strategy": "keystone"},
        "wsgi": {"api_paste_config": str(etc / "api-paste.ini")},
        "api_database": {"connection": layout.db_url("nova_api")},
        "database": {"connection": layout.db_url("nova_cell0")},
    })))
    return [etc / "api-paste.ini", conf]


def octavia(layout: Layout, tls: dict[str, str]) -> Path:
    service_auth = {
        "auth_url": layout.internal_url("keystone"),
        "auth_type": "password",
        "cafile": str(layout.ca_file),
        "project_domain_name": "Default",
        "user_domain_name": "Default",
        "project_name": "service",
        "username": "octavia",
        "password": layout.secret("service"),
    }
    path = layout.dir("etc", "octavia") / "octavia.conf"
    path.write_text(_ini(_merge(_common(layout, "octavia", layout.dir("octavia", "lock")), {
        "api_settings": {
            "auth_strategy": "keystone",
            "enabled_provider_drivers": "amphora:The Octavia Amphora driver.",
            "default_provider_driver": "amphora",
        },
        "database": {"connection": layout.db_url("octavia")},
        "controller_worker": {
            "amphora_driver": "amphora_noop_driver",
            "compute_driver": "compute_noop_driver",
            "network_driver": "network_noop_driver",
            "image_driver": "image_noop_driver",
            "amp_image_tag": "amphora",
            "amp_flavor_id": "amphora",
            "amp_boot_network_list": "lb-mgmt-net",
            "loadbalancer_topology": "SINGLE",
            # Read by the amphora create flow even with the noop drivers (compute_tasks.py CertComputeCreate).
            "client_ca": tls["ca"],
        },
        "certificates": {
            "cert_generator": "local_cert_generator",
            "ca_certificate": tls["ca"],
            "ca_private_key": tls["ca_key"],
            "server_certs_key_passphrase": layout.secret("octavia-certs")[:32],
        },
        "health_manager": {"heartbeat_key": layout.secret("octavia-heartbeat")},
        "task_flow": {"jobboard_enabled": "false"},
        "oslo_messaging": {"topic": "octavia_prov"},
        "service_auth": service_auth,
    })))
    return path
