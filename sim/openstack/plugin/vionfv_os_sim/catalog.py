"""Register the service users and the service catalog in a bootstrapped Keystone, idempotently:
`python -m vionfv_os_sim.catalog SPEC.json`.

SPEC: {auth: {auth_url, username, password, project_name, user_domain_name, project_domain_name},
cafile, region, service_password, services: [{name, type, user?, public, internal}]}. Each service with a `user` gets a
user in the `service` project with the admin role (what keystonemiddleware and Octavia's service_auth log
in as) and one endpoint per interface; an endpoint whose URL changed (a new public hostname) is updated.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import openstack


def _one(items: Any) -> Any:
    found = list(items)
    return found[0] if found else None


def main() -> None:
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    conn = openstack.connect(auth=spec["auth"], cacert=spec["cafile"], region_name=spec["region"],
                             identity_api_version="3")
    ident = conn.identity
    domain = ident.find_domain("default")
    project = ident.find_project("service", domain_id=domain.id) or ident.create_project(
        name="service", domain_id=domain.id, description="OpenStack service users (vio-nfv simulator)"
    )
    admin = ident.find_role("admin")
    for svc in spec["services"]:
        if svc.get("user"):
            user = ident.find_user(svc["user"], domain_id=domain.id)
            if user is None:
                user = ident.create_user(name=svc["user"], password=spec["service_password"],
                                         domain_id=domain.id)
            ident.assign_project_role_to_user(project, user, admin)
        service = _one(ident.services(type=svc["type"])) or ident.create_service(
            name=svc["name"], type=svc["type"], is_enabled=True
        )
        for interface in ("public", "internal", "admin"):
            url = svc["public"] if interface == "public" else svc["internal"]
            existing = _one(ident.endpoints(service_id=service.id, interface=interface, region_id=spec["region"]))
            if existing is None:
                ident.create_endpoint(service_id=service.id, interface=interface, url=url,
                                      region_id=spec["region"])
            elif existing.url != url:
                ident.update_endpoint(existing, url=url)


if __name__ == "__main__":
    main()
