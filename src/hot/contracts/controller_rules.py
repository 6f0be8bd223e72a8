"""Pure rules of the MPC Controller: its state machine, threshold limits and vote counting.

Whitepaper §2.2.4 ("handles configuration changes through on-chain voting and triggers key
resharing when thresholds or participant sets are updated") and §2.2.3 (DKG, resharing).
No storage and no `env` here, so every rule is a plain function a unit test can call; the
contract (contracts/controller.py) applies them. STYLE habit 6: the allowed transitions live in
one table, `TRANSITIONS`, and `check_transition` is the only way a state changes.
"""

from __future__ import annotations

from hot.sdk.contract import require
from hot.wire.domains import DOMAIN_NAMES, spec
from hot.wire.records import ProtocolState
from hot.wire.errors import ContractCode as E

SCHEMES = DOMAIN_NAMES
SUPERMAJORITY_NUM, SUPERMAJORITY_DEN = 3, 5  # at least 60% of the current participants
MIN_THRESHOLD = 2


# Every allowed state change, with the event that causes it. Anything else is E_BAD_TRANSITION.
TRANSITIONS: dict[tuple[ProtocolState, ProtocolState], str] = {
    (ProtocolState.NOT_INITIALIZED, ProtocolState.INITIALIZING): "begin_keygen",
    (ProtocolState.INITIALIZING, ProtocolState.RUNNING): "vote_pk (last domain generated)",
    (ProtocolState.RUNNING, ProtocolState.INITIALIZING): "vote_add_domain passed",
    (ProtocolState.RUNNING, ProtocolState.RESHARING): "participant/threshold proposal passed or refresh due",
    (ProtocolState.RESHARING, ProtocolState.RUNNING): "vote_reshared (all new participants) or cancel",
}

# Which calls each state accepts (docs/contracts.md shows the same table as a diagram).
STATE_CALLS: dict[ProtocolState, frozenset[str]] = {
    ProtocolState.NOT_INITIALIZED: frozenset({"begin_keygen"}),
    ProtocolState.INITIALIZING: frozenset({"vote_pk", "cancel_stalled_key_event"}),
    ProtocolState.RUNNING: frozenset({"vote_add_participant", "vote_remove_participant", "vote_threshold",
                                      "vote_add_domain", "vote_remove_gatekeeper", "trigger_refresh"}),
    ProtocolState.RESHARING: frozenset({"vote_reshared", "cancel_stalled_key_event", "vote_cancel_resharing"}),
}


def check_transition(current: ProtocolState, target: ProtocolState) -> None:
    """Refuse any state change not in `TRANSITIONS` (E_BAD_TRANSITION)."""
    require((current, target) in TRANSITIONS,
            E.BAD_TRANSITION, f"{current.value} -> {target.value} is not an allowed transition")


def require_state_allows(state: ProtocolState, call_name: str) -> None:
    """Refuse a call the current state does not accept (E_WRONG_STATE), before anything changes."""
    require(call_name in STATE_CALLS[state], E.WRONG_STATE, f"{call_name} is not allowed in state {state.value}")


def check_threshold(threshold: int, n: int, schemes: list[str]) -> None:
    """Refuse thresholds the schemes cannot run.

    FROST (Ed25519) needs 2 <= t <= n. The honest-majority threshold ECDSA (Damgård et al. 2020,
    ARCHITECTURE "Protocol choices") presigns among 2t-1 live nodes, so secp256k1 needs
    n >= 2t-1. t = 1 would let one node sign alone: refused (whitepaper §2.2.2, threshold cooperation).
    """
    require(isinstance(threshold, int) and threshold >= MIN_THRESHOLD,
            E.BAD_THRESHOLD, f"threshold {threshold} is below {MIN_THRESHOLD}")
    require(threshold <= n, E.BAD_THRESHOLD, f"threshold {threshold} exceeds {n} participants")
    if "secp256k1" in schemes:
        require(n >= 2 * threshold - 1,
                E.BAD_THRESHOLD, f"secp256k1 (threshold ECDSA) needs n >= 2t-1, got n={n}, t={threshold}")


def supermajority(n: int) -> int:
    """Votes needed among n current participants: the smallest v with v/n >= 60%."""
    return max(1, -(-n * SUPERMAJORITY_NUM // SUPERMAJORITY_DEN))


def check_scheme(scheme: str) -> None:
    require(scheme in SCHEMES, E.BAD_SCHEME, f"scheme must be one of {list(SCHEMES)}, got {scheme!r}")


def check_hex_key(value: str, size: int, field: str) -> bytes:
    """A public key given as lowercase hex of exactly `size` bytes."""
    try:
        raw = bytes.fromhex(value)
    except (ValueError, TypeError):
        raw = b""
    require(len(raw) == size and raw.hex() == value, E.BAD_KEY, f"{field} must be {size} bytes of lowercase hex")
    return raw


def root_key_size(scheme: str) -> tuple[int, ...]:
    """Accepted root public key sizes (hot.wire.domains): Ed25519 32 bytes; secp256k1 SEC1 compressed 33."""
    return (spec(scheme).public_key_size,)
