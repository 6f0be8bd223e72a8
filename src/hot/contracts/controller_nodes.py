"""Node registration, attestation pinning and the gatekeeper registry (whitepaper §2.2.7, §2.2.8, §4.2.1).

A node registers its own keys (the account that later votes is the account that declared them),
and no two accounts may register the same p2p or signing key: a duplicate would let one machine
answer for two participants (ToB finding #6 on NEAR's MPC, near-mpc-security-review-notes).
Measurements (code hashes) are pinned by the DAO with an expiry; a node's quote must be signed by
a trusted vendor, bind its registered signing key, and carry a pinned, unrevoked measurement.
"""

from __future__ import annotations

from typing import Any

from hot.contracts.controller_attestation import verify_quote
from hot.contracts.controller_rules import check_hex_key
from hot.contracts.controller_storage import ControllerStorage, controller_event
from hot.sdk.contract import call, env, require
from hot.wire.errors import ContractCode as E

GATEKEEPER_STATUSES = ("active", "removed", "blacklisted")
MAX_URL_LENGTH = 512
MAX_P2P_ADDRESS_LENGTH = 255


def _check_p2p_address(address: str) -> None:
    """`host:port` (or empty: the node is not reachable for peers yet)."""
    if not address:
        return
    host, _, port = address.rpartition(":")
    require(0 < len(address) <= MAX_P2P_ADDRESS_LENGTH and host != "" and port.isdigit() and 0 < int(port) < 65536,
            E.BAD_P2P_ADDRESS, "p2p_address must be host:port, at most 255 characters")


class NodesMixin(ControllerStorage):
    """register_node, submit_attestation and the DAO's measurement, vendor and gatekeeper calls."""

    @call
    def register_node(self, url: str, p2p_public_key: str, signing_public_key: str, p2p_address: str = "") -> None:
        """The caller declares its node: URL, p2p/TLS key and log/attestation signing key (hex Ed25519),
        and the `host:port` its peer transport listens on.

        A current participant, or one in the running key event, may change its URL and p2p address
        but not its keys (peers pin them for the epoch and the key event). The first registration
        gives the account its `participant_id` (1, 2, ... in registration order, never reused):
        the integer id nodes use for one another in protocol messages and the signing API.
        """
        account_id = env.predecessor
        require(0 < len(url) <= MAX_URL_LENGTH and url.startswith(("http://", "https://")),
                E.BAD_URL, "url must be http(s) and at most 512 characters")
        _check_p2p_address(p2p_address)
        check_hex_key(p2p_public_key, 32, "p2p_public_key")
        check_hex_key(signing_public_key, 32, "signing_public_key")
        require(p2p_public_key != signing_public_key, E.DUPLICATE_KEY, "p2p and signing keys must differ")
        # A key is a key: one registered as anyone's p2p key cannot be another's signing key either.
        for key in (p2p_public_key, signing_public_key):
            for index in (self.p2p_key_owner, self.signing_key_owner):
                owner = index.get(key)
                require(owner in (None, account_id), E.DUPLICATE_KEY, f"key {key} is registered by {owner}")
        old = self.nodes.get(account_id)
        event = self.key_event.get()
        in_epoch = account_id in self.participants.get() or (event is not None and account_id in event["participants"])
        if old is not None and in_epoch:
            require(old["p2p_public_key"] == p2p_public_key and old["signing_public_key"] == signing_public_key,
                    E.KEYS_FIXED, "a participant cannot change its keys during an epoch")
        if old is not None:
            self.p2p_key_owner.remove(old["p2p_public_key"])
            self.signing_key_owner.remove(old["signing_public_key"])
            if old["signing_public_key"] != signing_public_key:
                self.attestations.remove(account_id)  # a quote binds the old key only
        self.p2p_key_owner[p2p_public_key] = account_id
        self.signing_key_owner[signing_public_key] = account_id
        participant_id = old.get("participant_id") if old is not None else None
        if participant_id is None:  # first registration (or a record from before ids existed)
            participant_id = self.next_participant_id.get()
            self.next_participant_id.set(participant_id + 1)
        record = {"account_id": account_id, "url": url, "p2p_public_key": p2p_public_key,
                  "signing_public_key": signing_public_key, "participant_id": participant_id,
                  "p2p_address": p2p_address}
        self.nodes[account_id] = record
        controller_event("node_registered", record)

    @call
    def submit_attestation(self, quote: dict[str, Any]) -> dict[str, Any]:
        """A registered node submits a quote bound to its signing key; the contract records its expiry."""
        account_id = env.predecessor
        node = self.nodes.get(account_id)
        require(node is not None, E.UNKNOWN_NODE, f"{account_id} has not registered its keys")
        vendors = [bytes.fromhex(k) for k in self.vendor_keys.get()]
        measurement, expires_at = verify_quote(quote, node_signing_public_key=bytes.fromhex(node["signing_public_key"]),
                                               vendor_keys=vendors, now_s=self._now_s())
        pin = self.measurements.get(measurement.hex())
        require(pin is not None and not pin["revoked"] and pin["expires_at"] > self._now_s(),
                E.MEASUREMENT_NOT_ALLOWED, f"measurement {measurement.hex()} is not pinned")
        record = {"measurement": measurement.hex(), "expires_at": min(expires_at, pin["expires_at"]),
                  "submitted_at_block": env.block_height}
        self.attestations[account_id] = record
        controller_event("attestation_accepted", {"account_id": account_id, **record})
        return record

    @call
    def approve_measurement(self, measurement: str, expires_at: int) -> None:
        """DAO: pin a code measurement (hex SHA-256) until `expires_at` (Unix seconds)."""
        self._require_dao()
        check_hex_key(measurement, 32, "measurement")
        require(expires_at > self._now_s(), E.BAD_EXPIRY, "expires_at must be in the future")
        self.measurements[measurement] = {"expires_at": expires_at, "revoked": False}
        controller_event("measurement_approved", {"measurement": measurement, "expires_at": expires_at})

    @call
    def revoke_measurement(self, measurement: str) -> None:
        """DAO: revoke a pinned measurement; nodes attested with it are flagged at once."""
        self._require_dao()
        pin = self.measurements.get(measurement)
        require(pin is not None and not pin["revoked"], E.UNKNOWN_MEASUREMENT, f"{measurement} is not pinned")
        self.measurements[measurement] = {**pin, "revoked": True}
        controller_event("measurement_revoked", {"measurement": measurement})

    @call
    def set_vendor_keys(self, vendor_public_keys: list[str]) -> None:
        """DAO: replace the trusted quote vendor keys (hex Ed25519)."""
        self._require_dao()
        for key in vendor_public_keys:
            check_hex_key(key, 32, "vendor_public_key")
        self.vendor_keys.set(list(vendor_public_keys))

    @call
    def approve_gatekeeper(self, gatekeeper_id: str, public_key: str) -> None:
        """DAO: approve a gatekeeper and its receipt-signing key (hex Ed25519); blacklisted ids stay out."""
        self._require_dao()
        check_hex_key(public_key, 32, "public_key")
        old = self.gatekeepers.get(gatekeeper_id)
        require(old is None or old["status"] != "blacklisted", E.BLACKLISTED, f"{gatekeeper_id} is blacklisted")
        require(old is None or old["status"] != "active", E.ALREADY_ACTIVE, f"{gatekeeper_id} is already active")
        self.gatekeepers[gatekeeper_id] = {"gatekeeper_id": gatekeeper_id, "public_key": public_key,
                                           "status": "active", "approved_at_block": env.block_height}
        controller_event("gatekeeper_approved", {"gatekeeper_id": gatekeeper_id, "public_key": public_key})

    @call
    def remove_gatekeeper(self, gatekeeper_id: str) -> None:
        """DAO: remove an active gatekeeper (it may be approved again later)."""
        self._set_gatekeeper_status(gatekeeper_id, "removed")

    @call
    def blacklist_gatekeeper(self, gatekeeper_id: str) -> None:
        """DAO: blacklist a gatekeeper for good (its receipts are refused; it cannot be re-approved)."""
        self._set_gatekeeper_status(gatekeeper_id, "blacklisted")

    def _set_gatekeeper_status(self, gatekeeper_id: str, status: str) -> None:
        self._require_dao()
        record = self.gatekeepers.get(gatekeeper_id)
        require(record is not None, E.UNKNOWN_GATEKEEPER, f"{gatekeeper_id} is not registered")
        require(record["status"] != status and record["status"] != "blacklisted",
                E.BAD_TRANSITION, f"gatekeeper {gatekeeper_id} is {record['status']}")
        self.gatekeepers[gatekeeper_id] = {**record, "status": status}
        controller_event(f"gatekeeper_{status}", {"gatekeeper_id": gatekeeper_id})
