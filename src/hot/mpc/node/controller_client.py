"""What the protocol runner reads from and sends to the Controller, behind one interface.

The Controller (whitepaper §2.2.4) holds the participant set, the threshold, the domains, the
epoch and the protocol state (NotInitialized, Initializing, Running, Resharing; the same table
as `hot.contracts.controller_rules.ProtocolState`). Nodes generate keys while Initializing and
vote the public key (`vote_pk`), reshare while Resharing and vote `vote_reshared`.

`ControllerView` is the seam: the runner only ever calls `state()`, `vote_pk()` and
`vote_reshared()`. `FileControllerView` reads a Controller-shaped JSON document and appends
votes to a JSON-lines file (tests and runs before the Controller contract is deployed); a NEAR
implementation over the contract's views and calls is the one place to switch.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from hot.wire.encoding import canonical_json
from hot.wire.domains import DOMAIN_NAMES
from hot.wire.errors import ControllerUnavailable
from hot.wire.records import PROTOCOL_STATES

STATES = PROTOCOL_STATES


@dataclass(frozen=True)
class ParticipantInfo:
    """One registered participant: its p2p key (pinned by the transport) and its addresses."""

    participant_id: int
    p2p_public_key: bytes
    p2p_address: tuple[str, int]
    http_url: str = ""


@dataclass(frozen=True)
class ResharingTarget:
    """An accepted proposal: the new set and threshold, dealt into epoch `epoch`."""

    epoch: int
    participants: dict[int, ParticipantInfo]
    threshold: int


@dataclass(frozen=True)
class ControllerState:
    """The Controller's view as the runner needs it (one epoch, one participant set)."""

    state: str
    epoch: int
    threshold: int
    participants: dict[int, ParticipantInfo]
    domains: tuple[str, ...] = DOMAIN_NAMES
    public_keys: dict[str, str] = field(default_factory=dict)
    gatekeepers: dict[str, bytes] = field(default_factory=dict)
    resharing: ResharingTarget | None = None
    attempt: int = 0  # the key event's attempt (the Controller's cancel_stalled_key_event bumps it)

    def peers_for(self, participant_id: int) -> dict[int, ParticipantInfo]:
        """Everyone this node talks to now: current members plus incoming ones while resharing."""
        peers = dict(self.participants)
        if self.resharing is not None:
            peers.update(self.resharing.participants)
        peers.pop(participant_id, None)
        return peers


class ControllerView(Protocol):
    """The runner's only access to the Controller."""

    async def state(self) -> ControllerState: ...

    async def vote_pk(self, participant_id: int, epoch: int, domain: str, public_key: str) -> None: ...

    async def vote_reshared(self, participant_id: int, epoch: int, public_keys: dict[str, str]) -> None: ...


def _participants(raw: dict[str, Any]) -> dict[int, ParticipantInfo]:
    out = {}
    for key, value in raw.items():
        host, port = str(value["p2p_address"]).rsplit(":", 1)
        pid = int(key)
        out[pid] = ParticipantInfo(pid, bytes.fromhex(value["p2p_public_key"]), (host, int(port)), value.get("http_url", ""))
    return out


def parse_state(raw: dict[str, Any]) -> ControllerState:
    """A `ControllerState` from its JSON shape (the file view; the contract view maps to it)."""
    try:
        if raw["state"] not in STATES:
            raise ValueError(f"unknown protocol state {raw['state']!r}")
        resharing = raw.get("resharing")
        return ControllerState(
            state=raw["state"],
            epoch=int(raw["epoch"]),
            threshold=int(raw["threshold"]),
            participants=_participants(raw["participants"]),
            domains=tuple(raw.get("domains", DOMAIN_NAMES)),
            public_keys=dict(raw.get("public_keys", {})),
            gatekeepers={k: bytes.fromhex(v) for k, v in raw.get("gatekeepers", {}).items()},
            resharing=None
            if not resharing
            else ResharingTarget(int(resharing["epoch"]), _participants(resharing["participants"]), int(resharing["threshold"])),
            attempt=int(raw.get("attempt", 0)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ControllerUnavailable(f"controller state is malformed: {exc!r}") from exc


class FileControllerView:
    """A Controller-shaped JSON document plus an append-only votes file (JSON lines)."""

    def __init__(self, path: Path, votes_path: Path) -> None:
        self.path = Path(path)
        self.votes_path = Path(votes_path)

    async def state(self) -> ControllerState:
        try:
            raw = json.loads(self.path.read_text())
        except (OSError, ValueError) as exc:
            raise ControllerUnavailable(f"cannot read controller state {self.path}: {exc}") from exc
        return parse_state(raw)

    def _append(self, vote: dict[str, Any]) -> None:
        line = canonical_json(vote) + b"\n"
        fd = os.open(self.votes_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)

    async def vote_pk(self, participant_id: int, epoch: int, domain: str, public_key: str) -> None:
        self._append({"kind": "vote_pk", "participant": participant_id, "epoch": epoch, "domain": domain, "public_key": public_key})

    async def vote_reshared(self, participant_id: int, epoch: int, public_keys: dict[str, str]) -> None:
        self._append({"kind": "vote_reshared", "participant": participant_id, "epoch": epoch, "public_keys": public_keys})


def read_votes(votes_path: Path) -> list[dict[str, Any]]:
    """Every vote in a votes file (what a Controller stand-in tallies)."""
    if not Path(votes_path).exists():
        return []
    return [json.loads(line) for line in Path(votes_path).read_text().splitlines() if line.strip()]
