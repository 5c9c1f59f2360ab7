"""Contract of the Manager API calls terraform-provider-nsxt v3.11.0 makes outside the Policy tree:
configure (node version, session), auth, and nsxt_compute_manager's create/read/update/delete."""

from __future__ import annotations

import base64

from sim.nsx import NsxSimulator
from tests.nsx.conftest import Api

CM = "/api/v1/fabric/compute-managers"


def _compute_manager(server: str = "vc-res01.nfv.example.net") -> dict[str, object]:
    # resource_nsxt_compute_manager.go resourceNsxtComputeManagerCreate / getCredentialValues.
    return {
        "display_name": server, "description": "Resource vCenter", "server": server, "origin_type": "vCenter",
        "multi_nsx": False, "set_as_oidc_provider": False, "create_service_account": True,
        "credential": {"credential_type": "UsernamePasswordLoginCredential", "username": "svc@vsphere.local",
                       "password": "vc-Secret-1", "thumbprint": "3B:9D:61"},
    }


def test_node_version_reports_the_version_the_stack_declares(sim: NsxSimulator, api: Api) -> None:
    status, body = api.call("GET", "/api/v1/node/version")
    assert status == 200
    assert body == {"node_version": sim.version, "product_version": sim.version}


def test_wrong_basic_credentials_get_403_with_an_nsx_error_body(sim: NsxSimulator) -> None:
    status, body = Api(sim, password="wrong").call("GET", "/api/v1/node/version")
    assert status == 403
    assert body["httpStatus"] == "FORBIDDEN" and body["error_code"] == 403 and "credentials" in body["error_message"]


def _session(api: Api, user: str, password: str) -> tuple[int, dict[str, str]]:
    # go-vmware-nsxt api_client.go GetDefaultHeaders: form-encoded j_username/j_password, no basic auth.
    status, _, headers = api.client.request(
        "POST", "/api/session/create", f"j_username={user}&j_password={password}".encode(),
        {"Content-Type": "application/x-www-form-urlencoded", "Authorization": ""},
    )
    return status, {k: v for k, v in headers.items()}


def test_session_create_returns_the_cookie_and_xsrf_token_that_authenticate_later_calls(sim: NsxSimulator, api: Api) -> None:
    status, headers = _session(api, sim.user, sim.password)
    assert status == 200
    cookie = headers["Set-Cookie"].split(";")[0]
    assert cookie.startswith("JSESSIONID=")
    xsrf = headers["X-XSRF-TOKEN"]
    without_basic = {"Authorization": "", "Cookie": cookie}
    assert api.call("GET", "/api/v1/node/version", headers=without_basic)[0] == 200
    # A write needs the XSRF token next to the cookie (the provider's session header processor sends both).
    body = {"display_name": "x"}
    assert api.call("PATCH", "/policy/api/v1/infra/dhcp-server-configs/d1", body, headers=without_basic)[0] == 403
    assert api.call("PATCH", "/policy/api/v1/infra/dhcp-server-configs/d1", body,
                    headers={**without_basic, "X-XSRF-TOKEN": xsrf})[0] == 200


def test_session_create_refuses_wrong_credentials(sim: NsxSimulator, api: Api) -> None:
    status, headers = _session(api, sim.user, "nope")
    assert status == 403
    assert "Set-Cookie" not in headers


def test_compute_manager_post_assigns_the_id_and_get_hides_the_password(api: Api) -> None:
    status, created = api.call("POST", CM, _compute_manager())
    assert status == 201
    assert created["id"] and created["_revision"] == 0 and created["resource_type"] == "ComputeManager"
    read = api.ok("GET", f"{CM}/{created['id']}")
    assert "password" not in read["credential"]
    assert read["credential"]["thumbprint"] == "3B:9D:61"  # read back: setCredentialValuesInSchema
    listed = api.ok("GET", CM)
    assert listed["result_count"] == 1 and listed["results"][0]["id"] == created["id"]


def test_compute_manager_put_checks_the_revision(api: Api) -> None:
    created = api.ok("POST", CM, _compute_manager())
    path = f"{CM}/{created['id']}"
    stale = {**_compute_manager(), "description": "changed", "_revision": 7}
    status, body = api.call("PUT", path, stale)
    assert status == 412 and body["error_code"] == 604
    updated = api.ok("PUT", path, {**_compute_manager(), "description": "changed", "_revision": 0})
    assert updated["_revision"] == 1 and updated["description"] == "changed" and updated["id"] == created["id"]


def test_compute_manager_delete_then_get_is_404(api: Api) -> None:
    created = api.ok("POST", CM, _compute_manager())
    assert api.call("DELETE", f"{CM}/{created['id']}")[0] == 200
    status, body = api.call("GET", f"{CM}/{created['id']}")
    assert status == 404 and body["httpStatus"] == "NOT_FOUND"
    assert api.call("DELETE", f"{CM}/{created['id']}")[0] == 404


def test_compute_manager_refuses_a_second_registration_of_the_same_vcenter(api: Api) -> None:
    api.ok("POST", CM, _compute_manager())
    status, body = api.call("POST", CM, _compute_manager())
    assert status == 400 and "already registered" in body["error_message"]


def test_compute_manager_without_credential_is_refused_with_the_missing_field_named(api: Api) -> None:
    body = _compute_manager()
    del body["credential"]
    status, answer = api.call("POST", CM, body)
    assert status == 400 and "credential" in answer["error_message"]


def test_basic_auth_header_is_what_authenticates_without_a_session(sim: NsxSimulator, api: Api) -> None:
    token = base64.b64encode(f"{sim.user}:{sim.password}".encode()).decode()
    assert api.call("GET", "/api/v1/node/version", headers={"Authorization": f"Basic {token}"})[0] == 200
    assert api.call("GET", "/api/v1/node/version", headers={"Authorization": ""})[0] == 403
