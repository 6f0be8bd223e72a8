"""Disputes, slashing and epoch rewards (whitepaper §3.2.1, §3.2.3, §3.2.4, §4.1.3).

A fisherman opens a dispute by `ft_transfer_call`-ing the dispute fee in gTOKEN to the Controller
with `msg = {"dispute": {"accused", "kind", "evidence"}}`. Evidence signed by a registered key is
checked here; a refused dispute panics inside `ft_on_transfer`, so NEP-141 refunds the whole fee
and nothing is recorded. Self-proving evidence is upheld at once; the rest waits for the DAO.
An upheld dispute waits `veto_window_blocks` (the DAO may veto), then anyone executes it: the
accused's stake is slashed by `slash_bps`, the fisherman gets `fisherman_share_bps` of the slashed
amount, and the fee is refunded. A rejected dispute keeps the fee.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hot.contracts.controller_evidence import (
    EVIDENCE_KINDS,
    check_node_evidence,
    verify_receipt,
)
from hot.wire.encoding import canonical_json
from hot.contracts.controller_storage import ControllerStorage, controller_event
from hot.sdk.contract import Map, Set, Value, call, env, require
from hot.wire.errors import ContractCode as E

ONE_YOCTO = 1


class DisputesMixin(ControllerStorage):
    """ft_on_transfer (open), resolve/veto (DAO), execute (anyone), work reports and rewards."""

    disputes = Map(int, dict[str, Any])
    dispute_count = Value(int, default=0)
    evidence_seen = Set(str)
    work = Value(dict[str, Any], default={"period": 0, "units": {}})

    @call
    def ft_on_transfer(self, sender_id: str, amount: str, msg: str) -> str:
        """NEP-141 receiver: gTOKEN only; opens a dispute; returns the unused amount (above the fee)."""
        require(env.predecessor == self.gtoken.get(), E.NOT_GTOKEN, "disputes are paid in gTOKEN only")
        try:
            request = json.loads(msg)["dispute"]
        except (ValueError, KeyError, TypeError):
            request = None
        require(isinstance(request, dict), E.BAD_DISPUTE, 'msg must be {"dispute": {...}}')
        fee, paid = int(self.economics.get().get("dispute_fee", "0")), int(amount)
        require(paid >= fee, E.FEE_TOO_LOW, f"the dispute fee is {fee}")
        accused, kind, evidence = request.get("accused"), request.get("kind"), request.get("evidence")
        require(kind in EVIDENCE_KINDS, E.BAD_DISPUTE, f"kind must be one of {sorted(EVIDENCE_KINDS)}")
        require(isinstance(accused, str) and isinstance(evidence, dict), E.BAD_DISPUTE, "accused and evidence needed")
        fingerprint = _fingerprint(accused, kind, evidence)
        require(fingerprint not in self.evidence_seen, E.DUPLICATE_DISPUTE, "this evidence was already submitted")
        self_proving = self._check_evidence(accused, kind, evidence)
        dispute_id = self.dispute_count.get()
        self.dispute_count.set(dispute_id + 1)
        self.evidence_seen.add(fingerprint)
        window = int(self.economics.get().get("veto_window_blocks", 0))
        self.disputes[dispute_id] = {
            "id": dispute_id, "fisherman": sender_id, "accused": accused, "kind": kind, "evidence": evidence,
            "fee": str(fee), "status": "upheld" if self_proving else "pending", "opened_at_block": env.block_height,
            "executable_at_block": env.block_height + window if self_proving else None, "slashed": None}
        controller_event("dispute_opened", {"id": dispute_id, "accused": accused, "kind": kind,
                                            "self_proving": self_proving})
        return str(paid - fee)

    def _check_evidence(self, accused: str, kind: str, evidence: dict[str, Any]) -> bool:
        if kind == "gatekeeper_receipt":
            record = self.gatekeepers.get(accused)
            require(record is not None, E.UNKNOWN_GATEKEEPER, f"{accused} is not a registered gatekeeper")
            verify_receipt(evidence, accused, bytes.fromhex(record["public_key"]))
            return False
        node = self.nodes.get(accused)
        require(node is not None, E.UNKNOWN_NODE, f"{accused} is not a registered node")
        return check_node_evidence(kind, evidence, bytes.fromhex(node["signing_public_key"]))

    def _dispute(self, dispute_id: int, status: str) -> dict[str, Any]:
        record = self.disputes.get(dispute_id)
        require(record is not None, E.UNKNOWN_DISPUTE, f"no dispute {dispute_id}")
        require(record["status"] == status, E.BAD_TRANSITION, f"dispute {dispute_id} is {record['status']}")
        return dict(record)

    @call
    def resolve_dispute(self, dispute_id: int, upheld: bool) -> None:
        """DAO: decide a pending dispute. The DAO's own veto window already ran, so upheld executes now."""
        self._require_dao()
        record = self._dispute(dispute_id, "pending")
        if not upheld:
            self.disputes[dispute_id] = {**record, "status": "rejected"}  # the fee stays with the Controller
            controller_event("dispute_rejected", {"id": dispute_id})
            return
        self.disputes[dispute_id] = {**record, "status": "upheld", "executable_at_block": env.block_height}
        self.execute_dispute(dispute_id)

    @call
    def veto_dispute(self, dispute_id: int) -> None:
        """DAO: veto an upheld dispute inside its veto window; the fee is refunded (the evidence verified)."""
        self._require_dao()
        record = self._dispute(dispute_id, "upheld")
        require(env.block_height < record["executable_at_block"], E.VETO_WINDOW_CLOSED, "the dispute is executable")
        self.disputes[dispute_id] = {**record, "status": "vetoed"}
        self._refund_fee(record)
        controller_event("dispute_vetoed", {"id": dispute_id})

    @call
    def execute_dispute(self, dispute_id: int) -> None:
        """Anyone, after the veto window: slash the accused, reward the fisherman, refund the fee."""
        record = self._dispute(dispute_id, "upheld")
        require(env.block_height >= record["executable_at_block"],
                E.VETO_WINDOW_OPEN, f"executable from block {record['executable_at_block']}")
        self.disputes[dispute_id] = {**record, "status": "executed"}
        economics = self.economics.get()
        env.promise(self.gtoken.get(), "slash", {
            "account_id": record["accused"], "slash_bps": int(economics.get("slash_bps", 0)),
            "beneficiary_id": record["fisherman"], "beneficiary_share_bps": int(economics.get("fisherman_share_bps", 0)),
        }).then("on_dispute_slashed", {"dispute_id": dispute_id})
        self._refund_fee(record)
        controller_event("dispute_executed", {"id": dispute_id, "accused": record["accused"]})

    @call(private=True)
    def on_dispute_slashed(self, dispute_id: int) -> None:
        """Callback: record how much the token contract slashed (or that it failed)."""
        ok, value = env.promise_results[0]
        self.disputes[dispute_id] = {**self.disputes[dispute_id], "slashed": value if ok else "failed"}

    def _refund_fee(self, record: dict[str, Any]) -> None:
        if int(record["fee"]):
            env.promise(self.gtoken.get(), "ft_transfer", {"receiver_id": record["fisherman"], "amount": record["fee"],
                                                           "memo": f"dispute {record['id']} fee refund"},
                        deposit=ONE_YOCTO)

    @call
    def report_work(self, units: int) -> None:
        """An attested participant reports the signing work it did this chain epoch (its TEE counts it)."""
        voter = self._require_voter(self.participants.get())
        require(0 <= units < 2**53, E.BAD_UNITS, "units must be a non-negative integer below 2^53")
        work = self._current_work()
        self.work.set({"period": work["period"], "units": {**work["units"], voter: units}})

    def _current_work(self) -> dict[str, Any]:
        work = self.work.get()
        return work if work["period"] == env.epoch_height else {"period": env.epoch_height, "units": {}}

    @call
    def close_reward_period(self, period: int) -> dict[str, str]:
        """Anyone, once a chain epoch is over: mint that epoch's rewards, split by work of attested participants."""
        work = self.work.get()
        require(work["period"] == period and period < env.epoch_height,
                E.PERIOD_NOT_CLOSABLE, f"period {period} has no reports or is not over")
        weights = {acc: str(n) for acc, n in work["units"].items()
                   if n > 0 and acc in self.participants.get()
                   and (not self.require_attestation.get() or self._attestation_status(acc) == "valid")}
        self.work.set({"period": env.epoch_height, "units": {}})
        require(weights, E.NO_WORK, "no attested participant reported work")
        env.promise(self.gtoken.get(), "distribute_rewards", {"period": period, "weights": weights})
        return weights


def _fingerprint(accused: str, kind: str, evidence: dict[str, Any]) -> str:
    """One fingerprint per piece of misbehaviour: an equivocating pair counts once in either order."""
    if kind == "equivocation" and isinstance(evidence.get("entries"), list):
        evidence = {**evidence, "entries": sorted(evidence["entries"], key=canonical_json)}
    return hashlib.sha256(canonical_json({"accused": accused, "evidence": evidence})).hexdigest()
