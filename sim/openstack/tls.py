"""The simulator's certificate authority (trustme) and the APIs' server certificate.

The OpenStack provider reaches VIO over TLS (components.settings.OpenStack.insecure defaults to false),
so the APIs serve HTTPS with a certificate for the loopback IP, the public hostname and `localhost`,
signed by a CA kept in the state directory: clients trust <state>/tls/ca.pem (OS_CACERT, `cacert` of the
provider). The CA is made once; the server certificate again whenever the names it must carry change.
"""

from __future__ import annotations

import json

import trustme

from sim.openstack.layout import Layout


def ensure_certificates(layout: Layout) -> dict[str, str]:
    """Paths of ca.pem, server.pem (leaf + chain) and server.key, created or refreshed as needed."""
    tls = layout.dir("tls")
    ca_pem, ca_key = tls / "ca.pem", tls / "ca.key"
    if ca_pem.exists() and ca_key.exists():
        ca = trustme.CA.from_pem(ca_pem.read_bytes(), ca_key.read_bytes())
    else:
        ca = trustme.CA(organization_name="vio-nfv OpenStack simulator")
        ca.cert_pem.write_to_path(str(ca_pem))
        ca.private_key_pem.write_to_path(str(ca_key))
        ca_key.chmod(0o600)
    names = sorted({layout.ip, layout.public_host, "localhost"})
    server_pem, server_key, issued = tls / "server.pem", tls / "server.key", tls / "names.json"
    if not (server_pem.exists() and issued.exists() and json.loads(issued.read_text()) == names):
        leaf = ca.issue_cert(*names)
        leaf.private_key_pem.write_to_path(str(server_key))
        server_key.chmod(0o600)
        with server_pem.open("wb") as f:
            for blob in leaf.cert_chain_pems:
                f.write(blob.bytes())
        issued.write_text(json.dumps(names))
    return {"ca": str(ca_pem), "ca_key": str(ca_key), "cert": str(server_pem), "key": str(server_key)}
