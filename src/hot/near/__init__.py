"""hot.near: the project's one NEAR client, usable against a real NEAR RPC and the localnet alike.

Pure parts (no I/O): `borsh`, `keys` (public keys, signatures), `actions`, `transaction`
(Transaction, SignedTransaction, strict decoding), `signer` (KeyPair, NEAR key files), `queries`
(query params, `BlockRef`, `Read`), `outcomes` (what an outcome or a failure means, E_ codes
kept). I/O: `endpoint` (one JSON-RPC URL), `reader` (`NearReader`, failover), `nonces`
(`NonceCounter`), `client` (`NearRpc`, async), `blocking` (`BlockingNearRpc`, for sync callers).

It imports only `hot.wire` and third-party packages; the localnet's chain emulator imports it
to decode what it receives, never the other way round (docs/architecture.md).
"""

from __future__ import annotations

from hot.near.actions import (
    AccessKey,
    Action,
    AddKey,
    CreateAccount,
    DeleteAccount,
    DeleteKey,
    DeployContract,
    FunctionCall,
    FunctionCallPermission,
    Stake,
    Transfer,
)
from hot.near.blocking import BlockingNearRpc
from hot.near.client import DEFAULT_GAS, Backoff, NearRpc
from hot.near.keys import ED25519, SECP256K1, PublicKey, Signature
from hot.near.nonces import NonceCounter
from hot.near.outcomes import outcome_value, transaction_failure
from hot.near.queries import FINAL, OPTIMISTIC, BlockRef, Read
from hot.near.reader import FailoverReader, NearReader
from hot.near.signer import KeyPair, read_key_file, write_key_file
from hot.near.transaction import (
    SignedTransaction,
    Transaction,
    decode_signed_transaction,
)

__all__ = [
    "DEFAULT_GAS", "ED25519", "FINAL", "OPTIMISTIC", "SECP256K1", "AccessKey", "Action", "AddKey", "Backoff",
    "BlockRef", "BlockingNearRpc", "CreateAccount", "DeleteAccount", "DeleteKey", "DeployContract",
    "FailoverReader", "FunctionCall", "FunctionCallPermission", "KeyPair", "NearReader", "NearRpc", "NonceCounter",
    "PublicKey", "Read", "Signature", "SignedTransaction", "Stake", "Transaction", "Transfer",
    "decode_signed_transaction", "outcome_value", "read_key_file", "transaction_failure", "write_key_file",
]
