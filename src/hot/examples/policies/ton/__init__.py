"""Example TON policy (FunC, `approved_messages.fc`) and the messages that deploy and approve with it.

The code cell is compiled offline by `@ton-community/func-js` (`node build.mjs`) into
`approved_messages.boc`, which is committed so Python needs no node at run time.
"""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

from nacl.signing import SigningKey
from pytoniq_core import Address, Cell, begin_cell
from pytoniq_core.tlb.account import StateInit
from pytoniq_core.tlb.transaction import ExternalMsgInfo, MessageAny

POLICY_DIR = Path(__file__).parent


@cache
def policy_code(name: str = "approved_messages") -> Cell:
    return Cell.one_from_boc((POLICY_DIR / f"{name}.boc").read_bytes())


def initial_data(owner: SigningKey) -> Cell:
    """owner_pubkey:uint256 seqno:uint32 approved:(empty dict)."""
    return begin_cell().store_uint(int.from_bytes(bytes(owner.verify_key), "big"), 256).store_uint(0, 32).store_dict(None).end_cell()


def state_init(owner: SigningKey) -> StateInit:
    return StateInit(code=policy_code(), data=initial_data(owner))


def policy_address(owner: SigningKey) -> str:
    """The contract's raw address `0:<hash of StateInit>` (workchain 0)."""
    return Address((0, state_init(owner).serialize().hash)).to_str(is_user_friendly=False)


def approval_message(owner: SigningKey, msg_hash: bytes, seqno: int, *, deploy: bool = False) -> str:
    """Base64 BOC of the owner's signed external message approving `msg_hash` (for toncenter sendBoc).

    With `deploy=True` it carries the StateInit, so the first approval also deploys the policy.
    """
    signed = begin_cell().store_uint(seqno, 32).store_bytes(msg_hash).end_cell()
    body = begin_cell().store_bytes(owner.sign(signed.hash).signature).store_cell(signed).end_cell()
    info = ExternalMsgInfo(src=None, dest=Address(policy_address(owner)), import_fee=0)
    message = MessageAny(info=info, init=state_init(owner) if deploy else None, body=body)
    return base64.b64encode(message.serialize().to_boc()).decode()
