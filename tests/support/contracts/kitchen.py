"""A test contract that exercises every SDK feature (deployed as source by the tests)."""

from dataclasses import dataclass
from typing import Any

from hot.sdk.contract import (
    Map,
    PromiseCall,
    Set,
    Value,
    Vector,
    call,
    contract,
    emit_event,
    env,
    init,
    require,
    view,
)


@dataclass(frozen=True)
class Proposal:
    title: str
    votes: int
    voters: list[str]


@contract
class Kitchen:
    owner = Value(str)
    counter = Value(int, default=0)
    scores = Map(str, int)
    members = Set(str)
    history = Vector(str)
    groups = Map(str, Set(str))
    proposals = Map(int, Proposal)
    blob = Value(bytes)

    @init
    def new(self, owner: str) -> None:
        self.owner.set(owner)

    @call
    def increment(self, by: int = 1) -> int:
        self.counter.set(self.counter.get() + by)
        emit_event("kitchen", "1.0.0", "increment", {"by": by, "counter": self.counter.get()})
        return self.counter.get()

    @view
    def get_counter(self) -> int:
        return self.counter.get()

    @view
    def sneaky_write(self) -> None:
        self.counter.set(99)

    @view
    def sneaky_promise(self, other: str) -> None:
        env.promise(other, "increment", {})

    @call(payable=True)
    def donate(self) -> int:
        return env.attached_deposit

    @call
    def fail_after_write(self) -> None:
        self.counter.set(1000)
        self.members.add("ghost")
        require(False, "E_NOPE: rolled back")

    @call
    def spin(self) -> None:
        while True:
            pass

    @call
    def store_blob(self, size: int) -> None:
        self.blob.set(b"\x00" * size)

    @call
    def crash(self) -> int:
        return 1 // 0

    @call
    def set_score(self, name: str, score: int) -> None:
        self.scores[name] = score

    @call
    def remove_score(self, name: str) -> bool:
        return self.scores.remove(name)

    @view
    def get_scores(self) -> dict[str, int]:
        return dict(self.scores.items())

    @view
    def score_count(self) -> int:
        return len(self.scores)

    @call
    def join(self, group: str, member: str) -> None:
        self.groups[group].add(member)
        self.members.add(member)

    @call
    def leave(self, group: str, member: str) -> None:
        self.groups[group].remove(member)

    @view
    def group_members(self, group: str) -> list[str]:
        return self.groups[group].to_list()

    @view
    def group_names(self) -> list[str]:
        return self.groups.keys()

    @call
    def push(self, item: str) -> int:
        self.history.append(item)
        return len(self.history)

    @call
    def pop(self) -> str:
        return self.history.pop()

    @view
    def get_history(self) -> list[str]:
        return self.history.to_list()

    @call
    def propose(self, pid: int, title: str) -> None:
        require(pid not in self.proposals, "E_EXISTS: proposal exists")
        self.proposals[pid] = Proposal(title, 0, [])

    @call
    def vote(self, pid: int) -> Proposal:
        p = self.proposals[pid]
        require(env.predecessor not in p.voters, "E_VOTED: already voted")
        updated = Proposal(p.title, p.votes + 1, p.voters + [env.predecessor])
        self.proposals[pid] = updated
        return updated

    @view
    def env_facts(self) -> dict[str, Any]:
        return {"current": env.current_account_id, "predecessor": env.predecessor, "signer": env.signer,
                "height": env.block_height, "timestamp": env.block_timestamp, "epoch": env.epoch_height,
                "seed": env.random_seed.hex(), "balance": str(env.account_balance), "is_view": env.is_view}

    @call
    def call_facts(self) -> dict[str, Any]:
        return {"predecessor": env.predecessor, "signer": env.signer, "height": env.block_height,
                "seed": env.random_seed.hex(), "deposit": env.attached_deposit}

    @view
    def ask(self, other: str) -> int:
        return env.view(other, "get_counter")  # type: ignore[no-any-return]

    @call
    def poke(self, other: str, by: int) -> None:
        env.promise(other, "increment", {"by": by}).then("on_poked", {})

    @call
    def poke_failing(self, other: str) -> None:
        env.promise(other, "crash", {}).then("on_poked", {})

    @call(private=True)
    def on_poked(self) -> None:
        ok, value = env.promise_results[0]
        self.history.append(f"poked:{ok}:{value}")

    @call
    def pay(self, to: str, amount: int) -> None:
        env.transfer(to, amount)

    @view
    def balance_of(self, account: str) -> str:
        return str(env.balance_of(account))

    @view
    def check_signature(self, public_key: bytes, message: bytes, signature: bytes) -> bool:
        # Host cryptography through env; sha256 just proves a second host function is there too.
        require(len(env.sha256(message)) == 32, "E_HASH: sha256 is 32 bytes")
        return env.ed25519_verify(public_key, message, signature)  # type: ignore[no-any-return]

    @view
    def spin_view(self) -> int:
        n = 0
        while True:
            n += 1

    @call
    def forward(self, other: str, by: int) -> PromiseCall:
        return env.promise(other, "increment", {"by": by})

    @call
    def forward_then(self, other: str, by: int) -> PromiseCall:
        return env.promise(other, "increment", {"by": by}).then("describe", {})

    @call(private=True)
    def describe(self) -> str:
        ok, value = env.promise_results[0]
        return f"other said {value}" if ok else "other failed"
