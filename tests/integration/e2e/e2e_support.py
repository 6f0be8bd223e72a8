"""Helpers for the end-to-end suite: policies, a second real gatekeeper process, a share-corrupting /
node-killing HTTP proxy (a test double of the network between the gatekeeper and one real node).

Everything here talks to real processes started by `hot localnet up`: the chain, the Key Registry,
`hot node run` processes and `hot gatekeeper run`. The proxy is the only stand-in: it forwards
every byte to one real node and either flips a bit of that node's signature shares (a node sending
bad shares) or SIGKILLs the node right after it answered `/v1/sign/commit` (a node dying
mid-request).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import coincurve
import httpx
from nacl.signing import VerifyKey

YES_POLICY = '''
from hot.sdk.contract import contract, view


@contract
class AlwaysYes:
    """hot_verify: every request is allowed (the trivial policy of the benchmark)."""

    @view
    def hot_verify(self, msg_hash: str, wallet_id: str = "", msg_body: str = "", user_payload: str = "",
                   metadata: str = "") -> bool:
        return True
'''

OK_POLICY = '''
from hot.sdk.contract import contract, view


@contract
class PayloadOk:
    """hot_verify: allow iff the user_payload is the text "ok"."""

    @view
    def hot_verify(self, msg_hash: str, wallet_id: str = "", msg_body: str = "", user_payload: str = "",
                   metadata: str = "") -> bool:
        return user_payload == "ok"
'''

OK = b"ok".hex()


def wait_for(condition: Callable[[], Any], timeout: float, what: str, interval: float = 0.1) -> Any:
    """Poll `condition` until it returns something truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def digest(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


def check_signed(domain: str, answer: dict[str, Any], message: bytes, public_key: bytes) -> None:
    """The answer is a plain single-key signature of `message` under `public_key` (raises otherwise)."""
    assert bytes.fromhex(answer["public_key"]) == public_key
    signature = bytes.fromhex(answer["signature"])
    if domain == "ed25519":
        VerifyKey(public_key).verify(message, signature)
        assert answer["recovery_id"] is None
        return
    recovered = coincurve.PublicKey.from_signature_and_message(signature + bytes([answer["recovery_id"]]), message,
                                                              hasher=None)
    assert recovered.format() == public_key
    assert int.from_bytes(signature[32:], "big") <= coincurve.utils.GROUP_ORDER_INT // 2  # low s


def free_port() -> int:
    from hot.localnet.serve import pick_listen_port

    return pick_listen_port()


def component_pid(status: dict[str, Any], name: str) -> int:
    return int(next(c["pid"] for c in status["components"] if c["name"] == name))


def node_health(url: str) -> dict[str, Any]:
    try:
        answer = httpx.get(url + "/health", timeout=5, trust_env=False)
        return answer.json() if answer.status_code == 200 else {}
    except httpx.HTTPError:
        return {}


def pools_hold(status: dict[str, Any], signer_sets: list[str], at_least: int) -> bool:
    """Every node reports at least `at_least` presignatures for each of `signer_sets` it belongs to."""
    for node in status["nodes"]:
        pools = node_health(node["url"]).get("presignatures", {})
        for label in signer_sets:
            if str(node["participant_id"]) in label.split(",") and pools.get(label, 0) < at_least:
                return False
    return True


def presigned(status: dict[str, Any], needed: int) -> bool:
    """Some signer set's members all hold at least `needed` presignatures (what the gatekeeper selects on)."""
    from hot.mpc.gatekeeper.health import common_presignature_counts

    reports = [(n["participant_id"], node_health(n["url"]).get("presignatures", {})) for n in status["nodes"]]
    return max(common_presignature_counts(reports).values(), default=0) >= needed


def wait_for_presignatures(status: dict[str, Any], needed: int = 1) -> None:
    """Warm pools before an ECDSA request: the localnet's nodes keep only a couple per signer set."""
    wait_for(lambda: presigned(status, needed), 90, f"{needed} common presignature(s) on a signer set", 0.2)


# -- the share-corrupting, node-killing proxy -------------------------------------------------------

@dataclass
class NodeProxy:
    """Forwards HTTP to one real node; `corrupt` flips a bit in each share it relays; `kill_pid` SIGKILLs
    the node right after relaying its answer to `/v1/sign/commit` (then it answers nothing more)."""

    target: str
    corrupt: int = 0  # how many /v1/sign/share answers still to corrupt
    kill_pid: int | None = None
    kill_domain: str | None = None  # kill only after a commit for this domain
    corrupted_sessions: list[str] = field(default_factory=list)
    killed_in_session: str | None = None
    commits: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._http = httpx.Client(trust_env=False, timeout=60)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                proxy.relay(self, None)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                proxy.relay(self, self.rfile.read(length))

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._http.close()

    def relay(self, handler: BaseHTTPRequestHandler, body: bytes | None) -> None:
        if self.killed_in_session is not None:  # the node is dead: drop the connection like one
            handler.close_connection = True
            return
        try:
            response = self._http.request("POST" if body is not None else "GET", self.target + handler.path,
                                          content=body, headers={"Content-Type": "application/json"})
        except httpx.HTTPError:
            handler.close_connection = True
            return
        content = response.content
        request = json.loads(body) if body else {}
        if handler.path == "/v1/sign/share" and response.status_code == 200:
            with self._lock:
                corrupt = self.corrupt > 0
                self.corrupt -= int(corrupt)
            if corrupt:
                content = self._corrupted(content)
                self.corrupted_sessions.append(str(request.get("session_id")))
        if handler.path == "/v1/sign/commit":
            domain = request.get("request", {}).get("domain")
            self.commits.append({"session_id": request.get("session_id"), "domain": domain,
                                 "signers": request.get("signers"), "status": response.status_code})
            if self.kill_pid is not None and response.status_code == 200 and domain == self.kill_domain:
                os.kill(self.kill_pid, signal.SIGKILL)
                wait_for(lambda: not alive(self.kill_pid or 0), 10, "the killed node to be gone")
                self.killed_in_session = str(request.get("session_id"))
        handler.send_response(response.status_code)
        handler.send_header("Content-Type", response.headers.get("content-type", "application/json"))
        handler.send_header("Content-Length", str(len(content)))
        handler.end_headers()
        handler.wfile.write(content)

    @staticmethod
    def _corrupted(content: bytes) -> bytes:
        """Flip the lowest bit of z (FROST: identifier || z) or of the ECDSA share scalar."""
        answer = json.loads(content)
        shares = []
        for share in answer["shares"]:
            if isinstance(share, dict):
                raw = bytearray(bytes.fromhex(share["share"]))
                raw[-1] ^= 1  # big-endian scalar of the secp256k1 suite
                shares.append({**share, "share": raw.hex()})
            else:
                raw = bytearray(bytes.fromhex(share))
                raw[len(raw) // 2] ^= 1  # little-endian z of the ed25519 suite: its lowest byte
                shares.append(raw.hex())
        return json.dumps({**answer, "shares": shares}).encode()


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


# -- a second real gatekeeper process in front of the same nodes -------------------------------------

@dataclass
class SideGatekeeper:
    url: str
    process: subprocess.Popen[bytes]
    http: httpx.Client

    def sign(self, api_key: str, body: dict[str, Any]) -> httpx.Response:
        return self.http.post(f"{self.url}/v1/sign", json=body, headers={"Authorization": f"Bearer {api_key}"})

    def health(self) -> dict[str, Any]:
        return dict(self.http.get(f"{self.url}/health").json())


@contextmanager
def side_gatekeeper(data_dir: Path, workdir: Path, api_keys: list[dict[str, Any]],
                    node_urls: dict[int, str] | None = None, leave_out: tuple[int, ...] = (),
                    **overrides: Any) -> Iterator[SideGatekeeper]:
    """`hot gatekeeper run` with the localnet gatekeeper's identity (the receipt key the Controller
    approved) and root keys, but its own API keys, database and, optionally, node URLs; nodes in
    `leave_out` (e.g. killed by an earlier test) are not configured at all."""
    from hot.mpc.gatekeeper.config import api_key_digest

    config = json.loads((Path(data_dir) / "gatekeeper" / "config.json").read_text())
    config["nodes"] = [n for n in config["nodes"] if n["participant_id"] not in leave_out]
    for node in config["nodes"]:
        node["url"] = (node_urls or {}).get(node["participant_id"], node["url"])
    config["api_keys"] = [{"name": k["name"], "key_sha256": api_key_digest(k["key"]), "quota": k.get("quota", 10**9),
                           "rate_per_s": k.get("rate_per_s", 1000.0), "burst": k.get("burst", 1000)} for k in api_keys]
    config["database"] = str(workdir / "gatekeeper.db")
    config.update(overrides)
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "gatekeeper.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(config, out)
    port = free_port()
    log = open(workdir / "gatekeeper.log", "wb")  # noqa: SIM115
    process = subprocess.Popen([sys.executable, "-m", "hot.cli", "gatekeeper", "run", "--config", str(path),
                                "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    http = httpx.Client(trust_env=False, timeout=60)
    try:
        def up() -> bool:
            assert process.poll() is None, (workdir / "gatekeeper.log").read_text()[-2000:]
            try:
                return http.get(url + "/health").status_code == 200
            except httpx.HTTPError:
                return False
        wait_for(up, 30, "the side gatekeeper's /health")
        yield SideGatekeeper(url, process, http)
    finally:
        http.close()
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        log.close()
