"""How a run ends when a vCenter does not cooperate: the whole-run timeout against an endpoint that
trickles bytes, every check of an unreadable vCenter reported as SKIP with its reason, and progress lines
from two vCenters read at once that stay whole."""

from __future__ import annotations

import re
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from components import settings as config
from preflight import checks, cli
from preflight.inventory import Endpoint
from sim.vcsim import simulator
from tests.preflight.conftest import Run, local

Pair = tuple[simulator.Simulator, simulator.Simulator]


@pytest.fixture
def trickling_server() -> Iterator[int]:
    """An HTTP endpoint that answers every request with a 200 and then one byte of body a second, forever:
    each socket read returns well within any read timeout, so only a bound on the whole run ends it."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)  # the request's start; the rest is never needed
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\n\r\n")
                while not stop.wait(1.0):
                    conn.sendall(b" ")
            except OSError:
                return  # the client hung up: what the deadline is meant to do

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    server.close()


def test_trickling_endpoint_ends_within_the_timeout_with_a_report_of_what_was_checked(
    trickling_server: int, run_preflight: Run, passing_pair: Pair, prod: config.Settings
) -> None:
    started = time.monotonic()
    outcome = run_preflight(local(passing_pair[0]), ("127.0.0.1", trickling_server), "--timeout", "2")
    elapsed = time.monotonic() - started
    assert elapsed < 2 + 2, f"took {elapsed:.1f}s"
    assert outcome.code == 1
    assert outcome.doc["timed_out"] == ["resource"]
    [failure] = outcome.results(status="fail")
    assert failure["vcenter"] == "resource" and failure["check"] == "reachable"
    assert failure["detail"].endswith("did not answer within the run's 2s timeout (connect)")
    # What was checked: the management vCenter in full. What was not: each resource check, and the IPs.
    management = [r for r in outcome.doc["results"] if r["vcenter"] == "management"]
    assert {r["status"] for r in management} == {"pass"}
    assert {r["check"] for r in management} == {"reachable", *checks.MANAGEMENT_CHECKS}
    skipped = [r for r in outcome.doc["results"] if r["vcenter"] == "resource" and r["status"] == "skip"]
    assert {r["check"] for r in skipped} == {"version", "datacenter", "datastore", "cluster", "hosts", "folder",
                                             "resource pool"}
    assert all("timeout ran out" in r["detail"] for r in skipped)
    assert outcome.results("ip free", "skip")
    assert re.search(r"SKIP\s+resource\s+datastore\s+127\.0\.0\.1:\d+/res-dc01\s+not checked: the run's timeout",
                     outcome.out)
    assert re.search(r"FAIL\s+resource\s+reachable", outcome.out)


def test_vcenter_trickling_mid_inventory_is_stopped_at_the_deadline_and_named_by_phase(
    simulator_binary: Path, prod: config.Settings, run_preflight: Run, passing_pair: Pair
) -> None:
    # Login succeeds; the inventory read then gets a 200 whose body never ends.
    with simulator.running({**simulator.resource_spec(prod), "trickleOn": "RetrievePropertiesEx"}) as res:
        started = time.monotonic()
        outcome = run_preflight(local(passing_pair[0]), local(res), "--timeout", "2")
        elapsed = time.monotonic() - started
    assert elapsed < 2 + 2, f"took {elapsed:.1f}s"
    assert outcome.code == 1
    [failure] = outcome.results(status="fail")
    assert failure["detail"] == f"resource vCenter 127.0.0.1:{res.port} did not answer within the run's 2s timeout (inventory)"
    assert f"resource vCenter 127.0.0.1:{res.port}: reading inventory" in outcome.err
    assert {r["status"] for r in outcome.doc["results"] if r["vcenter"] == "management"} == {"pass"}


def test_unreachable_vcenter_shows_each_check_it_could_not_run_as_skip(
    run_preflight: Run, passing_pair: Pair, prod: config.Settings
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    outcome = run_preflight(("127.0.0.1", port), local(passing_pair[1]))
    assert outcome.code == 1
    mine = [r for r in outcome.doc["results"] if r["vcenter"] == "management"]
    assert [(r["check"], r["status"]) for r in mine] == [
        ("reachable", "fail"), *((check, "skip") for check in checks.MANAGEMENT_CHECKS)
    ]
    assert all(r["detail"] == "not checked: this vCenter could not be read (see reachable)" for r in mine[1:])
    for check in checks.MANAGEMENT_CHECKS:
        assert re.search(rf"SKIP\s+management\s+{re.escape(check)}\s", outcome.out), check
    assert "0 failed" not in outcome.out and "NOT ready" in outcome.out


def test_skip_lists_name_every_check_a_passing_run_makes(
    run_preflight: Run, passing_pair: Pair, prod: config.Settings
) -> None:
    # `unchecked` is written by hand next to the checks: a check added to one and not the other fails here.
    outcome = run_preflight(local(passing_pair[0]), local(passing_pair[1]))
    assert outcome.code == 0, outcome.out
    for endpoint in (
        Endpoint("management", "managementVcenter", "127.0.0.1", passing_pair[0].port, "u", "p"),
        Endpoint("resource", "resourceVcenter", "127.0.0.1", passing_pair[1].port, "u", "p"),
    ):
        ran = [r["check"] for r in outcome.doc["results"] if r["vcenter"] == endpoint.role and r["check"] != "reachable"]
        # Over http (the simulator's), there is no certificate to compare.
        listed = [r.check for r in checks.unchecked(prod, endpoint, "why", tls_used=False)]
        assert sorted(ran) == sorted(listed)


class SlowStream:
    """A stderr that gives other threads every chance to cut in: it writes one character at a time and
    yields between them, as a pipe or a terminal may split a large write."""

    def __init__(self) -> None:
        self.chars: list[str] = []

    def write(self, text: str) -> int:
        for char in text:
            self.chars.append(char)
            time.sleep(0.0002)
        return len(text)

    def flush(self) -> None:
        pass

    @property
    def text(self) -> str:
        return "".join(self.chars)


def test_progress_lines_of_two_vcenters_read_at_once_never_interleave(
    simulator_binary: Path, prod: config.Settings, run_preflight: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = {"delayMs": 150}
    stream = SlowStream()
    with simulator.running({**simulator.management_spec(prod), **slow}) as mgmt, simulator.running(
        {**simulator.resource_spec(prod), **slow}
    ) as res:
        monkeypatch.setattr(sys, "stderr", stream)
        outcome = run_preflight(local(mgmt), local(res))
    assert outcome.code == 0, outcome.out
    lines = stream.text.splitlines()
    line = re.compile(r"\[\s*\d+\.\ds\] (stack sim: .+|stack state: .+|(management|resource) vCenter 127\.0\.0\.1:\d+: "
                      r"(connecting|reading inventory|\d+ objects read)|done in \d+\.\ds)")
    assert stream.text.endswith("\n")
    assert [text for text in lines if not line.fullmatch(text)] == []
    # Both were read at once: each vCenter started before the other finished.
    first = {role: next(i for i, text in enumerate(lines) if f"{role} vCenter" in text)
             for role in ("management", "resource")}
    last = {role: max(i for i, text in enumerate(lines) if f"{role} vCenter" in text)
            for role in ("management", "resource")}
    assert first["management"] < last["resource"] and first["resource"] < last["management"]


@pytest.mark.parametrize("timeout", ["0", "-5"])
def test_a_timeout_that_leaves_no_time_is_a_usage_error(
    timeout: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--stack", "never-read", "--timeout", timeout]) == cli.EXIT_USAGE
    assert f"--timeout {float(timeout):g}: must be more than 0 seconds" in capsys.readouterr().err
