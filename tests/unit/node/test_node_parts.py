"""Unit tests of the node's small parts: config, Controller file view, get_wallet parsing, replay set, pools."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from hot.mpc.chains.base import AuthMethod
from hot.mpc.node.authorizer import ReplaySet
from hot.wire.errors import ConfigError, ControllerUnavailable, MalformedAnswer, ReceiptReplayed
from hot.mpc.node.config import load_config
from hot.mpc.node.controller_client import FileControllerView, read_votes
from hot.mpc.node.presign_pool import candidate_sets, parse_label, set_label
from hot.mpc.node.registry_client import parse_wallet

MINIMAL = {"participant_id": 1, "data_dir": "/tmp/node-1", "controller": {"kind": "file", "path": "c.json", "votes_path": "v.jsonl"}}


def test_config_loads_json_and_toml_and_refuses_unknown_fields(tmp_path: Path) -> None:
    (tmp_path / "node.json").write_text(json.dumps(MINIMAL))
    assert load_config(tmp_path / "node.json").participant_id == 1
    (tmp_path / "node.toml").write_text('participant_id = 2\ndata_dir = "/tmp/n2"\n[controller]\nkind = "file"\npath = "c"\nvotes_path = "v"\n')
    assert load_config(tmp_path / "node.toml").controller.kind == "file"
    (tmp_path / "typo.json").write_text(json.dumps({**MINIMAL, "participant": 3}))
    with pytest.raises(ConfigError, match="participant"):
        load_config(tmp_path / "typo.json")
    (tmp_path / "badkey.json").write_text(json.dumps({**MINIMAL, "gatekeepers": {"gk": "00" * 31}}))
    with pytest.raises(ConfigError, match="32 bytes"):
        load_config(tmp_path / "badkey.json")
    with pytest.raises(ConfigError):
        load_config(tmp_path / "missing.json")


def test_file_controller_view_reads_state_and_appends_votes(tmp_path: Path) -> None:
    view = FileControllerView(tmp_path / "controller.json", tmp_path / "votes.jsonl")
    with pytest.raises(ControllerUnavailable):
        asyncio.run(view.state())
    (tmp_path / "controller.json").write_text(json.dumps({
        "state": "Initializing", "epoch": 0, "threshold": 2,
        "participants": {"1": {"p2p_public_key": "11" * 32, "p2p_address": "127.0.0.1:4001"}}}))
    state = asyncio.run(view.state())
    assert state.state == "Initializing" and state.participants[1].p2p_address == ("127.0.0.1", 4001)
    asyncio.run(view.vote_pk(1, 0, "ed25519", "ab" * 32))
    asyncio.run(view.vote_reshared(1, 1, {"ed25519": "ab" * 32}))
    assert [v["kind"] for v in read_votes(tmp_path / "votes.jsonl")] == ["vote_pk", "vote_reshared"]
    (tmp_path / "controller.json").write_text(json.dumps({"state": "Exploded", "epoch": 0, "threshold": 2, "participants": {}}))
    with pytest.raises(ControllerUnavailable, match="unknown protocol state"):
        asyncio.run(view.state())


def test_get_wallet_answers_map_to_auth_methods() -> None:
    wallet = {"access_list": [{"account_id": "policy.near", "chain_id": 1010, "metadata": '{"method": "check"}'}], "key_gen": 1}
    [method] = parse_wallet(wallet) or []
    assert method == AuthMethod(1010, "policy.near", metadata='{"method": "check"}') and method.method_name() == "check"
    assert parse_wallet(None) is None
    for bad in ({"access_list": [{"chain_id": 1010}]}, {"access_list": [{"account_id": "p", "chain_id": True}]}, [1], {"x": 1}):
        with pytest.raises(MalformedAnswer):
            parse_wallet(bad)


def test_replay_set_is_durable_and_atomic(tmp_path: Path) -> None:
    replay = ReplaySet(tmp_path / "replay.db")
    replay.claim("receipt-a", "session-a", 10)
    with pytest.raises(ReceiptReplayed):
        replay.claim("receipt-a", "session-b", 10)
    replay.claim("receipt-b", "session-b", 10)  # the refused claim above recorded nothing
    replay.close()
    reopened = ReplaySet(tmp_path / "replay.db")
    with pytest.raises(ReceiptReplayed):
        reopened.claim("receipt-c", "session-a", 10)
    assert reopened.prune(before_ms=11) == 4
    reopened.claim("receipt-a", "session-a", 20)
    reopened.close()


def test_signer_sets_are_every_2t_minus_1_subset() -> None:
    assert candidate_sets([1, 2, 3, 4, 5], 3, 8) == [(1, 2, 3, 4, 5)]
    sets = candidate_sets([1, 2, 3, 4, 5, 6], 3, 8)
    assert len(sets) == 6 and all(len(s) == 5 for s in sets)
    assert candidate_sets([1, 2], 2, 8) == []
    assert parse_label(set_label([3, 1, 2])) == (1, 2, 3)


def test_replay_set_claim_async_is_the_same_durable_claim(tmp_path: Path) -> None:
    import asyncio

    replay = ReplaySet(tmp_path / "replay.db")

    async def scenario() -> None:
        await replay.claim_async("receipt-a", "session-a", 10)
        with pytest.raises(ReceiptReplayed):
            await replay.claim_async("receipt-b", "session-a", 10)
        with pytest.raises(ReceiptReplayed):
            replay.claim("receipt-a", "session-c", 10)

    asyncio.run(scenario())
    replay.close()
    reopened = ReplaySet(tmp_path / "replay.db")
    with pytest.raises(ReceiptReplayed):
        reopened.claim("receipt-a", "session-d", 10)
    reopened.claim("receipt-b", "session-b", 10)  # the refused async claim recorded nothing
    reopened.close()


def test_concurrent_claims_share_one_commit_and_refuse_only_the_replays(tmp_path: Path) -> None:
    """Group commit: one batch holds fresh claims and replays (of each other and of older ones)."""
    import asyncio

    replay = ReplaySet(tmp_path / "replay.db")
    replay.claim("receipt-old", "session-old", 10)

    async def scenario() -> list[BaseException | None]:
        claims = [("receipt-1", "session-1"), ("receipt-1", "session-2"), ("receipt-old", "session-3"),
                  ("receipt-4", "session-old"), ("receipt-5", "session-5"), ("receipt-6", "session-5")]
        return await asyncio.gather(*(replay.claim_async(r, s, 10) for r, s in claims), return_exceptions=True)

    outcomes = asyncio.run(scenario())
    assert [type(o).__name__ if o else None for o in outcomes] == [
        None, "ReceiptReplayed", "ReceiptReplayed", "ReceiptReplayed", None, "ReceiptReplayed"]
    replay.close()
    reopened = ReplaySet(tmp_path / "replay.db")
    for receipt, session in [("receipt-1", "x1"), ("y1", "session-1"), ("receipt-5", "x5")]:
        with pytest.raises(ReceiptReplayed):  # the accepted claims are on disk
            reopened.claim(receipt, session, 10)
    reopened.claim("receipt-4", "session-2", 10)  # the refused claims recorded nothing
    reopened.claim("receipt-6", "session-3", 10)
    reopened.close()
