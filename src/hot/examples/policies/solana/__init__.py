"""Example Solana policy: the owner approves a message hash with one System Program transaction.

No custom program is needed: `create_account_with_seed` run by the SVM is the policy. See
`hot.mpc.chains.solana` for why an account (state) rather than a memo (history) is the approval.
"""

from __future__ import annotations

from hot.mpc.chains.solana import approval_address
from solders.hash import Hash
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.system_program import CreateAccountWithSeedParams, create_account_with_seed
from solders.transaction import VersionedTransaction

RENT_EXEMPT_EMPTY_ACCOUNT = 890_880  # lamports for a 0-byte rent-exempt account


def approve_instruction(owner: Pubkey, msg_hash: bytes, seed: str = "hot_verify") -> Instruction:
    """The instruction that records `owner`'s approval of `msg_hash` on chain (owner pays and signs)."""
    return create_account_with_seed(CreateAccountWithSeedParams(
        from_pubkey=owner, to_pubkey=approval_address(owner, msg_hash, seed), base=owner, seed=seed,
        lamports=RENT_EXEMPT_EMPTY_ACCOUNT, space=0, owner=Pubkey(msg_hash),
    ))


def approve_transaction(owner: Keypair, msg_hash: bytes, recent_blockhash: Hash, seed: str = "hot_verify") -> VersionedTransaction:
    """A signed transaction approving `msg_hash`, ready for `AsyncClient.send_transaction`."""
    message = Message.new_with_blockhash([approve_instruction(owner.pubkey(), msg_hash, seed)], owner.pubkey(), recent_blockhash)
    return VersionedTransaction(message, [owner])
