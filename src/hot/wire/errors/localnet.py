"""Errors of the local networks (hot.localnet): the NEAR-compatible chain and its RPC, the regtest
Bitcoin node, and the cluster launcher.

Each NEAR chain error carries the JSON NEAR's RPC would show for it. `InvalidTransaction`: the
transaction is rejected before execution (bad signature, unknown key, wrong nonce, too large...):
nothing changes, not even the nonce. `ActionFailure`: execution failed; the nonce and gas fee stay
spent, everything else is rolled back. `QueryError`: a view request cannot be answered. A rejected
Bitcoin transaction or block changes nothing, and carries the short `reason` Bitcoin Core's
`testmempoolaccept` would give, which the Esplora API returns with HTTP 400.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hot.wire.errors.base import EncodingError, HotError
from hot.wire.errors.codes import ContractCode


class NearChainError(HotError):
    """The local NEAR chain refused a transaction or could not answer a query (base of its errors)."""

    code = "near_chain_error"
    status = 400


class InvalidTransaction(NearChainError):
    """The local chain refuses a transaction before executing it (NEAR's `InvalidTxError`, answered as such).

    `detail` is the variant, e.g. {"InvalidNonce": {...}} or "InvalidSignature". A client of the
    RPC sees it as hot.near's TransactionRejected.
    """

    code = "invalid_transaction"

    def __init__(self, detail: Any, message: str = "") -> None:
        super().__init__(message or f"invalid transaction: {detail}")
        self.detail = detail

    def to_json(self) -> dict[str, Any]:
        return {"TxExecutionError": {"InvalidTxError": self.detail}}


class ActionFailure(NearChainError):
    """NEAR `ActionError`: `kind` is the variant, e.g. {"FunctionCallError": {"ExecutionError": "..."}}."""

    code = "action_error"

    def __init__(self, kind: Any, message: str = "", index: int | None = None) -> None:
        super().__init__(message or f"action failed: {kind}")
        self.kind = kind
        self.index = index

    def to_json(self) -> dict[str, Any]:
        return {"ActionError": {"index": self.index, "kind": self.kind}}


class QueryError(NearChainError):
    """A query cannot be answered; `name` is NEAR's cause name (UNKNOWN_ACCOUNT, NO_CONTRACT_CODE...)."""

    code = "query_error"

    def __init__(self, name: str, info: dict[str, Any], message: str) -> None:
        super().__init__(message)
        self.name = name
        self.info = info


class ContractExecutionError(QueryError):
    """The local chain answers a view whose contract failed (panic, missing method, out of gas) with `result.error`."""

    contract_code = ContractCode.VIEW_FAILED

    def __init__(self, vm_error: str, logs: list[str] | None = None) -> None:
        super().__init__("CONTRACT_EXECUTION_ERROR", {"vm_error": vm_error}, vm_error)
        self.vm_error = vm_error
        self.logs = logs or []


class UnknownBlock(NearChainError):
    """The requested block does not exist (yet)."""

    code = "unknown_block"
    status = 404


class UnknownTransaction(HotError):
    """No transaction with that hash (NEAR) or txid (Bitcoin) was executed or is pending on this chain."""

    code = "unknown_transaction"
    status = 404


class RpcError(HotError):
    """An error answer the local NEAR RPC server sends for one JSON-RPC request, with nearcore's HTTP status."""

    code = "rpc_error"

    def __init__(self, name: str, cause: str, info: Any, rpc_code: int, message: str, data: Any,
                 http_status: int) -> None:
        super().__init__(f"{cause}: {data}")
        self.body = {"name": name, "cause": {"name": cause, "info": info}, "code": rpc_code,
                     "message": message, "data": data}
        self.status = http_status  # nearcore: 400 request errors, 200 handler errors (408 timeout), 500 internal


class ClusterError(HotError):
    """The localnet could not be started, inspected or stopped."""

    code = "cluster_error"


class ComponentStartError(ClusterError):
    """A component or server exited or did not become ready in time; the message carries its log tail."""

    code = "component_start_failed"

    def __init__(self, name: str, reason: str, log_path: Path | None = None, log_tail: str = "") -> None:
        where = f"; last lines of {log_path}:\n{log_tail}" if log_path is not None else ""
        super().__init__(f"{name} {reason}{where}")
        self.component, self.log_path = name, log_path


class BitcoinError(HotError):
    """A Bitcoin operation failed: the localnet node, its faucet, or a wallet spending through it."""

    code = "bitcoin_error"
    status = 400


class InvalidAddress(BitcoinError, EncodingError):
    """An address is malformed or belongs to another network than the node's."""

    code = "invalid_address"


class InsufficientFunds(BitcoinError):
    """The spendable coins (the faucet's, or a wallet's UTXOs) cannot pay the amount plus its fee."""

    code = "insufficient_funds"


class BlockRejected(BitcoinError):
    """Bitcoin Core's consensus code (through py-bitcoinkernel) refused a block."""

    code = "block_rejected"


class KernelUnavailable(BitcoinError):
    """libbitcoinkernel could not open the chainstate (another process holds the data dir)."""

    code = "kernel_unavailable"
    status = 503


class MempoolRejected(BitcoinError):
    """The Bitcoin mempool refused a transaction; `reason` says which rule it broke (a client sees the server's text)."""

    code = "tx_rejected"
    reason = "rejected"

    def __init__(self, message: str = "") -> None:
        super().__init__(f"{self.reason}: {message}" if message else self.reason)


class MalformedBitcoinTransaction(MempoolRejected, EncodingError):
    """The bytes are not one canonical serialized Bitcoin transaction."""

    reason = "tx-malformed"


class MissingInputs(MempoolRejected):
    """An input spends an output that does not exist or is already spent on chain."""

    reason = "missing-inputs"


class DoubleSpend(MempoolRejected):
    """An input spends an output that another mempool transaction already spends."""

    reason = "txn-mempool-conflict"


class AlreadyKnown(MempoolRejected):
    """The transaction is already in the mempool or in a block."""

    reason = "txn-already-known"


class ImmatureCoinbase(MempoolRejected):
    """A coinbase output is spent before 100 confirmations (consensus, COINBASE_MATURITY)."""

    reason = "bad-txns-premature-spend-of-coinbase"


class NonStandard(MempoolRejected):
    """The transaction is valid by consensus but outside the relay policy (standardness)."""

    reason = "non-standard"


class ValueOutOfRange(MempoolRejected):
    """Outputs spend more than the inputs hold, or an amount is out of range."""

    reason = "bad-txns-in-belowout"


class InsufficientFee(MempoolRejected):
    """The fee is below the minimum relay fee rate (1 sat/vB, Bitcoin Core's default)."""

    reason = "min-relay-fee-not-met"


class ScriptVerificationFailed(MempoolRejected):
    """An input's script (signature, witness) did not verify under libbitcoinkernel."""

    reason = "mandatory-script-verify-flag-failed"


class NotFinal(MempoolRejected):
    """The transaction's lock time is in the future (BIP113 / nLockTime)."""

    reason = "non-final"
