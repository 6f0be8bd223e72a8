"""The Controller's persistent fields and the helpers every part of it shares (whitepaper §2.2.4).

The contract class in contracts/controller.py inherits this base and the mixins that hold each
group of calls (keys, votes, nodes, disputes), so each file keeps one job. The field names are
the storage layout: renaming one orphans its state.

Record shapes (JSON, documented in docs/contracts.md):
  nodes[account]        {"account_id", "url", "p2p_public_key", "signing_public_key", "participant_id",
                         "p2p_address"}  (hex keys; participant_id from next_participant_id, never reused)
  domains               [{"id", "scheme", "public_key"}]  (public_key hex or null until generated)
  key_event             {"kind": "keygen"|"reshare", "domain_id", "epoch", "attempt",
                         "started_at_block", "participants", "threshold", "votes": {account: value}}
  votes                 {"epoch": E, "proposals": {proposal_key: [voters]}}
  attestations[account] {"measurement", "expires_at", "submitted_at_block"}
  measurements[hex]     {"expires_at", "revoked"}
"""

from __future__ import annotations

from typing import Any

from hot.contracts.controller_rules import ProtocolState, check_transition
from hot.sdk.contract import Map, Value, emit_event, env, require
from hot.wire.errors import ContractCode as E

EVENT_STANDARD, EVENT_VERSION = "hot-controller", "1.0.0"
NS_PER_S = 10**9


def controller_event(event: str, data: Any) -> None:
    emit_event(EVENT_STANDARD, EVENT_VERSION, event, data)


class ControllerStorage:
    """Declared fields plus the shared checks (caller roles, state, attestation status)."""

    dao = Value(str)
    gtoken = Value(str, default="")
    vendor_keys = Value(list[str], default=[])
    require_attestation = Value(bool, default=True)
    key_event_timeout_blocks = Value(int)
    economics = Value(dict[str, Any], default={})

    state = Value(str, default=ProtocolState.NOT_INITIALIZED.value)
    epoch = Value(int, default=0)
    next_epoch = Value(int, default=1)
    epoch_started_at_block = Value(int, default=0)
    threshold = Value(int, default=0)
    participants = Value(list[str], default=[])
    domains = Value(list[Any], default=[])
    key_event = Value(Any)
    votes = Value(dict[str, Any], default={"epoch": 0, "proposals": {}})

    nodes = Map(str, dict[str, Any])
    next_participant_id = Value(int, default=1)
    p2p_key_owner = Map(str, str)
    signing_key_owner = Map(str, str)
    attestations = Map(str, dict[str, Any])
    measurements = Map(str, dict[str, Any])
    gatekeepers = Map(str, dict[str, Any])

    # -- roles ---------------------------------------------------------------------------------
    def _require_dao(self) -> None:
        require(env.predecessor == self.dao.get(), E.NOT_DAO, "only the DAO may call this")

    def _now_s(self) -> int:
        return env.block_timestamp // NS_PER_S

    def _attestation_status(self, account_id: str) -> str:
        """"valid", "missing", "revoked" (measurement revoked or never approved) or "expired"."""
        record = self.attestations.get(account_id)
        if record is None:
            return "missing"
        pin = self.measurements.get(record["measurement"])
        if pin is None or pin["revoked"]:
            return "revoked"
        if min(record["expires_at"], pin["expires_at"]) <= self._now_s():
            return "expired"
        return "valid"

    def _require_voter(self, members: list[str]) -> str:
        """The caller is one of `members` and, when attestation is required, attested now."""
        voter = env.predecessor
        require(voter in members, E.NOT_PARTICIPANT, f"{voter} is not a participant of this vote")
        if self.require_attestation.get():
            status = self._attestation_status(voter)
            require(status == "valid", E.NOT_ATTESTED, f"{voter}'s attestation is {status}")
        return voter

    # -- state machine -------------------------------------------------------------------------
    def _state(self) -> ProtocolState:
        return ProtocolState(self.state.get())

    def _transition(self, target: ProtocolState) -> None:
        """The one place the state changes; pending proposal votes never survive a transition."""
        current = self._state()
        check_transition(current, target)
        self.state.set(target.value)
        self.votes.set({"epoch": self.epoch.get(), "proposals": {}})
        controller_event("state_changed", {"from": current.value, "to": target.value, "epoch": self.epoch.get()})

    def _schemes(self) -> list[str]:
        return [d["scheme"] for d in self.domains.get()]

    def _stake_of(self, account_id: str) -> int:
        token = self.gtoken.get()
        if not token:
            return 0
        return int(env.view(token, "staked_of", {"account_id": account_id}))

    def _require_min_stake(self, account_id: str) -> None:
        minimum = int(self.economics.get().get("min_node_stake", "0"))
        if minimum:
            stake = self._stake_of(account_id)
            require(stake >= minimum, E.INSUFFICIENT_STAKE, f"{account_id} stakes {stake}, needs {minimum}")

    def _node_view(self, account_id: str, with_stake: bool = True) -> dict[str, Any]:
        record = dict(self.nodes[account_id])
        record["attestation"] = self._attestation_status(account_id)
        attestation = self.attestations.get(account_id)
        record["attestation_expires_at"] = attestation["expires_at"] if attestation else None
        record["stake"] = str(self._stake_of(account_id)) if with_stake else None
        return record
