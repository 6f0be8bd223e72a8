"""One MPC node process (`hot node run --config FILE`): HTTP API, peer transport, runner, attester.

Composition only (whitepaper §2.2, ARCHITECTURE.md "What the system does"): the node's identity
and sealed keystore from its data directory, the signed log, the durable replay set, the
Controller view, the mutual-TLS transport pinned to the Controller's registered p2p keys, the
peer mesh, the protocol runner (DKG, pools), the attester (software quote on localnet), the
authorizer (receipts, Key Registry, chain adapters) and the FastAPI app served by uvicorn in the
same event loop. `ready.json` in the data directory says when and where the node listens.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import uvicorn
from hot.mpc.chains.base import ChainVerifier
from hot.mpc.chains.registry import registry_from_config
from hot.mpc.node.attestation import AttestationGuard, SoftwareQuote, SoftwareVendor
from hot.mpc.node.attester import NodeAttester
from hot.mpc.node.authorizer import Authorizer, ReplaySet
from hot.mpc.node.config import NodeConfig
from hot.wire.errors import ConfigError
from hot.mpc.node.controller_client import ControllerView, FileControllerView
from hot.mpc.node.controller_near import NearControllerView
from hot.mpc.node.http_api import NodeStatus, create_app
from hot.mpc.node.identity import NodeIdentity
from hot.mpc.node.keystore import Keystore, load_or_create_master_key
from hot.mpc.node.measurement import measure_installed
from hot.mpc.node.registry_client import (
    AccessListSource,
    NearRegistryClient,
    StaticAccessLists,
    parse_wallet,
)
from hot.mpc.node.runner.mesh import PeerMesh
from hot.mpc.node.runner.protocol import ProtocolRunner
from hot.mpc.node.runner.signing import SigningSessions
from hot.mpc.node.signed_log import SignedLog
from hot.mpc.node.transport import PeerTransport

READY_FILE = "ready.json"


def controller_view(config: NodeConfig) -> ControllerView:
    """The Controller behind the runner; the one place to switch to the contract client."""
    source = config.controller
    if source.kind == "file":
        if source.path is None or source.votes_path is None:
            raise ConfigError("a file controller needs `path` and `votes_path`")
        return FileControllerView(source.path, source.votes_path)
    if not source.rpc_url or not source.account_id or source.near_key_file is None:
        raise ConfigError("a near controller needs `rpc_url`, `account_id` (the Controller) and `near_key_file`")
    try:
        view = NearControllerView([source.rpc_url, *source.fallback_rpc_urls], source.account_id,
                                  source.near_key_file, participant_id=config.participant_id)
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(f"cannot read the node's NEAR key file {source.near_key_file}: {exc!r}") from exc
    if source.near_account_id and source.near_account_id != view.account_id:
        raise ConfigError(f"near_key_file holds a key of {view.account_id}, not of near_account_id {source.near_account_id}")
    return view


class NodeService:
    """Everything one participant runs; `start`, then `serve_until(stop)`, then `close`."""

    def __init__(self, config: NodeConfig, *, access_lists: AccessListSource | None = None, verifier: ChainVerifier | None = None) -> None:
        self.config = config
        self.data_dir = Path(config.data_dir)
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.identity = NodeIdentity.load_or_create(self.data_dir)
        self.store = Keystore(self.data_dir / "keystore.db", load_or_create_master_key(self.data_dir / "master_key"))
        self.log = SignedLog(self.data_dir / "node.log", self.identity.signing_key, repair=True)
        self.replay = ReplaySet(self.data_dir / "replay.db")
        self.guard = AttestationGuard(self.identity.signing_public_key)
        self.controller = controller_view(config)
        if access_lists is None:
            registry = config.registry
            access_lists = (NearRegistryClient(registry.rpc_url, registry.account_id) if registry else StaticAccessLists(
                {key_id: parse_wallet({"access_list": entries}) or [] for key_id, entries in config.static_access_lists.items()}))
        self.access_lists = access_lists
        self.verifier = verifier or registry_from_config(config.chain_endpoints)
        self.transport = PeerTransport(str(config.participant_id), self.identity.p2p_key, self._participant_keys)
        self.mesh = PeerMesh(config.participant_id, self.transport, self._addresses)
        self.runner = ProtocolRunner(config.participant_id, self.controller, self.store, self.mesh, self.log, config.presign,
                                     round_timeout=config.round_timeout_seconds)
        self.sessions = SigningSessions(config.participant_id, self.runner.key_share, self.runner.epoch, self.runner.pool,
                                        self.mesh, self.log, round_timeout=config.round_timeout_seconds)
        self.authorizer = Authorizer(self._gatekeeper_keys, self.replay, self.guard, self.access_lists, self.verifier, self.log)
        self.attester = NodeAttester(self.guard, self._issue_quote, self._submit_quote, self.log)
        status = NodeStatus(self.runner.epoch, self.runner.state_name, self._attested,
                            lambda: self.runner.pool.counts(self.runner.epoch()), self.runner.key_share)
        self.app = create_app(config.participant_id, self.authorizer, self.sessions, status)
        self._server: uvicorn.Server | None = None
        self._tasks: list[asyncio.Task[Any]] = []

    def _participant_keys(self) -> Mapping[str, bytes]:
        state = self.runner.state
        if state is None:
            return {}
        members = dict(state.participants)
        if state.resharing is not None:
            members.update(state.resharing.participants)
        return {str(i): p.p2p_public_key for i, p in members.items()}

    def _addresses(self) -> Mapping[int, tuple[str, int]]:
        state = self.runner.state
        if state is None:
            return {}
        members = dict(state.participants)
        if state.resharing is not None:
            members.update(state.resharing.participants)
        return {i: p.p2p_address for i, p in members.items()}

    def _gatekeeper_keys(self) -> Mapping[str, bytes]:
        registered = self.runner.state.gatekeepers if self.runner.state else {}
        return {**self.config.gatekeeper_keys(), **registered}

    def _attested(self) -> bool:
        return not self.guard.renewal_due(self.attester.now(), 0)

    def _issue_quote(self, now: int) -> SoftwareQuote:
        # Localnet: a software quote from the public test vendor (docs/node.md, Attestation).
        return SoftwareVendor.test_vendor().issue(measure_installed(), self.identity.signing_public_key, now=now,
                                                  ttl=self.config.attestation_ttl_seconds)

    async def _submit_quote(self, quote: dict[str, Any]) -> None:
        """The Controller's `submit_attestation` (a refusal raises); the file Controller accepts every quote."""
        if isinstance(self.controller, NearControllerView):
            await self.controller.submit_attestation(quote)

    async def start(self) -> None:
        """Read the Controller once, listen on both ports, start the background loops."""
        self.runner.state = await self.controller.state()
        await self.transport.listen(self.config.p2p_host, self.config.p2p_port)
        self.mesh.start()
        await self.attester.attest_once()
        uv_config = uvicorn.Config(self.app, host=self.config.http_host, port=self.config.http_port, log_level="warning",
                                   access_log=False, lifespan="off")
        self._server = uvicorn.Server(uv_config)
        # The node owns SIGTERM/SIGINT (run_node): uvicorn must not capture and re-raise them.
        self._server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign, assignment]
        self._tasks.append(asyncio.get_running_loop().create_task(self._server.serve()))
        while not self._server.started:
            if self._tasks[0].done():
                self._tasks[0].result()
            await asyncio.sleep(0.01)  # polling uvicorn's readiness flag, bounded by the task's failure
        self._write_ready()

    def _write_ready(self) -> None:
        assert self._server is not None
        port = self._server.servers[0].sockets[0].getsockname()[1]
        ready = {"participant_id": self.config.participant_id, "http_url": f"http://{self.config.http_host}:{port}",
                 "pid": os.getpid(), **self.identity.public_keys_hex()}
        tmp = self.data_dir / (READY_FILE + ".tmp")
        tmp.write_text(json.dumps(ready))
        tmp.replace(self.data_dir / READY_FILE)

    async def serve_until(self, stop: asyncio.Event) -> None:
        """Run the runner and the attester until `stop` is set."""
        poll = self.config.controller.poll_seconds
        self._tasks.append(asyncio.get_running_loop().create_task(self.runner.run(stop, poll)))
        self._tasks.append(asyncio.get_running_loop().create_task(self.attester.run(stop, margin=60, poll_seconds=poll * 10)))
        await stop.wait()

    async def close(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        for task in self._tasks:
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(task, 5)
        await self.mesh.close()
        await self.transport.close()
        with contextlib.suppress(FileNotFoundError):
            (self.data_dir / READY_FILE).unlink()
        if isinstance(self.controller, NearControllerView):
            await self.controller.aclose()
        self.replay.close()
        self.log.close()
        self.store.close()


async def run_node(config: NodeConfig) -> None:
    """`hot node run`: start, serve until SIGTERM/SIGINT, close cleanly."""
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    service = NodeService(config)
    try:
        await service.start()
        await service.serve_until(stop)
    finally:
        await service.close()
