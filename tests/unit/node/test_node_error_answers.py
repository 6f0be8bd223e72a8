"""The node answers every refusal with the code and status docs/node-api.md lists, read from the
error classes themselves (hot.wire.errors; no status table of its own)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hot.mpc.node.http_api import error_response
from hot.wire.errors import (
    HotError,
    InvalidShare,
    ParticipantMismatch,
    PeerTimeout,
    WrongLength,
    error_for_code,
)

ERRORS_LINE = next(line for line in (Path(__file__).resolve().parents[3] / "docs" / "node-api.md").read_text().splitlines()
                   if line.startswith("- Errors"))
DOCUMENTED = re.findall(r"`([a-z_]+)` \((\d{3})", ERRORS_LINE)


def answer(exc: HotError) -> tuple[int, dict[str, object]]:
    response = error_response(exc)
    return response.status_code, json.loads(bytes(response.body))


def test_the_document_lists_the_codes() -> None:
    assert len(DOCUMENTED) == 11 and ("peer_timeout", "409") in DOCUMENTED


@pytest.mark.parametrize("code,status", DOCUMENTED)
def test_each_documented_refusal_has_its_documented_status(code: str, status: str) -> None:
    cls = error_for_code(code)
    assert cls is not None
    got_status, body = answer(cls.from_body({"code": code, "message": "why", "culprits": [2]}))
    assert (got_status, body["code"], body["message"]) == (int(status), code, "why")


def test_other_errors_answer_as_protocol_error_with_a_culprit_or_bad_request() -> None:
    assert answer(InvalidShare(3, "bad share")) == (409, {"code": "protocol_error", "message": "bad share", "culprit": 3})
    assert answer(WrongLength("short")) == (400, {"code": "bad_request", "message": "short"})
    assert answer(ParticipantMismatch("other set"))[1]["code"] == "bad_request"  # no culprit: the caller's request


def test_a_peer_timeout_names_every_silent_co_signer() -> None:
    assert answer(PeerTimeout([2, 4])) == (409, {"code": "peer_timeout", "message": "no message from participant(s) [2, 4]",
                                                 "culprits": [2, 4]})
