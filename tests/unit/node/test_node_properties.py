"""Property tests for the node's encodings: every valid value round-trips, byte for byte."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hot.mpc.node.keystore import RecordId, RecordKind
from hot.wire.log import EntryKind, LogEntry
from hot.mpc.node.transport import Frame
from hypothesis import given
from hypothesis import strategies as st

KEY = Ed25519PrivateKey.from_private_bytes(bytes(32))
names = st.text(min_size=1, max_size=40).filter(lambda s: len(s.encode()) <= 256)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@given(st.binary(min_size=1, max_size=64), st.integers(0, 2**32 - 1), names, st.binary(max_size=256))
def test_frames_round_trip(session_id: bytes, round_: int, sender: str, payload: bytes) -> None:
    frame = Frame(session_id, round_, sender, payload)
    assert Frame.from_bytes(frame.to_bytes()) == frame


@given(st.integers(0, 2**40), st.integers(0, 2**45), st.sampled_from(list(EntryKind)), json_values, st.binary(min_size=32, max_size=32))
def test_log_lines_round_trip_and_verify(seq: int, time_ms: int, kind: EntryKind, body: object, prev: bytes) -> None:
    entry = LogEntry.create(seq, time_ms, kind, body, prev, KEY)
    parsed = LogEntry.from_json_line(entry.to_json_line())
    assert parsed == entry
    parsed.verify(KEY.public_key().public_bytes_raw())


@given(names, names, st.integers(0, 2**63 - 1), st.sampled_from(list(RecordKind)), names, names, names)
def test_distinct_record_ids_have_distinct_associated_data(p: str, d: str, e: int, k: RecordKind, r: str, p2: str, r2: str) -> None:
    first, second = RecordId(p, d, e, k, r), RecordId(p2, d, e, k, r2)
    assert (first == second) == (first.associated_data() == second.associated_data())
