"""Refusals of the ready-made policies (hot.sdk.policies, docs/policy-guide.md) and their decoders.

A policy refusal is a CodedPanic: the class fixes the `E_...` code the contract refuses with. A
decoding failure is a DecodeError whose `contract_code` is the code `decode_or_refuse` refuses
with, so a pre-image that cannot be trusted is never an allow and never an uncoded crash.
"""

from __future__ import annotations

from hot.wire.errors.base import EncodingError, HotError
from hot.wire.errors.codes import ContractCode
from hot.wire.errors.contract import CodedPanic, ContractPanic
from hot.wire.errors.service import AuthorizationDenied


class PolicyDefinitionError(HotError):
    """A predicate was built wrongly (not a runtime denial): fix the policy's definition."""

    code = "policy_definition"


class InvalidPolicyKey(PolicyDefinitionError, EncodingError):
    """A registered public key has the wrong length or encoding for its scheme."""

    code = "invalid_policy_key"
    status = 400
    contract_code = ContractCode.BAD_KEY


class PasskeyDenied(AuthorizationDenied):
    """A passkey assertion does not authorize the message; `reason` names the broken rule."""

    code = "passkey_denied"

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class DecodeError(HotError):
    """A pre-image could not be turned into a trusted DecodedRequest."""

    code = "decode_error"
    status = 400
    contract_code = ContractCode.BAD_REQUEST


class PreimageMismatch(DecodeError, AuthorizationDenied):
    """The submitted pre-image does not hash to the msg_hash being signed: refuse the request."""

    code = "preimage_mismatch"
    status = 403
    contract_code = ContractCode.PREIMAGE_MISMATCH


class MalformedTransaction(DecodeError, EncodingError):
    """The pre-image bytes are not a well-formed transaction of the named chain."""

    code = "malformed_transaction"
    contract_code = ContractCode.MALFORMED_TRANSACTION


class UnsupportedTransaction(DecodeError):
    """Well-formed, but of a kind this decoder cannot judge (so a policy must not allow it)."""

    code = "unsupported_transaction"
    contract_code = ContractCode.UNSUPPORTED_TRANSACTION


class UnsupportedChain(DecodeError):
    """No decoder for this chain name, or its chain library is not installed."""

    code = "unsupported_chain"
    contract_code = ContractCode.UNSUPPORTED_CHAIN


class RequestRefused(ContractPanic):
    """A `@call` refused a request whose pre-image cannot be trusted; the code names why."""


class LimitDefinitionError(CodedPanic):
    """A limit that cannot be enforced: non-positive period, negative amount, duplicate key."""

    contract_code = ContractCode.BAD_LIMIT


class LimitExceeded(CodedPanic):
    """The request would take the period's spent total over the limit; nothing was charged."""

    contract_code = ContractCode.LIMIT_EXCEEDED


class NoLimitForAsset(CodedPanic):
    """The request moves an asset this wallet has no limit for (refused, not unlimited)."""

    contract_code = ContractCode.NO_LIMIT


class MultisigDefinitionError(CodedPanic):
    """A key set that cannot be a multisig: k outside 1..m, duplicate keys or labels, bad keys."""

    contract_code = ContractCode.BAD_MULTISIG


class MultisigChangeDenied(CodedPanic):
    """A key-set change without k valid signatures of the current signers over its digest."""

    contract_code = ContractCode.MULTISIG_DENIED


class TimelockDefinitionError(CodedPanic):
    """A delay outside 1 s .. one year."""

    contract_code = ContractCode.BAD_TIMELOCK


class TimelockNotReady(CodedPanic):
    """An action that needs the delay to have passed was tried too early."""

    contract_code = ContractCode.TIMELOCK_NOT_READY


class AllowlistDefinitionError(CodedPanic):
    """An allowlist entry without a chain or address, or too many entries."""

    contract_code = ContractCode.BAD_ALLOWLIST


class DestinationNotAllowed(CodedPanic):
    """A transfer goes to an address the allowlist does not name."""

    contract_code = ContractCode.DESTINATION_NOT_ALLOWED


class CallNotAllowed(CodedPanic):
    """The transaction calls a contract/program method the allowlist does not name."""

    contract_code = ContractCode.CALL_NOT_ALLOWED


class ControllingKeyError(CodedPanic):
    """A controlling key with an unknown scheme, a bad length or no label."""

    contract_code = ContractCode.BAD_KEY


class RotationDenied(CodedPanic):
    """A rotation without both the current key's and the new key's signature over its digest."""

    contract_code = ContractCode.ROTATION_DENIED


class RecoveryDenied(CodedPanic):
    """A recovery start without k guardian signatures over its digest."""

    contract_code = ContractCode.RECOVERY_DENIED


class RecoveryStateError(ContractPanic):
    """A recovery step that does not fit the current state (none pending, one pending, too early, stale)."""
