"""`@contract`, `@init`, `@view`, `@call`: typed public methods and their dispatch.

A method's kind is part of its contract: `@view` runs read-only (every write raises
`ProhibitedInView` and the call changes nothing), `@call` may write and, only with
`payable=True`, accept attached yoctoNEAR; `@init` runs once to set up state. Arguments arrive as
a JSON object (NEAR's FunctionCall convention) and are checked against the annotations.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import typing
from collections.abc import Callable
from typing import Any, TypeVar

from hot.sdk.contract.codec import Codec, codec_for, parse_json
from hot.sdk.contract.context import PromiseCall, current_context
from hot.wire.errors import ContractCode as E, ContractPanic, MethodNotFound
from hot.wire.encoding import canonical_json

F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", bound=type)

INIT_MARKER = b"\x00init"
MAX_ARGS_BYTES = 4 * 1024 * 1024


class MethodKind(enum.Enum):
    INIT = "init"
    VIEW = "view"
    CALL = "call"


@dataclasses.dataclass(frozen=True)
class MethodSpec:
    """A public method: its kind, whether it takes deposits or only self-calls, and arg codecs."""

    name: str
    kind: MethodKind
    payable: bool
    private: bool
    params: dict[str, tuple[Codec, bool]]  # name -> (codec, required)
    returns: Codec | None
    function: Callable[..., Any]


def _mark(kind: MethodKind, payable: bool = False, private: bool = False) -> Callable[[F], F]:
    def decorate(fn: F) -> F:
        fn.__hot_method__ = (kind, payable, private)  # type: ignore[attr-defined]
        return fn

    return decorate


def init(fn: F | None = None, *, payable: bool = False) -> Any:
    """Mark the initializer: callable once, before any `@call`; it sets up state."""
    return _mark(MethodKind.INIT, payable)(fn) if fn else _mark(MethodKind.INIT, payable)


def view(fn: F) -> F:
    """Mark a read-only method: callable by RPC `call_function` for free; writes are refused."""
    return _mark(MethodKind.VIEW)(fn)


def call(fn: F | None = None, *, payable: bool = False, private: bool = False) -> Any:
    """Mark a state-changing method. `payable` accepts a deposit; `private` only lets the contract
    itself call it (promise callbacks)."""
    return _mark(MethodKind.CALL, payable, private)(fn) if fn else _mark(MethodKind.CALL, payable, private)


def _method_spec(name: str, fn: Callable[..., Any], kind: MethodKind, payable: bool, private: bool) -> MethodSpec:
    hints = typing.get_type_hints(fn)
    params: dict[str, tuple[Codec, bool]] = {}
    for pname, param in list(inspect.signature(fn).parameters.items())[1:]:
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise TypeError(f"{name}: *args/**kwargs are not allowed in contract methods")
        if pname not in hints:
            raise TypeError(f"{name}: parameter {pname!r} needs a type annotation")
        params[pname] = (codec_for(hints[pname]), param.default is param.empty)
    ret = hints.get("return", type(None))
    if ret is PromiseCall:  # the call's result is the promise's (NEAR's `return Promise`)
        return MethodSpec(name, kind, payable, private, params, None, fn)
    return MethodSpec(name, kind, payable, private, params, None if ret is type(None) else codec_for(ret), fn)


@dataclasses.dataclass(frozen=True)
class ContractSpec:
    """The ABI of a contract class: its public methods by name."""

    cls: type
    methods: dict[str, MethodSpec]

    @property
    def has_init(self) -> bool:
        return any(m.kind is MethodKind.INIT for m in self.methods.values())

    def abi(self) -> dict[str, Any]:
        """A JSON description of the methods (kinds and argument types), for tooling."""
        return {
            name: {"kind": m.kind.value, "payable": m.payable, "private": m.private,
                   "args": {p: c.type_name for p, (c, _) in m.params.items()},
                   "returns": m.returns.type_name if m.returns else None}
            for name, m in sorted(self.methods.items())
        }


def contract(cls: C) -> C:
    """Turn a class into a contract: collect its decorated methods into `cls.__hot_contract__`."""
    methods: dict[str, MethodSpec] = {}
    for name, member in inspect.getmembers(cls, predicate=inspect.isfunction):
        marks = getattr(member, "__hot_method__", None)
        if marks is None or name.startswith("_"):
            continue
        methods[name] = _method_spec(name, member, *marks)
    if sum(m.kind is MethodKind.INIT for m in methods.values()) > 1:
        raise TypeError(f"{cls.__name__}: at most one @init method")
    cls.__hot_contract__ = ContractSpec(cls, methods)  # type: ignore[attr-defined]
    return cls


def spec_of(cls: type) -> ContractSpec:
    spec = getattr(cls, "__hot_contract__", None)
    if not isinstance(spec, ContractSpec):
        raise TypeError(f"{cls!r} is not a @contract class")
    return spec


def decode_args(method: MethodSpec, raw: bytes) -> dict[str, Any]:
    """JSON object bytes -> typed keyword arguments; any mismatch is `E_BAD_ARGS`, checked up front."""
    if len(raw) > MAX_ARGS_BYTES:
        raise ContractPanic(E.BAD_ARGS, f"arguments of {len(raw)} bytes exceed {MAX_ARGS_BYTES}")
    try:
        obj = parse_json(raw) if raw.strip() else {}
    except (UnicodeDecodeError, ValueError) as exc:
        raise ContractPanic(E.BAD_ARGS, f"arguments are not a JSON object: {exc}") from exc
    if not isinstance(obj, dict):
        raise ContractPanic(E.BAD_ARGS, "arguments must be a JSON object")
    unknown = set(obj) - set(method.params)
    if unknown:
        raise ContractPanic(E.BAD_ARGS, f"{method.name}: unknown arguments {sorted(unknown)}")
    kwargs: dict[str, Any] = {}
    for pname, (codec, required) in method.params.items():
        if pname not in obj:
            if required:
                raise ContractPanic(E.BAD_ARGS, f"{method.name}: missing argument {pname!r}")
            continue
        try:
            kwargs[pname] = codec.decode(obj[pname])
        except ContractPanic as exc:
            raise ContractPanic(E.BAD_ARGS, f"{method.name}: argument {pname!r}: {exc}") from exc
    return kwargs


def encode_result(method: MethodSpec, value: Any) -> bytes:
    """The method's return value as JSON bytes; `None` from a `@call` is NEAR's empty result."""
    if value is None:
        return b"null" if method.kind is MethodKind.VIEW else b""
    codec = method.returns or codec_for(Any)
    return canonical_json(codec.encode(value))


def dispatch(cls: type, method_name: str, raw_args: bytes) -> bytes:
    """Run one public method of `cls` in the active context; the chain calls this.

    Order of checks: method exists; kind matches the context (views are read-only); deposit only
    to payable methods; private methods only from the contract itself; init exactly once.
    """
    spec = spec_of(cls)
    ctx = current_context()
    method = spec.methods.get(method_name)
    if method is None or (ctx.read_only and method.kind is not MethodKind.VIEW):
        raise MethodNotFound(method_name)
    if ctx.attached_deposit and not method.payable and method.kind is not MethodKind.VIEW:
        raise ContractPanic(E.NOT_PAYABLE, f"method {method_name} does not accept deposits")
    if method.private and ctx.predecessor_account_id != ctx.current_account_id:
        raise ContractPanic(E.PRIVATE, f"method {method_name} is private")
    initialized = not spec.has_init or ctx.storage.read(INIT_MARKER) is not None
    if method.kind is MethodKind.INIT:
        if initialized:
            raise ContractPanic(E.ALREADY_INITIALIZED, "the contract is already initialized")
        ctx.ensure_writable("init")
        ctx.storage.write(INIT_MARKER, b"1")
    elif not initialized and method.kind is MethodKind.CALL:
        raise ContractPanic(E.NOT_INITIALIZED, "the contract is not initialized")
    kwargs = decode_args(method, raw_args)
    instance: object = object.__new__(cls)  # no __init__: a contract's state lives in storage, not on the instance
    value = method.function(instance, **kwargs)
    if isinstance(value, PromiseCall):
        if not any(value is p for p in ctx.promises):
            raise ContractPanic(E.PROMISE, "return a promise made by env.promise(...) in this call")
        ctx.returned_promise = value
        return b""
    return encode_result(method, value)
