"""Typed persistent collections: `Value`, `Map`, `Set`, `Vector` (nestable as Map values).

Declared as class attributes of a `@contract` class (like algopy's `GlobalState`/`BoxMap`); reading
the attribute on an instance gives a view bound to the current call's storage. Storage layout
(documented in docs/contract-guide.md, stable because state outlives code upgrades):

    Value  <field>                        -> canonical JSON of the value
    Map    <prefix> 0x01 <json key>       -> canonical JSON of the value
           <prefix> 0x00 '#'              -> entry count (not kept for nested-collection maps)
    Set    <prefix> 0x01 <json item>      -> b"1"
    Vector <prefix> 0x01 <u32 big-endian> -> canonical JSON of the item; count at <prefix> 0x00 '#'
    nested <prefix> 0x01 <json key> 0x00  is the prefix of the inner collection

Canonical JSON never contains raw 0x00/0x01 bytes, so prefixes cannot collide.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any, Generic, TypeVar, overload

from hot.sdk.contract.codec import Codec, codec_for
from hot.sdk.contract.context import current_context
from hot.wire.errors import ContractCode as E, ContractPanic

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")

ENTRY = b"\x01"
META = b"\x00"
COUNT_KEY = META + b"#"
MAX_KEY_BYTES = 2048


def _read(key: bytes) -> bytes | None:
    return current_context().storage.read(key)


def _write(key: bytes, value: bytes) -> None:
    ctx = current_context()
    ctx.ensure_writable("storage_write")
    ctx.storage.write(key, value)


def _remove(key: bytes) -> None:
    ctx = current_context()
    ctx.ensure_writable("storage_remove")
    ctx.storage.remove(key)


def _keys(prefix: bytes) -> list[bytes]:
    return current_context().storage.keys(prefix)


class Collection:
    """Base of the declared collections: knows its field name and binds to a storage prefix."""

    name: str = ""

    def __set_name__(self, owner: type, name: str) -> None:
        if "\x00" in name or "\x01" in name:
            raise TypeError(f"bad field name {name!r}")
        self.name = name

    def bind(self, prefix: bytes) -> Any:
        raise NotImplementedError

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return self.bind(self.name.encode())

    def __set__(self, instance: object, value: object) -> None:
        raise AttributeError(f"use .set(...) on the stored field {self.name!r}, not assignment")


class Value(Collection, Generic[T]):
    """A single stored value of type T; `get()` returns `default` until it is first set."""

    def __init__(self, value_type: type[T] | Any, default: T | None = None) -> None:
        self.codec = codec_for(value_type)
        self.default = default

    def bind(self, prefix: bytes) -> BoundValue[T]:
        return BoundValue(prefix, self.codec, self.default)


class BoundValue(Generic[T]):
    def __init__(self, key: bytes, codec: Codec, default: T | None) -> None:
        self._key, self._codec, self._default = key, codec, default

    def get(self) -> T:
        raw = _read(self._key)
        if raw is None:
            # A copy: a contract that mutates what it got must not change the default for later calls.
            return copy.deepcopy(self._default)  # type: ignore[return-value]
        return self._codec.from_bytes(raw)  # type: ignore[no-any-return]

    def set(self, value: T) -> None:
        _write(self._key, self._codec.to_bytes(value))

    def is_set(self) -> bool:
        return _read(self._key) is not None

    def clear(self) -> None:
        _remove(self._key)


def _check_key(key_bytes: bytes) -> bytes:
    if len(key_bytes) > MAX_KEY_BYTES:
        raise ContractPanic(E.KEY_TOO_LONG, f"storage key of {len(key_bytes)} bytes > {MAX_KEY_BYTES}")
    return key_bytes


class _Counted:
    """Shared entry counter of Map/Set/Vector, so `len()` is one read instead of a scan."""

    _prefix: bytes

    def __len__(self) -> int:
        raw = _read(self._prefix + COUNT_KEY)
        return int(raw) if raw else 0

    def _bump(self, delta: int) -> None:
        count = _Counted.__len__(self) + delta
        if count:
            _write(self._prefix + COUNT_KEY, str(count).encode())
        else:  # an empty collection leaves no bytes behind (storage is paid for)
            _remove(self._prefix + COUNT_KEY)


class Map(Collection, Generic[K, V]):
    """A persistent map K -> V; V may itself be a `Set`, `Map` or `Vector` (a nested collection)."""

    def __init__(self, key_type: type[K] | Any, value_type: Any) -> None:
        self.key_codec = codec_for(key_type)
        self.nested = value_type if isinstance(value_type, Collection) and not isinstance(value_type, Value) else None
        self.value_codec = None if self.nested else codec_for(value_type)

    def bind(self, prefix: bytes) -> BoundMap[K, V]:
        return BoundMap(prefix, self)


class BoundMap(_Counted, Generic[K, V]):
    def __init__(self, prefix: bytes, spec: Map[K, V]) -> None:
        self._prefix, self._spec = prefix, spec

    def _entry(self, key: K) -> bytes:
        return _check_key(self._prefix + ENTRY + self._spec.key_codec.to_bytes(key))

    def _child(self, key: K) -> Any:
        assert self._spec.nested is not None
        return self._spec.nested.bind(self._entry(key) + META)

    def __getitem__(self, key: K) -> V:
        if self._spec.nested:
            return self._child(key)  # type: ignore[no-any-return]
        raw = _read(self._entry(key))
        if raw is None:
            raise ContractPanic(E.KEY_NOT_FOUND, f"{self._prefix.decode(errors='replace')}: no entry {key!r}")
        return self._spec.value_codec.from_bytes(raw)  # type: ignore[union-attr,no-any-return]

    @overload
    def get(self, key: K) -> V | None: ...
    @overload
    def get(self, key: K, default: V) -> V: ...
    def get(self, key: K, default: V | None = None) -> V | None:
        if self._spec.nested:
            return self._child(key)  # type: ignore[no-any-return]
        raw = _read(self._entry(key))
        return default if raw is None else self._spec.value_codec.from_bytes(raw)  # type: ignore[union-attr]

    def __setitem__(self, key: K, value: V) -> None:
        if self._spec.nested:
            raise ContractPanic(E.NESTED, "assign into the nested collection instead (m[k].add(...))")
        entry = self._entry(key)
        is_new = _read(entry) is None
        _write(entry, self._spec.value_codec.to_bytes(value))  # type: ignore[union-attr]
        if is_new:
            self._bump(1)

    def set(self, key: K, value: V) -> None:
        self[key] = value

    def __delitem__(self, key: K) -> None:
        if not self.remove(key):
            raise ContractPanic(E.KEY_NOT_FOUND, f"no entry {key!r}")

    def remove(self, key: K) -> bool:
        """Delete the entry (and, for nested collections, everything under it); True if it existed."""
        entry = self._entry(key)
        if self._spec.nested:
            inner = _keys(entry + META)
            for k in inner:
                _remove(k)
            return bool(inner)
        if _read(entry) is None:
            return False
        _remove(entry)
        self._bump(-1)
        return True

    def __contains__(self, key: object) -> bool:
        entry = self._entry(key)  # type: ignore[arg-type]
        if self._spec.nested:
            return bool(_keys(entry + META))
        return _read(entry) is not None

    def __len__(self) -> int:
        if self._spec.nested:
            return len(self.keys())
        return super().__len__()

    def keys(self) -> list[K]:
        """Keys in storage order (sorted by their canonical JSON bytes): deterministic."""
        start = len(self._prefix) + 1
        seen: list[K] = []
        last = None
        for raw in _keys(self._prefix + ENTRY):
            key_json = raw[start:].split(META, 1)[0] if self._spec.nested else raw[start:]
            if key_json != last:
                seen.append(self._spec.key_codec.from_bytes(key_json))
                last = key_json
        return seen

    def __iter__(self) -> Iterator[K]:
        return iter(self.keys())

    def values(self) -> list[V]:
        return [self[k] for k in self.keys()]

    def items(self) -> list[tuple[K, V]]:
        return [(k, self[k]) for k in self.keys()]


class Set(Collection, Generic[T]):
    """A persistent set of T."""

    def __init__(self, item_type: type[T] | Any) -> None:
        self.codec = codec_for(item_type)

    def bind(self, prefix: bytes) -> BoundSet[T]:
        return BoundSet(prefix, self.codec)


class BoundSet(_Counted, Generic[T]):
    def __init__(self, prefix: bytes, codec: Codec) -> None:
        self._prefix, self._codec = prefix, codec

    def _entry(self, item: T) -> bytes:
        return _check_key(self._prefix + ENTRY + self._codec.to_bytes(item))

    def add(self, item: T) -> bool:
        """Add `item`; True if it was not there before."""
        entry = self._entry(item)
        if _read(entry) is not None:
            return False
        _write(entry, b"1")
        self._bump(1)
        return True

    def discard(self, item: T) -> bool:
        """Remove `item` if present; True if it was there."""
        entry = self._entry(item)
        if _read(entry) is None:
            return False
        _remove(entry)
        self._bump(-1)
        return True

    def remove(self, item: T) -> None:
        if not self.discard(item):
            raise ContractPanic(E.NOT_IN_SET, f"{item!r} is not in the set")

    def __contains__(self, item: object) -> bool:
        return _read(self._entry(item)) is not None  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[T]:
        start = len(self._prefix) + 1
        return iter([self._codec.from_bytes(k[start:]) for k in _keys(self._prefix + ENTRY)])

    def to_list(self) -> list[T]:
        return list(self)


class Vector(Collection, Generic[T]):
    """A persistent list of T with O(1) append, index and pop."""

    def __init__(self, item_type: type[T] | Any) -> None:
        self.codec = codec_for(item_type)

    def bind(self, prefix: bytes) -> BoundVector[T]:
        return BoundVector(prefix, self.codec)


class BoundVector(_Counted, Generic[T]):
    def __init__(self, prefix: bytes, codec: Codec) -> None:
        self._prefix, self._codec = prefix, codec

    def _entry(self, index: int) -> bytes:
        return self._prefix + ENTRY + index.to_bytes(4, "big")

    def _index(self, index: int) -> int:
        n = len(self)
        i = index + n if index < 0 else index
        if not 0 <= i < n:
            raise ContractPanic(E.INDEX_OUT_OF_RANGE, f"index {index} out of range for length {n}")
        return i

    def append(self, item: T) -> None:
        n = len(self)
        _write(self._entry(n), self._codec.to_bytes(item))
        self._bump(1)

    def __getitem__(self, index: int) -> T:
        raw = _read(self._entry(self._index(index)))
        assert raw is not None
        return self._codec.from_bytes(raw)  # type: ignore[no-any-return]

    def __setitem__(self, index: int, item: T) -> None:
        _write(self._entry(self._index(index)), self._codec.to_bytes(item))

    def pop(self) -> T:
        last = self[-1]
        _remove(self._entry(len(self) - 1))
        self._bump(-1)
        return last

    def __iter__(self) -> Iterator[T]:
        return iter([self[i] for i in range(len(self))])

    def to_list(self) -> list[T]:
        return list(self)
