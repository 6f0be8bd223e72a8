"""Dispute evidence checks (pure; whitepaper §3.2.3 Fishermen, §4.1.3 gatekeeper slashing).

A fisherman's evidence is only worth a dispute if it is signed by a key the Controller knows: a
node's registered signing key (its signed log, docs/node.md "Signed log") or a gatekeeper's
registered key (its receipt). This module checks those signatures on-chain and decides whether
the evidence proves misbehaviour by itself ("self-proving": resolved at once) or needs the DAO.

Node log entry (the exact bytes of hot.mpc.node.log_entry, re-stated because deployed contracts
cannot import hot.mpc):
    hash      = SHA-256(b"hot-protocol/node-log/entry/v1\\n" || canonical_json({body, kind, prev_hash, seq, time}))
    signature = Ed25519(node signing key, b"hot-protocol/node-log/signature/v1\\n" || hash)
Gatekeeper receipt (whitepaper §3.2.2, "(gatekeeper_id, request, deadline)"; the bytes of
hot.mpc.gatekeeper.receipts, docs/node-api.md):
    signature = Ed25519(gatekeeper key, b"hot-receipt-v1"
                        || SHA-256(canonical_json({deadline_ms, gatekeeper_id, request_hash})))
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hot.sdk.contract import require
from hot.sdk.hostcrypto import ed25519_verify

LOG_HASH_TAG = b"hot-protocol/node-log/entry/v1\n"
LOG_SIGNATURE_TAG = b"hot-protocol/node-log/signature/v1\n"
RECEIPT_TAG = b"hot-receipt-v1"
RECEIPT_FIELDS = frozenset({"deadline_ms", "gatekeeper_id", "request_hash"})
LOG_LINE_FIELDS = frozenset({"seq", "time", "kind", "body", "prev_hash", "hash", "signature"})
LOG_KINDS = frozenset({"request", "decision", "protocol", "error", "attestation"})
SELF_PROVING_KINDS = frozenset({"unauthorized_signature", "equivocation"})
EVIDENCE_KINDS = SELF_PROVING_KINDS | {"log_entry", "gatekeeper_receipt"}


def canonical_json(value: Any) -> bytes:
    """The signed log's canonical JSON: sorted keys, no spaces, ASCII escapes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode()


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    require(len(keys) == len(set(keys)), "E_BAD_EVIDENCE: duplicate key in a log line")
    return dict(pairs)


def _refuse_float(text: str) -> Any:
    require(False, f"E_BAD_EVIDENCE: float {text} in a log line")


def _hex(value: Any, size: int, field: str) -> bytes:
    try:
        raw = bytes.fromhex(value) if isinstance(value, str) else b""
    except ValueError:
        raw = b""
    require(len(raw) == size and raw.hex() == value, f"E_BAD_EVIDENCE: {field} must be {size} bytes of lowercase hex")
    return raw


def verify_log_line(line: str, node_key: bytes) -> dict[str, Any]:
    """Parse one signed-log line strictly and check its hash and its signature under `node_key`."""
    try:
        entry = json.loads(line, object_pairs_hook=_no_duplicates, parse_float=_refuse_float)
    except ValueError:
        entry = None
    require(isinstance(entry, dict) and set(entry) == LOG_LINE_FIELDS,
            f"E_BAD_EVIDENCE: a log line is an object with exactly {sorted(LOG_LINE_FIELDS)}")
    require(canonical_json(entry).decode() == line.rstrip("\n"), "E_BAD_EVIDENCE: the log line is not canonical")
    require(entry["kind"] in LOG_KINDS, "E_BAD_EVIDENCE: unknown log entry kind")
    for field in ("seq", "time"):
        require(isinstance(entry[field], int) and not isinstance(entry[field], bool) and entry[field] >= 0,
                f"E_BAD_EVIDENCE: {field} must be a non-negative integer")
    _hex(entry["prev_hash"], 32, "prev_hash")
    digest = _hex(entry["hash"], 32, "hash")
    signature = _hex(entry["signature"], 64, "signature")
    hashed = canonical_json({k: entry[k] for k in ("body", "kind", "prev_hash", "seq", "time")})
    require(hashlib.sha256(LOG_HASH_TAG + hashed).digest() == digest, "E_BAD_EVIDENCE: the entry hash does not match")
    require(ed25519_verify(node_key, LOG_SIGNATURE_TAG + digest, signature),
            "E_BAD_SIGNATURE: the entry is not signed by the accused node's registered signing key")
    return entry


def receipt_signed_bytes(receipt: dict[str, Any]) -> bytes:
    """The bytes a gatekeeper signs for a receipt (docs/contracts.md, "Gatekeeper receipt")."""
    require(isinstance(receipt, dict) and set(receipt) == RECEIPT_FIELDS,
            "E_BAD_EVIDENCE: a receipt has exactly deadline_ms, gatekeeper_id, request_hash")
    return RECEIPT_TAG + hashlib.sha256(canonical_json(receipt)).digest()


def verify_receipt(evidence: dict[str, Any], gatekeeper_id: str, gatekeeper_key: bytes) -> None:
    """A receipt signed by the accused gatekeeper's registered key."""
    receipt = evidence.get("receipt")
    signed = receipt_signed_bytes(receipt if isinstance(receipt, dict) else {})
    require(receipt["gatekeeper_id"] == gatekeeper_id, "E_BAD_EVIDENCE: the receipt names another gatekeeper")
    signature = _hex(evidence.get("signature"), 64, "signature")
    require(ed25519_verify(gatekeeper_key, signed, signature),
            "E_BAD_SIGNATURE: the receipt is not signed by the gatekeeper's registered key")


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
                "E_BAD_EVIDENCE: equivocation needs two log lines")
        first, second = verify_log_line(lines[0], node_key), verify_log_line(lines[1], node_key)
        # Two signed entries at one position of a hash chain: the node forked its own log.
        require(first["seq"] == second["seq"] and first["hash"] != second["hash"],
                "E_BAD_EVIDENCE: equivocation needs two different entries with the same seq")
        return True
    line = evidence.get("entry")
    require(isinstance(line, str), "E_BAD_EVIDENCE: evidence needs the log line as 'entry'")
    entry = verify_log_line(line, node_key)
    if kind == "unauthorized_signature":
        require(released_without_authorization(entry),
                "E_BAD_EVIDENCE: the entry does not record a signature released without authorization")
        return True
    return False
