"""Faults on demand: each fires when switched on, as documented in sim/nsx/server.py Faults, and the
simulator answers normally again afterwards."""

from __future__ import annotations

import socket

import pytest

from preflight.nsx import NsxError
from sim.nsx import NsxSimulator
from tests.nsx.conftest import Api

VERSION = "/api/v1/node/version"
PROXY = "/policy/api/v1/infra/metadata-proxies/p"


def test_errors_500_answer_the_next_n_matching_requests_then_recover(sim: NsxSimulator, api: Api) -> None:
    sim.faults.errors_500, sim.faults.error_path = 2, r"/node/version$"
    assert api.call("GET", "/policy/api/v1/infra")[0] == 200  # other paths are spared
    answers = [api.call("GET", VERSION) for _ in range(3)]
    assert [a[0] for a in answers] == [500, 500, 200]
    assert answers[0][1]["httpStatus"] == "INTERNAL_SERVER_ERROR"


def test_a_slow_answer_runs_into_the_clients_timeout(sim: NsxSimulator) -> None:
    sim.faults.delay_path, sim.faults.delay_seconds = r"/node/version", 1.0
    with pytest.raises(NsxError, match=r"did not answer within 0\.2s"):
        Api(sim, timeout=0.2).call("GET", VERSION)
    sim.faults.delay_path = None
    assert Api(sim).call("GET", VERSION)[0] == 200


def test_a_revision_conflict_refuses_a_put_with_the_revision_just_read(api: Api, sim: NsxSimulator) -> None:
    api.ok("PATCH", PROXY, {"server_address": "http://a:1", "secret": "s"})
    read = api.ok("GET", PROXY)
    sim.faults.revision_conflicts = 1
    status, body = api.call("PUT", PROXY, read)
    assert status == 412 and "modified by somebody else" in body["error_message"]
    reread = api.ok("GET", PROXY)  # the provider's retry reads again and succeeds
    assert reread["_revision"] == read["_revision"] + 1
    assert api.call("PUT", PROXY, reread)[0] == 200


def _session_cookie(sim: NsxSimulator, api: Api) -> dict[str, str]:
    status, _, headers = api.client.request(
        "POST", "/api/session/create", f"j_username={sim.user}&j_password={sim.password}".encode(),
        {"Content-Type": "application/x-www-form-urlencoded", "Authorization": ""})
    assert status == 200
    return {"Cookie": headers["Set-Cookie"].split(";")[0], "X-XSRF-TOKEN": headers["X-XSRF-TOKEN"]}


def test_an_expired_session_is_refused_even_with_basic_auth_by_default(sim: NsxSimulator, api: Api) -> None:
    session = _session_cookie(sim, api)
    assert api.call("GET", VERSION, headers=session)[0] == 200
    sim.faults.sessions_expired = True
    status, body = api.call("GET", VERSION, headers=session)  # basic auth still sent by the client
    assert status == 401 and "expired" in body["error_message"]


def test_an_expired_session_can_be_told_to_fall_back_to_basic_auth(sim: NsxSimulator, api: Api) -> None:
    session = _session_cookie(sim, api)
    sim.faults.sessions_expired, sim.faults.expired_session_falls_back_to_basic = True, True
    assert api.call("GET", VERSION, headers=session)[0] == 200
    assert api.call("GET", VERSION, headers={**session, "Authorization": ""})[0] == 401


def test_the_simulator_listens_on_loopback_only(sim: NsxSimulator) -> None:
    assert sim.address.startswith("127.0.0.1:")
    assert sim._tls._server is not None and sim._tls._server.server_address[0] == "127.0.0.1"
    with socket.create_connection(("127.0.0.1", sim.port), timeout=2):
        pass


def test_a_session_expires_after_the_requests_it_may_authenticate(sim: NsxSimulator, api: Api) -> None:
    sim.faults.session_requests = 2
    session = {**_session_cookie(sim, api), "Authorization": ""}
    assert [api.call("GET", VERSION, headers=session)[0] for _ in range(3)] == [200, 200, 401]
    assert api.call("GET", VERSION, headers={**_session_cookie(sim, api), "Authorization": ""})[0] == 200
