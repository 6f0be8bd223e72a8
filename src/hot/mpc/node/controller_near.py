"""The node's direct client of the Controller contract over NEAR JSON-RPC (`controller.kind = "near"`).

Reads `get_state()` (and `get_gatekeepers()`) with `query`/`call_function` and maps it to the
runner's `ControllerState`; sends `vote_pk`, `vote_reshared` and `submit_attestation` as
transactions signed by the node's own NEAR account key (the account that registered the node's
keys, so the Controller counts the vote as this participant's). Exact JSON: docs/contracts.md.

Mapping (docs/node.md, "Controller seam"):
- participant ids and p2p addresses are the Controller's: `register_node` gives each account a
  `participant_id` (registration order, never reused) and records its `p2p_address`;
- Initializing: the key event's participants, threshold and epoch; the domains are those with a
  public key plus the key event's domain (the Controller generates one domain at a time, and each
  domain's key event counts its own `attempt`);
- Resharing: the current set stays `participants`, the key event's set is the `resharing` target;
- gatekeepers: the `active` entries of `get_gatekeepers()`.

The RPC client is `hot.near.NearRpc` (the project's one NEAR client, async on the node's own
loop): views at final finality, since every vote and every protocol step follows from them;
votes signed with the next nonce of the node's key and sent with `send_tx` until final, so the
next final read already shows them. Several RPC URLs may be given (`rpc_url` first, then
`fallback_rpc_urls`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hot.mpc.node.controller_client import STATES, ControllerState, ParticipantInfo, ResharingTarget
from hot.near import NearRpc, read_key_file
from hot.wire.errors import ContractError, ControllerUnavailable, EncodingError, NearRpcError

GAS = 300 * 10**12


def _participant(record: dict[str, Any]) -> ParticipantInfo:
    address = str(record.get("p2p_address") or "")
    host, _, port = address.rpartition(":")
    if record.get("participant_id") is None or not host or not port.isdigit():
        raise ControllerUnavailable(f"{record.get('account_id')} has no participant id or p2p address on the Controller; "
                                    "it must register_node again with p2p_address")
    return ParticipantInfo(int(record["participant_id"]), bytes.fromhex(record["p2p_public_key"]), (host, int(port)),
                           str(record.get("url", "")))


def map_state(raw: dict[str, Any], nodes: dict[str, dict[str, Any]], gatekeepers: list[dict[str, Any]]) -> ControllerState:
    """The runner's view of `get_state()`; `nodes` holds the records of every account it names."""
    try:
        if raw["state"] not in STATES:
            raise ValueError(f"unknown protocol state {raw['state']!r}")
        event: dict[str, Any] = raw.get("key_event") or {}

        def members(accounts: list[str]) -> dict[int, ParticipantInfo]:
            infos = [_participant(nodes[a]) for a in accounts]
            return {p.participant_id: p for p in infos}

        current = [p["account_id"] for p in raw["participants"]]
        keygen = event.get("kind") == "keygen"
        domains = [d for d in raw["domains"] if d["public_key"] or (keygen and d["id"] == event["domain_id"])]
        resharing = None
        if event.get("kind") == "reshare":
            resharing = ResharingTarget(int(event["epoch"]), members(event["participants"]), int(event["threshold"]))
        return ControllerState(
            state=raw["state"],
            epoch=int(event["epoch"] if keygen else raw["epoch"]),
            threshold=int(event["threshold"] if keygen else raw["threshold"]),
            participants=members(event["participants"] if keygen else current),
            domains=tuple(d["scheme"] for d in domains),
            public_keys={d["scheme"]: d["public_key"] for d in raw["domains"] if d["public_key"]},
            gatekeepers={g["gatekeeper_id"]: bytes.fromhex(g["public_key"]) for g in gatekeepers if g["status"] == "active"},
            resharing=resharing,
            attempt=int(event.get("attempt", 0)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ControllerUnavailable(f"controller state is malformed: {exc!r}") from exc


class NearControllerView:
    """`ControllerView` on the Controller contract, voting as the node's own NEAR account."""

    def __init__(self, rpc_url: str | Sequence[str], controller_id: str, near_key_file: Path, *, participant_id: int,
                 timeout: float = 30.0) -> None:
        self.account_id, self.key = read_key_file(Path(near_key_file))
        self.client = NearRpc(rpc_url, timeout=timeout)
        self.controller_id = controller_id
        self.participant_id = participant_id
        self._nodes: dict[str, dict[str, Any]] = {}
        self._event: tuple[Any, ...] | None = None  # the key event the cached incoming records belong to

    async def _view(self, method: str, args: dict[str, Any] | None = None) -> Any:
        try:
            return await self.client.view(self.controller_id, method, args or {})
        except (NearRpcError, ContractError, EncodingError) as exc:
            raise ControllerUnavailable(f"controller {self.controller_id}: {method} failed: {exc}") from exc

    async def _raw_state(self) -> dict[str, Any]:
        raw: dict[str, Any] = await self._view("get_state")
        for record in raw["participants"]:
            self._nodes[record["account_id"]] = record
        event = raw.get("key_event") or {}
        current = {p["account_id"] for p in raw["participants"]}
        key = tuple(event.get(k) for k in ("kind", "epoch", "domain_id", "attempt"))
        if key != self._event:  # a new key event (or retry): read its incoming members' records again
            self._nodes = {a: r for a, r in self._nodes.items() if a in current}
            self._event = key
        for account in event.get("participants", []):
            # Incoming members are not in `participants` yet; their keys are fixed for the event.
            if account not in self._nodes:
                record = await self._view("get_node", {"account_id": account})
                if record is None:
                    raise ControllerUnavailable(f"key event participant {account} is not registered")
                self._nodes[account] = record
        return raw

    async def state(self) -> ControllerState:
        raw = await self._raw_state()
        state = map_state(raw, self._nodes, await self._view("get_gatekeepers"))
        mine = self._nodes.get(self.account_id)
        if mine is not None and mine.get("participant_id") != self.participant_id:
            raise ControllerUnavailable(f"the Controller gives {self.account_id} participant id {mine.get('participant_id')}, "
                                        f"this node is configured as {self.participant_id}")
        return state

    async def _call(self, method: str, args: dict[str, Any]) -> Any:
        try:
            return await self.client.function_call(self.account_id, self.key, self.controller_id, method, args, gas=GAS)
        except ContractError as exc:
            raise ControllerUnavailable(f"{method} by {self.account_id} refused: {exc}") from exc
        except (NearRpcError, EncodingError) as exc:
            raise ControllerUnavailable(f"controller {self.controller_id}: {method} failed: {exc}") from exc

    async def vote_pk(self, participant_id: int, epoch: int, domain: str, public_key: str) -> None:
        """Vote once per key event attempt; a domain whose key is adopted needs no vote."""
        raw = await self._view("get_state")
        event = raw.get("key_event") or {}
        found = next((d for d in raw["domains"] if d["scheme"] == domain), None)
        if found is None:
            raise ControllerUnavailable(f"the Controller has no {domain} domain")
        if found["public_key"] is not None:
            return
        if event.get("kind") != "keygen" or event["domain_id"] != found["id"] or event["epoch"] != epoch:
            raise ControllerUnavailable(f"the Controller's key event is not for {domain} in epoch {epoch}")
        if self.account_id not in event["votes"]:
            await self._call("vote_pk", {"domain_id": found["id"], "public_key": public_key})

    async def vote_reshared(self, participant_id: int, epoch: int, public_keys: dict[str, str]) -> None:
        raw = await self._view("get_state")
        event = raw.get("key_event") or {}
        if event.get("kind") != "reshare":
            if int(raw["epoch"]) >= epoch:
                return  # already moved to (or past) that epoch
            raise ControllerUnavailable(f"no reshare to epoch {epoch} is open")
        if event["epoch"] != epoch:
            raise ControllerUnavailable(f"the open reshare is to epoch {event['epoch']}, not {epoch}")
        if self.account_id not in event["votes"]:
            await self._call("vote_reshared", {"epoch": epoch})

    async def submit_attestation(self, quote: dict[str, Any]) -> None:
        await self._call("submit_attestation", {"quote": quote})

    async def aclose(self) -> None:
        await self.client.aclose()
