"""Dispute evidence checks (pure; whitepaper §3.2.3 Fishermen, §4.1.3 gatekeeper slashing).

A fisherman's evidence is only worth a dispute if it is signed by a key the Controller knows: a
node's registered signing key (its signed log, docs/node.md "Signed log") or a gatekeeper's
registered key (its receipt). This module checks those signatures on-chain and decides whether
the evidence proves misbehaviour by itself ("self-proving": resolved at once) or needs the DAO.

The bytes are the wire layer's, read with the same code that wrote them: a node's log entry is
`hot.wire.log.LogEntry` (docs/node.md "Signed log"), a gatekeeper's receipt (whitepaper §3.2.2,
"(gatekeeper_id, request, deadline)") is `hot.wire.receipts.GatekeeperReceipt`; both encode with
`hot.wire.encoding.canonical_json`, so a receipt the gatekeeper signed is the receipt checked here
whatever characters its gatekeeper id holds.
"""

from __future__ import annotations

from typing import Any

from hot.sdk.contract import require
from hot.wire.errors import BadReceipt, ContractCode as E, LogEntryInvalid
from hot.wire.log import LogEntry
from hot.wire.receipts import RECEIPT_FIELDS, GatekeeperReceipt

SELF_PROVING_KINDS = frozenset({"unauthorized_signature", "equivocation"})
EVIDENCE_KINDS = SELF_PROVING_KINDS | {"log_entry", "gatekeeper_receipt"}


def verify_log_line(line: str, node_key: bytes) -> dict[str, Any]:
    """Parse one signed-log line strictly (hot.wire.log) and check its hash and its signature under `node_key`."""
    try:
        entry = LogEntry.from_json_line(line.encode("utf-8", "surrogatepass"))
    except LogEntryInvalid as exc:
        require(False, E.BAD_EVIDENCE, str(exc))
    require(entry.hash_holds(), E.BAD_EVIDENCE, "the entry hash does not match")
    require(entry.signature_holds(node_key),
            E.BAD_SIGNATURE, "the entry is not signed by the accused node's registered signing key")
    return {"seq": entry.seq, "time": entry.time, "kind": entry.kind.value, "body": entry.body,
            "prev_hash": entry.prev_hash.hex(), "hash": entry.hash.hex(), "signature": entry.signature.hex()}


def verify_receipt(evidence: dict[str, Any], gatekeeper_id: str, gatekeeper_key: bytes) -> None:
    """A receipt (hot.wire.receipts) signed by the accused gatekeeper's registered key."""
    receipt = evidence.get("receipt")
    require(isinstance(receipt, dict) and set(receipt) == RECEIPT_FIELDS - {"signature"},
            E.BAD_EVIDENCE, "a receipt has exactly deadline_ms, gatekeeper_id, request_hash")
    try:
        parsed = GatekeeperReceipt.from_json({**receipt, "signature": evidence.get("signature")})
    except BadReceipt as exc:
        require(False, E.BAD_EVIDENCE, str(exc))
    require(parsed.gatekeeper_id == gatekeeper_id, E.BAD_EVIDENCE, "the receipt names another gatekeeper")
    try:
        parsed.check_signature(gatekeeper_key)
    except BadReceipt:
        require(False, E.BAD_SIGNATURE, "the receipt is not signed by the gatekeeper's registered key")


def released_without_authorization(entry: dict[str, Any]) -> bool:
    """A decision entry that records a signature released while authorization did not pass."""
    body = entry["body"]
    return (entry["kind"] == "decision" and isinstance(body, dict) and body.get("event") == "signature_released"
            and body.get("authorization") != "passed")


def check_node_evidence(kind: str, evidence: dict[str, Any], node_key: bytes) -> bool:
    """Verify node evidence; True when it proves misbehaviour by itself (resolved at once)."""
    if kind == "equivocation":
        lines = evidence.get("entries")
        require(isinstance(lines, list) and len(lines) == 2 and all(isinstance(x, str) for x in lines),
                E.BAD_EVIDENCE, "equivocation needs two log lines")
        first, second = verify_log_line(lines[0], node_key), verify_log_line(lines[1], node_key)
        # Two signed entries at one position of a hash chain: the node forked its own log.
        require(first["seq"] == second["seq"] and first["hash"] != second["hash"],
                E.BAD_EVIDENCE, "equivocation needs two different entries with the same seq")
        return True
    line = evidence.get("entry")
    require(isinstance(line, str), E.BAD_EVIDENCE, "evidence needs the log line as 'entry'")
    entry = verify_log_line(line, node_key)
    if kind == "unauthorized_signature":
        require(released_without_authorization(entry),
                E.BAD_EVIDENCE, "the entry does not record a signature released without authorization")
        return True
    return False
