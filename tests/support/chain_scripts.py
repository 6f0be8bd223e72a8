"""Signed transactions for the chain's durability tests (tests/unit/localnet/chain and
tests/integration/localnet/chain/test_chain_durability.py)."""

from __future__ import annotations

import base58
from hot.near.actions import (
    AccessKey,
    AddKey,
    CreateAccount,
    DeployContract,
    FunctionCall,
    Transfer,
)
from hot.localnet.chain.chain import NEAR, Chain
from hot.near.signer import KeyPair

from .contracts import KITCHEN


def scripted_transactions(chain: Chain) -> list[bytes]:
    """Create app.test.near with the kitchen contract and bump its counter, signed by the root key."""
    root, key = chain.config.root_account, chain.root_key
    head = base58.b58decode(chain.head["header"]["hash"])
    app_key = KeyPair.from_seed(b"app")
    return [
        key.sign_transaction(root, "app.test.near", 1, head, [
            CreateAccount(), Transfer(10 * NEAR), AddKey(app_key.public_key, AccessKey(0, None)),
            DeployContract(KITCHEN.read_bytes()), FunctionCall("new", b'{"owner":"test.near"}', 10**14, 0)]),
        key.sign_transaction(root, "app.test.near", 2, head, [FunctionCall("increment", b'{"by":7}', 10**14, 0)]),
    ]
