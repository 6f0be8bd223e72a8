"""The demo's passkey wallet story on a running localnet (issue 10, whitepaper Appendix A).

The passkey contract (examples/passkey_wallet/contract.py) is deployed, the wallet page is served
(`create_wallet_app` with a `GatekeeperSigner` over the localnet's HotClient and the localnet's
Bitcoin Esplora), and headless Chromium with a virtual authenticator clicks through create, fund,
send (examples/passkey_wallet/browser_flow.py). The signer records what the gatekeeper answered;
the spend is then read back from Esplora (raw transaction, prevouts, fee, block) and judged by
libbitcoinkernel's script interpreter (hot.demo_verify), never by our own code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from hot.demo_localnet import LocalnetAccess, wait_for_presignatures
from hot.demo_verify import Checks, check_record
from hot.examples.passkey_wallet.browser_flow import WalletFlowResult, run_wallet_flow
from hot.examples.passkey_wallet.gatekeeper_signer import GatekeeperSigner

WALLET_PORT = 8000  # with --keep, the page a person opens (any free port if 8000 is taken)


class RecordingSigner(GatekeeperSigner):
    """GatekeeperSigner that keeps every batch the gatekeeper signed: (key_id, sighashes, r‖s‖v).

    Before a batch it waits until the nodes hold a presignature per sighash (see
    hot.demo_localnet.wait_for_presignatures): the demo signs right after the pools were drawn on.
    """

    def __init__(self, client: Any, passkey_contract: str, status: dict[str, Any]) -> None:
        super().__init__(client, passkey_contract)
        self.status = status
        self.batches: list[tuple[str, list[bytes], list[bytes]]] = []

    def sign_batch(self, key_id: str, messages: Sequence[bytes], user_payload: bytes) -> list[bytes]:
        wait_for_presignatures(self.status, len(messages))
        signatures = super().sign_batch(key_id, messages, user_payload)
        self.batches.append((key_id, list(messages), list(signatures)))
        return signatures


@dataclass
class WalletOutcome:
    """The scripted flow's result, the spend as the chain has it, its records and their checks."""

    url: str
    passkey_contract: str
    flow: WalletFlowResult
    fee: int
    block_height: int
    records: list[dict[str, Any]] = field(default_factory=list)
    checks: list[Checks] = field(default_factory=list)
    chain_checks: Checks = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(self.chain_checks.values()) and bool(self.checks) and all(all(c.values()) for c in self.checks)


@dataclass
class WalletService:
    """The wallet page served on the localnet; `run_flow` drives it once in headless Chromium."""

    localnet: LocalnetAccess
    url: str
    passkey_contract: str
    signer: RecordingSigner

    def run_flow(self, on_step: Callable[[str], None] | None = None) -> WalletOutcome:
        flow = run_wallet_flow(self.url, on_step=on_step)
        return self._outcome(flow)

    def _outcome(self, flow: WalletFlowResult) -> WalletOutcome:
        import httpx

        with httpx.Client(base_url=self.localnet.bitcoin_api, timeout=10.0) as esplora:
            tx = esplora.get(f"/tx/{flow.txid}").raise_for_status().json()
            raw = esplora.get(f"/tx/{flow.txid}/hex").raise_for_status().text.strip()
            # Prevouts from the funding transactions themselves, not from the spend's annotations.
            prevouts = []
            for vin in tx["vin"]:
                funding = esplora.get(f"/tx/{vin['txid']}").raise_for_status().json()
                spent = funding["vout"][vin["vout"]]
                prevouts.append({"script_pubkey": spent["scriptpubkey"], "amount": int(spent["value"])})
        outcome = WalletOutcome(url=self.url, passkey_contract=self.passkey_contract, flow=flow, fee=int(tx["fee"]),
                                block_height=int(tx["status"].get("block_height") or -1))
        paid = [out for out in tx["vout"] if out.get("scriptpubkey_address") == flow.destination]
        outcome.chain_checks = {
            "Esplora: transaction confirmed": bool(tx["status"].get("confirmed")),
            f"Esplora: {flow.sent_sats} sats to the merchant": [o["value"] for o in paid] == [flow.sent_sats],
            "Esplora: every input spends the wallet's address": all(
                (vin.get("prevout") or {}).get("scriptpubkey_address") == flow.address for vin in tx["vin"]),
        }
        outcome.records = self._records(flow.key_id, tx, raw, prevouts)
        outcome.checks = [check_record(record) for record in outcome.records]
        return outcome

    def _records(self, key_id: str, tx: dict[str, Any], raw: str, prevouts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One record per input of the broadcast spend, as the gatekeeper answered its sighash."""
        batches = [b for b in self.signer.batches if b[0] == key_id and len(b[1]) == len(tx["vin"])]
        if not batches:
            return []
        _, sighashes, signatures = batches[-1]
        public_key = self.signer.public_key(key_id).hex()
        return [{"domain": "secp256k1", "key_id": key_id, "message": sighash.hex(), "signature": sig[:64].hex(),
                 "public_key": public_key, "recovery_id": sig[64], "input_index": index,
                 "bitcoin_tx": raw, "prevouts": prevouts}
                for index, (sighash, sig) in enumerate(zip(sighashes, signatures, strict=True))]


@contextmanager
def serve_wallet(localnet: LocalnetAccess, *, port: int = 0) -> Iterator[WalletService]:
    """Deploy the passkey contract (once) and serve the wallet page at http://localhost:PORT until exit."""
    from hot.examples.passkey_wallet.gatekeeper_signer import deploy_passkey_contract
    from hot.examples.passkey_wallet.server import WalletSettings, create_wallet_app
    from hot.localnet.serve import ServerThread

    contract = f"passkey.{localnet.operator_id}"
    deploy_passkey_contract(localnet.near_rpc, localnet.operator_id, localnet.operator_key, contract,
                            localnet.registry)
    late = _LateApp()
    try:
        server = ServerThread(late, port=port)
    except OSError:  # the preferred port is taken: any free one will do
        server = ServerThread(late)
    # WebAuthn: the rp id is `localhost` and the origin carries the port, known only once bound.
    origin = f"http://localhost:{server.port}"
    with localnet.client() as client:
        signer = RecordingSigner(client, contract, localnet.status)
        late.app = create_wallet_app(signer, WalletSettings(esplora_url=localnet.bitcoin_api, rp_id="localhost",
                                                            allowed_origins=(origin,)))
        with server:
            yield WalletService(localnet, origin, contract, signer)


class _LateApp:
    """An ASGI app set after the socket is bound, so the origin (with its port) is known first."""

    def __init__(self) -> None:
        self.app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


__all__ = ["WALLET_PORT", "RecordingSigner", "WalletOutcome", "WalletService", "serve_wallet"]
