"""The gatekeeper answers the refusals docs/gatekeeper.md lists with their statuses, read from the
error classes (hot.wire.errors); anything else is a node-side failure, 503."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hot.mpc.gatekeeper.errors import http_status
from hot.wire.errors import (
    ChainUnavailable,
    HotError,
    PreimageMismatch,
    RecordCorrupt,
    UnknownDomain,
    error_for_code,
)

TABLE = (Path(__file__).resolve().parents[3] / "docs" / "gatekeeper.md").read_text()
DOCUMENTED = re.findall(r"^\| (\d{3}) \| `([a-z_]+)` \|", TABLE, re.MULTILINE)


def test_the_document_lists_the_codes() -> None:
    assert {code for _, code in DOCUMENTED} == {"bad_request", "unauthorized", "authorization_denied", "unknown_key",
                                                 "quota_exceeded", "nodes_unavailable"}


@pytest.mark.parametrize("status,code", DOCUMENTED)
def test_each_documented_refusal_has_its_documented_status(status: str, code: str) -> None:
    cls = error_for_code(code)
    assert cls is not None and http_status(cls.from_body({"code": code, "message": "m"})) == int(status)


@pytest.mark.parametrize("error,status", [
    (UnknownDomain("no such domain"), 400),            # a BadRequest
    (PreimageMismatch("not the msg_hash"), 403),       # an AuthorizationDenied
    (ChainUnavailable("endpoint down"), 503),          # not a documented refusal: a node-side failure
    (RecordCorrupt("tampered"), 503),
    (HotError("unexpected"), 503),
])
def test_subclasses_answer_as_their_documented_parent_and_the_rest_as_503(error: HotError, status: int) -> None:
    assert http_status(error) == status
