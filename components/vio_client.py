"""VIO 7.x Public API: a small HTTPS client (login, Authorization, retries, the Manager's boot) and polling.

Used by the dynamic providers (components/vio_provider.py and the modules built on it), by the VIO API
simulator's tests and by the poll benchmark. The documented data structures live in components/vio_schema.py
(re-exported here for callers of the earlier single module).

Sources (VMware Integrated OpenStack API 7.0, developer.broadcom.com/xapis/vmware-integrated-openstack-api):
- operations: .../7.0/api/v2/login/post, .../latest/operation-index/ (every operation this client calls)
- authentication: .../latest/api-security-schema: `bearer_auth`, type apiKey, name `Authorization`, in
  header. An apiKey is sent as-is; the scheme's name suggests `Bearer <token>`. DOCS SILENT on which a
  Manager accepts: the client sends the token as the reference states it (as-is) and falls back to
  `Bearer <token>` on 401, then keeps whichever worked for the rest of its session.
"""

from __future__ import annotations

import json
import logging
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import urllib3

from components.vio_schema import (  # re-exported: the single-module API before the split
    BASE64_FIELDS,
    DOCS,
    ENUMS,
    FIELDS,
    SECRET_FIELDS,
    UNKNOWN,
    Field,
    b64,
    get_path,
    has_unknown,
    is_unknown,
    plain,
    secret_values,
    validate_body,
    wire_body,
)

__all__ = [
    "BASE64_FIELDS", "CLOCK", "DOCS", "ENUMS", "FIELDS", "SECRET_FIELDS", "UNKNOWN", "Clock", "Endpoint", "Field",
    "ManualClock", "PollSchedule", "VioApiError", "VioClient", "b64", "get_path", "has_unknown", "is_unknown",
    "plain", "poll", "secret_values", "set_clock", "validate_body", "wire_body",
]

log = logging.getLogger("vionfv.vio_api")


# --------------------------------------------------------------------------------------------------------
# Time: injectable so the simulator and the benchmark run an hour of polling in a second
# --------------------------------------------------------------------------------------------------------


class Clock:
    """Wall clock. Tests and the benchmark replace `CLOCK` with a scaled clock shared with the simulator."""

    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class ManualClock(Clock):
    """Simulated time: `sleep` advances it at once (thread-safe). The simulator reads the same clock."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start
        self._lock = threading.Lock()
        self._watchers: list[Callable[[float], None]] = []

    def now(self) -> float:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self._now += max(0.0, seconds)
            now, watchers = self._now, list(self._watchers)
        for watcher in watchers:  # e.g. a simulated Manager that finishes booting at this time
            watcher(now)

    def watch(self, watcher: Callable[[float], None]) -> None:
        """Call `watcher(now)` after every advance, in the sleeping thread (before the sleeper goes on)."""
        with self._lock:
            self._watchers.append(watcher)


CLOCK: Clock = Clock()


def set_clock(clock: Clock) -> Clock:
    """Install `clock` for every provider operation; returns the previous one (tests restore it)."""
    global CLOCK
    previous, CLOCK = CLOCK, clock
    return previous


# --------------------------------------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------------------------------------


class VioApiError(RuntimeError):
    """A failed VIO API operation; the message names endpoint, method, path and operation, never a
    credential."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int
    username: str
    insecure: bool
    ca_bundle: str | None
    timeout: float
    #: Seconds the first call may wait for a Manager still booting (0: no wait; see VioClient).
    boot_timeout: float = 0.0

    @property
    def base(self) -> str:
        return f"https://{self.host}:{self.port}"


_REASONS = {
    400: "bad request",
    401: "not authorised (login refused or token rejected)",
    403: "forbidden: the API user lacks the rights for this operation",
    404: "not found",
    409: "conflict: an object of that name already exists or is busy",
    422: "the Manager refused the body",
}


class VioClient:
    """One session against one VIO Manager for one provider operation (create, read, ...). Holds the
    password only for its own lifetime: the provider never keeps a client on itself.

    Authorization: the token as-is first (the security schema's apiKey), `Bearer <token>` on a 401, then
    whichever the Manager accepted (AUTH_SCHEMES). Boot: with `endpoint.boot_timeout` > 0, the session's
    first answer may take that long: connection refused or reset and HTTP 502/503 (a Manager VM that is
    powered on but whose API is still starting: its first boot configures the appliance for minutes) are
    retried with progress in the log until the API answers or the boot timeout ends."""

    MAX_ATTEMPTS = 4  # one call plus three retries on connection errors and 5xx, once the API answers
    BACKOFF = 0.5  # seconds, doubled per retry
    BOOT_INTERVAL = 15.0  # seconds between probes of a booting Manager
    BOOT_REPORT_EVERY = 60.0  # a progress line at least this often while it boots
    BOOTING_STATUSES = (502, 503)
    #: How the token is presented, in the order tried: the reference's apiKey form, then the bearer form.
    AUTH_SCHEMES = ("{token}", "Bearer {token}")

    def __init__(
        self,
        endpoint: Endpoint,
        password: str,
        scrub: Iterable[str] = (),
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.endpoint = endpoint
        self._password = password
        self._secrets = [s for s in (password, b64(password), *scrub) if s]
        self._token: str | None = None
        self._scheme = 0
        self._scheme_confirmed = False
        self._booted = endpoint.boot_timeout <= 0
        self._progress = progress or log.info
        self.calls = 0
        self._pool = urllib3.PoolManager(
            ssl_context=self._ssl_context(endpoint),
            retries=False,
            timeout=urllib3.Timeout(connect=endpoint.timeout, read=endpoint.timeout),
        )

    @staticmethod
    def _ssl_context(endpoint: Endpoint) -> ssl.SSLContext:
        if endpoint.insecure:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            return ctx
        ctx = ssl.create_default_context()
        if endpoint.ca_bundle:
            ctx = ssl.create_default_context(cadata=endpoint.ca_bundle)
        return ctx

    def close(self) -> None:
        self._pool.clear()

    def __enter__(self) -> VioClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def auth_scheme(self) -> str:
        """The Authorization form in use (`{token}` or `Bearer {token}`)."""
        return self.AUTH_SCHEMES[self._scheme]

    def scrub(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text

    def _fail(self, method: str, path: str, operation: str, detail: str, status: int | None = None) -> VioApiError:
        return VioApiError(
            self.scrub(f"VIO API {self.endpoint.base}: {operation} ({method} {path}) failed: {detail}"), status
        )

    def login(self, purpose: str) -> None:
        # .../7.0/api/v2/login/post: credential {username, password} -> {token} (a JWT); 401 on failure.
        body = {"username": self.endpoint.username, "password": self._password}
        operation = f"login for {purpose}"
        status, data = self._send("POST", "/api/v2/login", operation, body, auth=False)
        if status != 200 or not isinstance(data, dict) or not data.get("token"):
            raise self._fail("POST", "/api/v2/login", operation, self._detail(status, data), status)
        self._token = str(data["token"])
        self._secrets.append(self._token)

    def request(
        self, method: str, path: str, operation: str, body: Any = None, ok: tuple[int, ...] = (200, 201, 202, 204)
    ) -> tuple[int, Any]:
        """`method path`; re-logs in once on 401 (expired token); raises VioApiError unless the status is in
        `ok` (404 may be passed in `ok` by reads that treat absence as a result)."""
        if self._token is None:
            self.login(operation)
        status, data = self._authorized(method, path, operation, body)
        if status == 401:
            log.debug("VIO API %s: token rejected on %s %s; logging in again", self.endpoint.base, method, path)
            self.login(operation)
            status, data = self._authorized(method, path, operation, body)
        if status not in ok:
            raise self._fail(method, path, operation, self._detail(status, data), status)
        return status, data

    def _authorized(self, method: str, path: str, operation: str, body: Any) -> tuple[int, Any]:
        status, data = self._send(method, path, operation, body, auth=True)
        if status == 401 and not self._scheme_confirmed:
            # DOCS SILENT (api-security-schema): try the other presentation of the same fresh token once.
            other = (self._scheme + 1) % len(self.AUTH_SCHEMES)
            log.debug("VIO API %s: Authorization %r refused; trying %r", self.endpoint.base,
                      self.AUTH_SCHEMES[self._scheme], self.AUTH_SCHEMES[other])
            retry_status, retry_data = self._send(method, path, operation, body, auth=True, scheme=other)
            if retry_status != 401:
                self._scheme = other
                status, data = retry_status, retry_data
        if status != 401:
            self._scheme_confirmed = True
        return status, data

    def _detail(self, status: int, data: Any) -> str:
        reason = _REASONS.get(status, "server error" if status >= 500 else "unexpected status")
        message = ""
        if isinstance(data, dict):
            message = str(data.get("message") or data.get("error") or "")
        elif isinstance(data, str):
            message = data
        return f"HTTP {status} {reason}" + (f": {message[:200]}" if message else "")

    def _send(
        self, method: str, path: str, operation: str, body: Any, auth: bool, scheme: int | None = None
    ) -> tuple[int, Any]:
        headers = {"Accept": "application/json"}
        payload = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            payload = json.dumps(body).encode()
        if auth and self._token:
            headers["Authorization"] = self.AUTH_SCHEMES[self._scheme if scheme is None else scheme].format(
                token=self._token
            )
        if not self._booted:
            return self._send_booting(method, path, operation, payload, headers)
        return self._send_retrying(method, path, operation, payload, headers)

    def _attempt(self, method: str, path: str, operation: str, payload: bytes | None,
                 headers: dict[str, str]) -> urllib3.BaseHTTPResponse:
        self.calls += 1
        try:
            return self._pool.request(method, self.endpoint.base + path, body=payload, headers=headers)
        except urllib3.exceptions.ReadTimeoutError:
            # Not retried: the call may have been applied (POST), and a hang must end within one timeout.
            raise self._fail(
                method, path, operation, f"no answer within {self.endpoint.timeout:g} s (timeout)"
            ) from None
        except urllib3.exceptions.SSLError as exc:
            if not _verification_failed(exc):
                # EOF or reset in the handshake: the peer dropped the connection (a Manager still booting,
                # a proxy restarting), not a certificate problem; retried like any dropped connection.
                raise urllib3.exceptions.ProtocolError(f"TLS connection reset ({exc})") from None
            raise self._fail(
                method, path, operation,
                f"TLS verification failed ({type(exc).__name__}); give the Manager's CA as ca_bundle "
                "or set insecure only for a lab",
            ) from None

    def _send_retrying(self, method: str, path: str, operation: str, payload: bytes | None,
                       headers: dict[str, str]) -> tuple[int, Any]:
        delay = self.BACKOFF
        for attempt in range(1, self.MAX_ATTEMPTS + 1):
            try:
                response = self._attempt(method, path, operation, payload, headers)
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                if attempt == self.MAX_ATTEMPTS:
                    raise self._fail(
                        method, path, operation,
                        f"connection failed after {attempt} attempts ({type(exc).__name__})",
                    ) from None
                log.debug("VIO API %s: %s on %s %s; retrying", self.endpoint.base, type(exc).__name__, method, path)
            else:
                data = _decode(response.data)
                if response.status >= 500 and attempt < self.MAX_ATTEMPTS:
                    log.debug("VIO API %s: HTTP %s on %s %s; retrying", self.endpoint.base, response.status, method, path)
                else:
                    return response.status, data
            # CLOCK, not time: the simulator's scaled clock makes the backoff free in tests.
            CLOCK.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")

    def _send_booting(self, method: str, path: str, operation: str, payload: bytes | None,
                      headers: dict[str, str]) -> tuple[int, Any]:
        start = CLOCK.now()
        deadline = start + self.endpoint.boot_timeout
        last, next_report = "", start
        while True:
            try:
                response = self._attempt(method, path, operation, payload, headers)
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                seen = f"connection {_connection_word(exc)}"
            else:
                if response.status not in self.BOOTING_STATUSES:
                    self._booted = True
                    if last:
                        self._progress(f"VIO Manager {self.endpoint.base}: API answering after "
                                       f"{CLOCK.now() - start:.0f} s of boot")
                    return response.status, _decode(response.data)
                seen = f"HTTP {response.status}"
            waited = CLOCK.now() - start
            if seen != last or CLOCK.now() >= next_report:
                next_report = CLOCK.now() + self.BOOT_REPORT_EVERY
                self._progress(f"VIO Manager {self.endpoint.base}: API not up yet ({seen}) after {waited:.0f} s; "
                               f"waiting up to {self.endpoint.boot_timeout:g} s for its first boot")
                last = seen
            if CLOCK.now() >= deadline:
                raise self._fail(
                    method, path, operation,
                    f"the Manager's API did not come up within the boot timeout of "
                    f"{self.endpoint.boot_timeout:g} s (last: {seen}); check that the Manager VM is powered on "
                    "and its first-boot configuration finished (its console), or raise vio.bootTimeoutMinutes",
                )
            CLOCK.sleep(min(self.BOOT_INTERVAL, max(0.0, deadline - CLOCK.now())))


def _verification_failed(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(seen) \
                or ("hostname" in str(seen).lower() and "match" in str(seen).lower()):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _connection_word(exc: BaseException) -> str:
    text = f"{type(exc).__name__} {exc}".lower()
    if "refused" in text:
        return "refused"
    if "reset" in text or "aborted" in text or "disconnected" in text or "protocol" in text:
        return "reset"
    return f"failed ({type(exc).__name__})"


def _decode(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")[:200]


# --------------------------------------------------------------------------------------------------------
# Polling
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PollSchedule:
    """Intervals between status reads: `base` at first, growing by `growth` up to `cap`. With base 10 s and
    cap 25 s an hour-long deployment costs ~150 reads (0.4 per 10 s) and readiness is seen within 25 s plus
    one call; a short one is still seen within 10-15 s."""

    base: float = 10.0
    cap: float = 25.0
    growth: float = 1.25

    def intervals(self) -> Iterable[float]:
        interval = self.base
        while True:
            yield interval
            interval = min(self.cap, interval * self.growth)


def poll(
    read: Callable[[], Any],
    done: Callable[[Any], bool],
    *,
    timeout: float,
    schedule: PollSchedule,
    describe: Callable[[Any], str],
    progress: Callable[[str], None],
    what: str,
) -> Any:
    """Call `read` until `done(result)`, sleeping per `schedule` on CLOCK; raises TimeoutError after
    `timeout` seconds of CLOCK time with the last state described."""
    start = CLOCK.now()
    deadline = start + timeout
    last_reported = ""
    intervals = iter(schedule.intervals())
    while True:
        result = read()
        state = describe(result)
        if state != last_reported:
            progress(f"{what}: {state} after {CLOCK.now() - start:.0f} s")
            last_reported = state
        if done(result):
            return result
        remaining = deadline - CLOCK.now()
        if remaining <= 0:
            raise TimeoutError(f"{what}: not ready after {timeout:g} s (last state: {state})")
        CLOCK.sleep(min(next(intervals), remaining))
