"""A small Esplora HTTP client for the wallet: UTXOs, broadcast, status (Blockstream API.md).

Works against the localnet's regtest node (`hot.localnet.bitcoin`) and any Esplora server
(mempool.space, blockstream.info); the localnet-only `faucet` and `mine` calls need the localnet.
"""

from __future__ import annotations

from typing import Any

import httpx

from hot.wire.errors import MempoolRejected
from hot.examples.passkey_wallet.bitcoin_tx import Utxo


class EsploraClient:
    """Synchronous client over one base URL; a context manager that closes its connections."""

    def __init__(self, base_url: str, *, timeout: float = 10.0) -> None:
        self._http = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout)

    def __enter__(self) -> "EsploraClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _get(self, path: str) -> httpx.Response:
        response = self._http.get(path)
        response.raise_for_status()
        return response

    def tip_height(self) -> int:
        return int(self._get("/blocks/tip/height").text)

    def utxos(self, address: str) -> list[Utxo]:
        return [Utxo.from_esplora(item) for item in self._get(f"/address/{address}/utxo").json()]

    def tx_status(self, txid: str) -> dict[str, Any]:
        status: dict[str, Any] = self._get(f"/tx/{txid}/status").json()
        return status

    def broadcast(self, raw_hex: str) -> str:
        """POST /tx; returns the txid or raises MempoolRejected with the server's reason."""
        response = self._http.post("/tx", content=raw_hex)
        if response.status_code == 400:
            raise MempoolRejected(response.text)
        response.raise_for_status()
        return response.text.strip()

    def faucet(self, address: str, amount_sats: int) -> str:
        """Localnet only: pay `amount_sats` to `address` in a mined block; returns the txid."""
        response = self._http.post("/faucet", json={"address": address, "amount_sats": amount_sats})
        response.raise_for_status()
        return str(response.json()["txid"])

    def mine(self, blocks: int = 1) -> int:
        """Localnet only: mine `blocks` blocks; returns the new tip height."""
        response = self._http.post("/mine", json={"blocks": blocks})
        response.raise_for_status()
        return int(response.json()["height"])
