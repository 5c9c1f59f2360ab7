"""A VIO 7.x Public API simulator (what vcsim is for vSphere), for tests and the polling benchmark.

Serves the operations of the reference (sim/vio/handlers.py, one handler per page) over TLS (a test CA
from `trustme`) on 127.0.0.1 with a random port, in-process (`with VioSimulator() as sim:`). Where the
reference is silent it answers per `sim.variants` (sim/vio/model.py `Variants`); faults on demand
(`sim.faults`); changes behind the API's back (`drift_*`, and the operator's day-2 procedures
`operator_add_compute_cluster` / `operator_remove_compute_cluster`).

The Manager's first boot (`Boot`): for `boot.seconds` of simulated time, and until `boot.powered_on()` says
the Manager VM runs when a simulated datacenter ties the two, the API is down: the port refuses
connections (bound, not listening), or accepts and resets, or answers 503/502.

Time is a `ManualClock` shared with the provider (components.vio_client.set_clock): an hour-long
deployment is polled in well under a second.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from typing import Any

import trustme

from components.vio_client import Clock, ManualClock
from sim.system import Endpoint
from sim.tls_server import JsonHandler, LoopbackTlsServer
from sim.vio.handlers import State
from sim.vio.model import Boot, Variants

DEFAULT_PASSWORD = "sim-Vio-Passw0rd"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: State

    def verify_request(self, request: Any, client_address: Any) -> bool:
        # Boot.mode "reset": the connection is accepted and closed before any answer.
        return self.state.boot.mode != "reset" or self.state.boot.up(self.state.clock.now())


class VioSimulator(State):
    def __init__(
        self,
        *,
        password: str = DEFAULT_PASSWORD,
        clock: Clock | None = None,
        deploy_seconds: float = 600.0,
        scale_seconds: float = 120.0,
        token_ttl: float = 1800.0,
        variants: Variants | None = None,
        boot: Boot | None = None,
        ca: trustme.CA | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(password=password, clock=clock or ManualClock(), deploy_seconds=deploy_seconds,
                         scale_seconds=scale_seconds, token_ttl=token_ttl, variants=variants, boot=boot)
        self._tls = LoopbackTlsServer("vio-sim", ca=ca, host=host, port=port)
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._activation = threading.Lock()
        self._listening = False

    # ---- lifecycle ----
    @property
    def ca_pem(self) -> str:
        return self._tls.ca_pem

    @property
    def port(self) -> int:
        return self._tls.port

    @property
    def host(self) -> str:
        return self._tls.host

    @property
    def endpoint(self) -> Endpoint:
        return Endpoint(f"https://{self.host}:{self.port}", self.ca_pem, self.USER, self.password)

    def start(self) -> VioSimulator:
        sim = self

        class Handler(_Handler):
            simulator = sim

        server = self._tls.bind(Handler, _Server)
        assert isinstance(server, _Server)
        server.state = self
        if self.boot.mode == "refuse" and not self.boot.up(self.clock.now()):
            # Bound but not listening: the kernel refuses connections until the Manager has booted. The
            # clock tells when simulated time passes (in the client's own sleep, so it cannot outrun the
            # boot); a thread also watches `powered_on`, which may change without the clock.
            if isinstance(self.clock, ManualClock):
                self.clock.watch(lambda _now: self._activate_if_up())
            self._spawn(self._activate_when_up, "vio-sim-boot")
        else:
            self._listening = True
            self._activate()
        return self

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _activate(self) -> None:
        self._tls.activate()

    def _activate_if_up(self) -> None:
        with self._activation:
            if self._tls.running and not self._listening and self.boot.up(self.clock.now()):
                self._listening = True
                self._activate()

    def _activate_when_up(self) -> None:
        while not self._stopping.is_set() and not self._listening:
            self._activate_if_up()
            time.sleep(0.005)

    def stop(self) -> None:
        self._stopping.set()
        with self._activation:
            self._tls.shutdown()

    def __enter__(self) -> VioSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- what tests look at ----
    def calls(self, method: str, pattern: str) -> list[tuple[str, str, Any]]:
        with self.lock:
            return [r for r in self.requests if r[0] == method and re.fullmatch(pattern, r[1])]

    # ---- changes behind the API's back ----
    def drift_service(self, cluster: str, service: str, ready: int) -> None:
        with self.lock:
            self.clusters[cluster].ready_override[service] = ready

    def drift_cluster_body(self, cluster: str, path: str, value: Any) -> None:
        with self.lock:
            node = self.clusters[cluster].body
            *parents, leaf = path.split(".")
            for part in parents:
                node = node[part]
            node[leaf] = value

    def drift_vcenter(self, name: str, key: str, value: Any) -> None:
        with self.lock:
            self.vcenters[name][key] = value

    def operator_add_compute_cluster(self, cluster: str, entry: dict[str, Any]) -> None:
        """An operator adds a compute cluster with VIO's own day-2 procedure (the Manager's UI or
        `viocli`): the running deployment's body gains the entry; nothing is redeployed."""
        with self.lock:
            compute = self.clusters[cluster].body["openstack_info"]["compute"]
            compute["compute_clusters"].append(json.loads(json.dumps(entry)))

    def operator_remove_compute_cluster(self, cluster: str, cluster_name: str) -> None:
        with self.lock:
            compute = self.clusters[cluster].body["openstack_info"]["compute"]
            compute["compute_clusters"] = [c for c in compute["compute_clusters"] if c["cluster_name"] != cluster_name]


class _Handler(JsonHandler):
    simulator: VioSimulator

    def _serve(self) -> None:
        sim = self.simulator
        raw = self.read_body()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            self.reply_json(400, {"message": "body is not JSON"})
            return
        pattern = sim.faults.hang_path
        if pattern and re.search(pattern, self.path):
            time.sleep(sim.faults.hang_seconds)  # real time: the client's per-call timeout must end it
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, data = sim.handle(self.command, self.path, headers, body)
        self.reply_json(status, data)

    do_GET = do_POST = do_PUT = do_DELETE = _serve
