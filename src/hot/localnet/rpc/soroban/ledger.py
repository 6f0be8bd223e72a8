"""The Soroban ledger behind the local RPC: accounts, contract models, storage, transactions.

Transactions are real Stellar envelopes built by stellar-sdk: the source account's ed25519
signature is checked against the network passphrase, the sequence number must be the next one,
and the `InvokeHostFunction` operation is dispatched to the contract's Python model. Each applied
transaction closes a ledger.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass

from hot.localnet.rpc.soroban.models import (
    ContractStorage,
    ContractTrap,
    Invocation,
    SorobanContractModel,
)
from stellar_sdk import Keypair, StrKey, TransactionEnvelope, xdr
from stellar_sdk.exceptions import BadSignatureError
from stellar_sdk.operation import InvokeHostFunction

NETWORK_PASSPHRASE = "HOT Localnet ; Soroban"
PROTOCOL_VERSION = 22
STARTING_BALANCE = 10_000 * 10**7  # stroops


class EnvelopeRejected(Exception):
    """The envelope is malformed, badly signed, out of sequence or not a contract call.

    Control flow inside this emulator, not a hot.wire error: app.py turns it into the Soroban
    RPC's own answer (`error` / `errorMessage`).
    """


@dataclass
class TransactionRecord:
    hash: str
    status: str  # SUCCESS or FAILED
    ledger: int
    created_at: int
    envelope_xdr: str
    return_value: xdr.SCVal | None
    error: str | None


@dataclass
class SimulationOutcome:
    result: xdr.SCVal | None
    error: str | None


class SorobanLedger:
    def __init__(self, passphrase: str = NETWORK_PASSPHRASE) -> None:
        self.passphrase = passphrase
        self.sequence = 1
        self.close_time = int(time.time())
        self.accounts: dict[str, int] = {}  # G... -> sequence number
        self.contracts: dict[str, SorobanContractModel] = {}
        self.storage: dict[str, dict[bytes, xdr.SCVal]] = {}
        self.transactions: dict[str, TransactionRecord] = {}
        self.lock = threading.Lock()

    def _close_ledger(self) -> None:
        self.sequence += 1
        self.close_time = max(self.close_time + 1, int(time.time()))

    def create_account(self, account_id: str) -> None:
        """Friendbot: a funded account whose sequence starts at ledger << 32, as on Stellar."""
        Keypair.from_public_key(account_id)  # validates the strkey
        self.accounts.setdefault(account_id, self.sequence << 32)
        self._close_ledger()

    def deploy(self, model: SorobanContractModel, salt: bytes) -> str:
        """Install a contract model under a deterministic C... id (sha256 of the salt)."""
        contract_id = StrKey.encode_contract(hashlib.sha256(b"hot-soroban-contract" + salt).digest())
        self.contracts[contract_id] = model
        self.storage.setdefault(contract_id, {})
        self._close_ledger()
        return contract_id

    def _decode(self, envelope_xdr: str) -> tuple[TransactionEnvelope, InvokeHostFunction]:
        try:
            envelope = TransactionEnvelope.from_xdr(envelope_xdr, self.passphrase)
        except Exception as exc:  # stellar-sdk raises several XDR decoding errors
            raise EnvelopeRejected(f"transaction XDR does not decode: {exc}") from exc
        operations = envelope.transaction.operations
        if len(operations) != 1 or not isinstance(operations[0], InvokeHostFunction):
            raise EnvelopeRejected("exactly one InvokeHostFunction operation is supported")
        return envelope, operations[0]

    def _run(self, envelope: TransactionEnvelope, op: InvokeHostFunction) -> tuple[SimulationOutcome, ContractStorage | None]:
        invoke = op.host_function.invoke_contract
        if invoke is None:
            return SimulationOutcome(None, "only invokeContract host functions are supported"), None
        contract_id = StrKey.encode_contract(invoke.contract_address.contract_id.contract_id.hash)
        model = self.contracts.get(contract_id)
        if model is None:
            return SimulationOutcome(None, f"HostError: Error(Storage, MissingValue): contract {contract_id} not found"), None
        storage = ContractStorage(self.storage[contract_id])
        source = envelope.transaction.source.account_id
        call = Invocation(invoke.function_name.sc_symbol.decode(), list(invoke.args), source, storage, self.sequence)
        try:
            return SimulationOutcome(model.invoke(call), None), storage
        except ContractTrap as exc:
            return SimulationOutcome(None, f"HostError: {exc}"), None

    def simulate(self, envelope_xdr: str) -> SimulationOutcome:
        """Run the call without committing anything; signatures and sequence are not checked."""
        envelope, op = self._decode(envelope_xdr)
        return self._run(envelope, op)[0]

    def submit(self, envelope_xdr: str) -> TransactionRecord:
        """Check signature and sequence, run the call, commit storage on success, close a ledger."""
        envelope, op = self._decode(envelope_xdr)
        source = envelope.transaction.source.account_id
        if source not in self.accounts:
            raise EnvelopeRejected(f"source account {source} does not exist")
        tx_hash = envelope.hash()
        if not any(_signed_by(source, tx_hash, s.signature) for s in envelope.signatures):
            raise EnvelopeRejected("txBAD_AUTH: no valid signature of the source account")
        if envelope.transaction.sequence != self.accounts[source] + 1:
            raise EnvelopeRejected("txBAD_SEQ: sequence number is not the next one")
        self.accounts[source] += 1
        outcome, storage = self._run(envelope, op)
        if storage is not None:
            storage.commit()
        self._close_ledger()
        record = TransactionRecord(
            hash=tx_hash.hex(), status="SUCCESS" if outcome.error is None else "FAILED", ledger=self.sequence,
            created_at=self.close_time, envelope_xdr=envelope_xdr, return_value=outcome.result, error=outcome.error,
        )
        self.transactions[record.hash] = record
        return record


def _signed_by(account_id: str, tx_hash: bytes, signature: bytes) -> bool:
    try:
        Keypair.from_public_key(account_id).verify(tx_hash, signature)
        return True
    except BadSignatureError:
        return False
