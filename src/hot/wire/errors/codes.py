"""Every `E_...` code a contract refuses a call with, each defined once with its meaning.

A contract panics with text `E_CODE: message` (NEAR shows it as `Smart contract panicked: E_CODE:
message`); clients and `reverts("E_CODE")` read the code back with `split_code`. The protocol
contracts, the ready-made policies, the contract SDK, the examples and the chain emulator use
these members (`require(ok, ContractCode.NOT_OWNER, "only the owner approves")`), never inline
strings, and a unit test refuses an `E_...` literal this table does not define. User contracts
may still write plain strings: the panic text is the same.
"""

from __future__ import annotations

from enum import StrEnum, unique
from typing import Self

UNCODED = "E_PANIC"


@unique
class ContractCode(StrEnum):
    """A stable contract error code (the value, e.g. `"E_NOT_OWNER"`) and what it means."""

    meaning: str

    def __new__(cls, value: str, meaning: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.meaning = meaning
        return member

    # Any contract: the call itself (hot.sdk.contract, the chain emulator).
    PANIC = UNCODED, "The call failed without a coded reason: an uncaught error in contract code, or a panic text without an E_ code."
    BAD_ARGS = "E_BAD_ARGS", "The call's arguments are not a JSON object of the method's parameters, or a value is out of range."
    BAD_TYPE = "E_BAD_TYPE", "A value does not have the type its annotation or storage codec declares."
    BAD_CONTRACT = "E_BAD_CONTRACT", "Deployed code does not define exactly one valid @contract class, or imports a forbidden module."
    METHOD_NOT_FOUND = "E_METHOD_NOT_FOUND", "The contract has no public method of that name."
    PROHIBITED_IN_VIEW = "E_PROHIBITED_IN_VIEW", "A view tried to write storage, create a promise or move tokens."
    NOT_PAYABLE = "E_NOT_PAYABLE", "A deposit was attached to a method that does not accept one."
    PRIVATE = "E_PRIVATE", "A private method (a callback) was called by an account other than the contract itself."
    ALREADY_INITIALIZED = "E_ALREADY_INITIALIZED", "The @init method already ran."
    NOT_INITIALIZED = "E_NOT_INITIALIZED", "A @call ran before the contract was initialized."
    PROMISE = "E_PROMISE", "A method returned or chained a promise that this call did not create."
    BAD_DEPOSIT = "E_BAD_DEPOSIT", "A promise was given a negative deposit."
    NO_CONTEXT = "E_NO_CONTEXT", "Contract code ran outside a chain call."
    KEY_TOO_LONG = "E_KEY_TOO_LONG", "A storage key is longer than the chain allows."
    KEY_NOT_FOUND = "E_KEY_NOT_FOUND", "A storage map has no entry under the key read."
    NESTED = "E_NESTED", "A nested storage collection was assigned as a whole instead of changed in place."
    NOT_IN_SET = "E_NOT_IN_SET", "The item to remove is not in the storage set."
    INDEX_OUT_OF_RANGE = "E_INDEX_OUT_OF_RANGE", "A storage vector index is outside its length."
    VALUE_TOO_LARGE = "E_VALUE_TOO_LARGE", "A stored value is larger than the chain allows."
    STORAGE_LIMIT = "E_STORAGE_LIMIT", "The call wrote more bytes than one call may."
    CALL_DEPTH = "E_CALL_DEPTH", "Cross-contract view calls nested deeper than the chain allows."
    RECURSION = "E_RECURSION", "Contract code exceeded Python's recursion limit."
    VIEW_CALL_FAILED = "E_VIEW_CALL_FAILED", "A cross-contract view made from inside a call failed."
    UNKNOWN_ACCOUNT = "E_UNKNOWN_ACCOUNT", "The account asked about does not exist."

    # Reading a failure back from NEAR (hot.sdk.testing, hot.sdk.client).
    EXECUTION = "E_EXECUTION", "The call failed with a NEAR execution error that is not a contract panic."
    FUNCTION_CALL = "E_FUNCTION_CALL", "The call failed with a NEAR FunctionCallError of another kind."
    CODE_DOES_NOT_EXIST = "E_CODE_DOES_NOT_EXIST", "The called account has no contract code."
    TRANSACTION_FAILED = "E_TRANSACTION_FAILED", "A transaction failed without a contract panic code (NEAR's failure is attached)."
    VIEW_FAILED = "E_VIEW_FAILED", "A view call failed without a contract panic code (NEAR's error text is attached)."
    UNEXPECTED_KEY_ID = "E_UNEXPECTED_KEY_ID", "The Key Registry reserved another key_id than the one the client derived."
    DEPLOY_FAILED = "E_DEPLOY_FAILED", "Deploying a contract failed (NEAR's status is attached)."
    NEAR_RPC = "E_NEAR_RPC", "A NEAR RPC endpoint could not be reached or answered with an error."
    INVALID_TX = "E_INVALID_TX", "NEAR refused the transaction before executing it (InvalidTxError): nothing changed."
    TX_UNKNOWN = "E_TX_UNKNOWN", "A transaction was sent but its outcome is not known yet: look it up before signing again."

    # Meanings shared with the HTTP APIs (hot.wire.errors classes).
    BAD_ENCODING = "E_BAD_ENCODING", "A value's byte encoding is malformed, non-canonical or out of range."
    PROTOCOL = "E_PROTOCOL", "A cryptographic protocol step cannot continue."
    UNAUTHENTICATED = "E_UNAUTHENTICATED", "The caller sent no credential, or one the service does not know."
    UNAUTHORIZED = "E_UNAUTHORIZED", "The key's authorization (its access list, policy or passkey) did not approve exactly this."
    QUOTA = "E_QUOTA", "An API key spent its quota or exceeded its rate."
    BAD_RECEIPT = "E_BAD_RECEIPT", "A gatekeeper receipt is malformed, from an unregistered gatekeeper, badly signed or for another request."
    EXPIRED = "E_EXPIRED", "A receipt's deadline has passed."
    REPLAYED = "E_REPLAYED", "A receipt or session id was already used once."
    UNAVAILABLE = "E_UNAVAILABLE", "Too few healthy MPC nodes answered to finish; retry later."
    BAD_SIGNATURE = "E_BAD_SIGNATURE", "A signature does not verify under the key it must come from."
    UNKNOWN_KEY = "E_UNKNOWN_KEY", "No key is reserved under this key_id."
    NOT_ATTESTED = "E_NOT_ATTESTED", "The node has no valid attestation."

    # Key Registry (hot.contracts.registry).
    BAD_KEY = "E_BAD_KEY", "A public key field has the wrong length, encoding or scheme."
    KEY_RESERVED = "E_KEY_RESERVED", "This key_id is already reserved."
    BAD_AUTHORIZATION = "E_BAD_AUTHORIZATION", "An access-list change carries neither a root signature nor one user_payload per method."
    BAD_ACCESS_LIST = "E_BAD_ACCESS_LIST", "An access list is empty, too long, duplicated or has a malformed method."
    UNVERIFIABLE_METHOD = "E_UNVERIFIABLE_METHOD", "An access method's chain cannot be checked here; use the root key."

    # Controller (hot.contracts.controller*): state, participants, keys, votes.
    WRONG_STATE = "E_WRONG_STATE", "The Controller's current state does not accept this call."
    BAD_TRANSITION = "E_BAD_TRANSITION", "The record (state, proposal, dispute, gatekeeper) is not in the status this step needs."
    BAD_THRESHOLD = "E_BAD_THRESHOLD", "The threshold is below the minimum, above the participant count, or too high for ECDSA."
    BAD_SCHEME = "E_BAD_SCHEME", "The signature scheme is not one the network runs, or none was given."
    BAD_PARTICIPANTS = "E_BAD_PARTICIPANTS", "The participant list is empty or has duplicates."
    BAD_ECONOMICS = "E_BAD_ECONOMICS", "An economics parameter is unknown or out of range."
    UNKNOWN_NODE = "E_UNKNOWN_NODE", "The account has not registered as a node."
    NOT_PARTICIPANT = "E_NOT_PARTICIPANT", "The account is not a participant of the current (or voted) set."
    ALREADY_PARTICIPANT = "E_ALREADY_PARTICIPANT", "The account is already a participant."
    ALREADY_VOTED = "E_ALREADY_VOTED", "This voter already voted on this proposal or attempt."
    WRONG_DOMAIN = "E_WRONG_DOMAIN", "The vote is for another domain than the open key event."
    WRONG_EPOCH = "E_WRONG_EPOCH", "The vote is for another epoch than the open reshare."
    NOT_STALLED = "E_NOT_STALLED", "The key event may not be cancelled yet: its timeout has not passed."
    REFRESH_DISABLED = "E_REFRESH_DISABLED", "Periodic key refresh is switched off."
    REFRESH_NOT_DUE = "E_REFRESH_NOT_DUE", "The next key refresh is not due yet."
    BAD_URL = "E_BAD_URL", "A node URL is not http(s) or is too long."
    BAD_P2P_ADDRESS = "E_BAD_P2P_ADDRESS", "A node's p2p address is not host:port or is too long."
    DUPLICATE_KEY = "E_DUPLICATE_KEY", "A node key is already registered, or its p2p and signing keys are equal."
    KEYS_FIXED = "E_KEYS_FIXED", "A participant cannot change its keys during an epoch or key event."
    BAD_QUOTE = "E_BAD_QUOTE", "An attestation quote's fields are missing, of the wrong size, or of an unknown type."
    QUOTE_SIGNATURE = "E_QUOTE_SIGNATURE", "An attestation quote is not signed by a trusted vendor key."
    QUOTE_KEY_MISMATCH = "E_QUOTE_KEY_MISMATCH", "An attestation quote attests another signing key."
    QUOTE_EXPIRED = "E_QUOTE_EXPIRED", "An attestation quote is outside its validity window."
    MEASUREMENT_NOT_ALLOWED = "E_MEASUREMENT_NOT_ALLOWED", "The quoted code measurement is not pinned by the Controller."
    UNKNOWN_MEASUREMENT = "E_UNKNOWN_MEASUREMENT", "The measurement to change is not pinned (or is revoked)."
    BAD_EXPIRY = "E_BAD_EXPIRY", "An expiry time is not in the future."
    UNKNOWN_GATEKEEPER = "E_UNKNOWN_GATEKEEPER", "No (active) gatekeeper is registered under this id."
    ALREADY_ACTIVE = "E_ALREADY_ACTIVE", "The gatekeeper is already active."
    BLACKLISTED = "E_BLACKLISTED", "The gatekeeper is blacklisted."
    NOT_DAO = "E_NOT_DAO", "Only the DAO may make this call."
    NOT_CONTROLLER = "E_NOT_CONTROLLER", "Only the Controller may make this call."
    NOT_GTOKEN = "E_NOT_GTOKEN", "Only the gTOKEN contract may make this call (disputes are paid in gTOKEN)."

    # Disputes and rewards (hot.contracts.controller_disputes, controller_evidence).
    BAD_DISPUTE = "E_BAD_DISPUTE", "A dispute message lacks its kind, accused or evidence."
    FEE_TOO_LOW = "E_FEE_TOO_LOW", "The attached dispute fee is below the Controller's fee."
    DUPLICATE_DISPUTE = "E_DUPLICATE_DISPUTE", "This evidence was already submitted."
    UNKNOWN_DISPUTE = "E_UNKNOWN_DISPUTE", "No dispute with this id."
    BAD_EVIDENCE = "E_BAD_EVIDENCE", "Dispute evidence is malformed, non-canonical, or does not show the misbehaviour claimed."
    VETO_WINDOW_OPEN = "E_VETO_WINDOW_OPEN", "The veto window is still open: the proposal or dispute is not executable yet."
    VETO_WINDOW_CLOSED = "E_VETO_WINDOW_CLOSED", "The veto window is over: the proposal or dispute is already executable."
    BAD_UNITS = "E_BAD_UNITS", "Reported work units are negative or too large."
    PERIOD_NOT_CLOSABLE = "E_PERIOD_NOT_CLOSABLE", "The reward period has no reports or is not over."
    NO_WORK = "E_NO_WORK", "No attested participant reported work in the period."

    # DAO (hot.contracts.dao).
    NOT_MEMBER = "E_NOT_MEMBER", "The account is not a DAO member."
    UNKNOWN_PROPOSAL = "E_UNKNOWN_PROPOSAL", "No proposal with this id."
    BAD_KIND = "E_BAD_KIND", "The proposal kind is not one the DAO knows."
    VOTING_CLOSED = "E_VOTING_CLOSED", "The proposal's voting period is over."

    # gTOKEN and staking (hot.contracts.gtoken, gtoken_staking).
    BAD_AMOUNT = "E_BAD_AMOUNT", "An amount is not a positive U128 decimal string."
    BAD_BPS = "E_BAD_BPS", "Basis points are outside 0..10000."
    STORAGE_DEPOSIT = "E_STORAGE_DEPOSIT", "The attached storage deposit is too small."
    NOT_REGISTERED = "E_NOT_REGISTERED", "The account has no storage deposit with the token."
    SELF_TRANSFER = "E_SELF_TRANSFER", "Sender and receiver are the same account."
    INSUFFICIENT_BALANCE = "E_INSUFFICIENT_BALANCE", "The token balance is smaller than the amount."
    INSUFFICIENT_STAKE = "E_INSUFFICIENT_STAKE", "The stake is smaller than the amount or the minimum."
    ONE_YOCTO = "E_ONE_YOCTO", "The call needs exactly 1 yoctoNEAR attached (a full-access key confirmation)."
    NOTHING_UNSTAKING = "E_NOTHING_UNSTAKING", "There is no pending unstake to withdraw."
    UNSTAKE_DELAY = "E_UNSTAKE_DELAY", "The unstaked amount is not withdrawable yet."
    NOTHING_TO_SLASH = "E_NOTHING_TO_SLASH", "The account has no stake to slash."
    PERIOD_REWARDED = "E_PERIOD_REWARDED", "This reward period was already paid."

    # Ready-made policies (hot.sdk.policies) and the examples.
    BAD_REQUEST = "E_BAD_REQUEST", "The request to judge is malformed (msg_hash, pre-image or payload), so a policy cannot allow it."
    PREIMAGE_MISMATCH = "E_PREIMAGE_MISMATCH", "The submitted pre-image does not hash to the msg_hash being signed."
    MALFORMED_TRANSACTION = "E_MALFORMED_TRANSACTION", "The pre-image is not a well-formed transaction of the named chain."
    UNSUPPORTED_TRANSACTION = "E_UNSUPPORTED_TRANSACTION", "The transaction is of a kind the decoder cannot judge."
    UNSUPPORTED_CHAIN = "E_UNSUPPORTED_CHAIN", "No decoder for this chain, or its library is not installed."
    BAD_LIMIT = "E_BAD_LIMIT", "A spending limit cannot be enforced (period, amount or duplicate key)."
    LIMIT_EXCEEDED = "E_LIMIT_EXCEEDED", "The request would take the period's spent total over the limit."
    NO_LIMIT = "E_NO_LIMIT", "The request moves an asset that has no limit (refused, not unlimited)."
    BAD_MULTISIG = "E_BAD_MULTISIG", "A key set cannot be a k-of-m multisig (k out of range, duplicate or bad keys)."
    MULTISIG_DENIED = "E_MULTISIG_DENIED", "A key-set change lacks k valid signatures of the current signers."
    BAD_TIMELOCK = "E_BAD_TIMELOCK", "A timelock delay is outside 1 s .. one year."
    TIMELOCK_NOT_READY = "E_TIMELOCK_NOT_READY", "The timelock's delay has not passed yet."
    BAD_ALLOWLIST = "E_BAD_ALLOWLIST", "An allowlist entry lacks its chain or address, or there are too many."
    DESTINATION_NOT_ALLOWED = "E_DESTINATION_NOT_ALLOWED", "A transfer goes to an address the allowlist does not name."
    CALL_NOT_ALLOWED = "E_CALL_NOT_ALLOWED", "The transaction calls a method the allowlist does not name."
    ROTATION_DENIED = "E_ROTATION_DENIED", "A key rotation lacks the current and the new key's signatures, or keeps the same key."
    RECOVERY_DENIED = "E_RECOVERY_DENIED", "A recovery start lacks k guardian signatures over its digest."
    RECOVERY_PENDING = "E_RECOVERY_PENDING", "A recovery is already pending."
    NO_RECOVERY = "E_NO_RECOVERY", "No recovery is pending."
    RECOVERY_NOT_READY = "E_RECOVERY_NOT_READY", "The pending recovery's delay has not passed."
    RECOVERY_STALE = "E_RECOVERY_STALE", "The owner key changed after the recovery started."
    CANCEL_DENIED = "E_CANCEL_DENIED", "The owner key did not sign this recovery cancel."
    NOT_OWNER = "E_NOT_OWNER", "Only the owner may make this call, or the owner's key did not sign."
    ALREADY_APPROVED = "E_ALREADY_APPROVED", "This msg_hash is already approved."
    ALREADY_BOUND = "E_ALREADY_BOUND", "The key_id already has a passkey."
    NOT_BOUND = "E_NOT_BOUND", "The key_id has no passkey."
    BAD_CREDENTIAL = "E_BAD_CREDENTIAL", "A passkey credential is malformed (origins, id, public key or relying party)."


def split_code(text: str) -> tuple[str, str]:
    """Split a panic text "E_CODE: message" into its code and message; a text without one is E_PANIC."""
    head, sep, rest = text.partition(":")
    if sep and head and head.replace("_", "").isalnum() and head.upper() == head and " " not in head:
        return head, rest.strip()
    return UNCODED, text
