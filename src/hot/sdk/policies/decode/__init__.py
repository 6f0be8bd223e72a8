"""Transaction pre-image decoders: from (pre-image, msg_hash) to one cross-chain DecodedRequest.

A user asking the network to sign `msg_hash` submits the transaction it hashes (as the
request's metadata/payload). `decode(chain, preimage, msg_hash, **ctx)` first proves the
pre-image is what gets signed (PreimageMismatch otherwise), then parses it with the chain's own
library (MalformedTransaction on bad bytes, UnsupportedTransaction for kinds it cannot judge).
Only the returned DecodedRequest may be trusted by a policy, never a client-supplied amount.

Chain libraries are optional extras, so each decoder is imported when its chain is asked for.

    request = decode("evm", payload, msg_hash)
    if request.total() > 10**18: ...
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from hot.sdk.policies.decode.model import NATIVE, ContractCall, DecodedRequest, Transfer
from hot.wire.errors import (
    DecodeError,
    MalformedTransaction,
    PreimageMismatch,
    UnsupportedChain,
    UnsupportedTransaction,
)

__all__ = [
    "CHAINS",
    "NATIVE",
    "ContractCall",
    "DecodeError",
    "DecodedRequest",
    "MalformedTransaction",
    "PreimageMismatch",
    "Transfer",
    "UnsupportedChain",
    "UnsupportedTransaction",
    "decode",
]

# chain name -> (module, decoder function, pip extra with its library, context keys it takes)
CHAINS: dict[str, tuple[str, str, str, frozenset[str]]] = {
    "bitcoin": (
        "hot.sdk.policies.decode.bitcoin",
        "decode_bitcoin",
        "bitcoin",
        frozenset({"input_index", "prevouts", "network"}),
    ),
    "evm": ("hot.sdk.policies.decode.evm", "decode_evm", "evm", frozenset()),
    "solana": ("hot.sdk.policies.decode.solana", "decode_solana", "solana", frozenset()),
    "near": ("hot.sdk.policies.decode.near", "decode_near", "near", frozenset()),
}


def decode(chain: str, preimage: bytes, msg_hash: bytes, **ctx: Any) -> DecodedRequest:
    """Verify that `preimage` is what `msg_hash` signs on `chain`, and decode it.

    ctx is chain-specific: Bitcoin takes `input_index` (None: batch commitment), `prevouts`
    (raw transactions) and `network`; the other chains take none.
    """
    if not isinstance(preimage, (bytes, bytearray)):
        raise MalformedTransaction(f"pre-image must be bytes, got {type(preimage).__name__}")
    decoder = _decoder(chain)
    unexpected = set(ctx) - CHAINS[chain][3]
    if unexpected:
        raise DecodeError(f"{chain} decoding takes no context {sorted(unexpected)}")
    return decoder(bytes(preimage), msg_hash, **ctx)


def _decoder(chain: str) -> Callable[..., DecodedRequest]:
    entry = CHAINS.get(chain)
    if entry is None:
        raise UnsupportedChain(f"no decoder for chain {chain!r}; known: {sorted(CHAINS)}")
    module_name, function, extra, _ = entry
    try:
        module = import_module(module_name)
    except ImportError as exc:
        raise UnsupportedChain(f"{chain} decoding needs `pip install hot-protocol[{extra}]`: {exc}") from exc
    decoder: Callable[..., DecodedRequest] = getattr(module, function)
    return decoder
