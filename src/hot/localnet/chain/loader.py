"""Load deployed contract code: the UTF-8 source of one Python module with one `@contract` class.

Deploy format (docs/contract-guide.md): `DeployContract.code` is the module source as UTF-8, at
most `MAX_CODE_BYTES`. The module must define exactly one class decorated with `@contract`
(classes it merely imports do not count). The code hash is SHA-256 of those bytes, as in NEAR.

This is a guard against accidents, not a sandbox (docs/threat-model.md): imports are limited to
an allowlist (`hot.sdk.*`, `hot.contracts.*`, `hot.wire.*` (pure data and encoding) and deterministic standard-library
modules), and the builtins that touch files, processes or code (`open`, `exec`, `eval`,
`compile`, `input`, `breakpoint`) are removed. Python offers no isolation inside one process;
anyone who can deploy on a localnet can run code with the chain's privileges.
"""

from __future__ import annotations

import builtins
import hashlib
import sys
import threading
import types
from typing import Any

from hot.sdk.contract.decorators import ContractSpec
from hot.wire.errors import ContractDefinitionError

MAX_CODE_BYTES = 1024 * 1024
CONTRACT_FILENAME_PREFIX = "<contract:"
ALLOWED_MODULE_ROOTS = frozenset({
    "hot.sdk", "hot.contracts", "hot.wire",
    "__future__", "abc", "base64", "binascii", "bisect", "collections", "dataclasses", "decimal", "enum",
    "functools", "hashlib", "heapq", "hmac", "itertools", "json", "math", "operator", "re", "string",
    "struct", "typing", "typing_extensions", "base58",
})
REMOVED_BUILTINS = frozenset({"open", "exec", "eval", "compile", "input", "breakpoint", "__import__", "exit", "quit"})


def _allowed(name: str) -> bool:
    return any(name == root or name.startswith(root + ".") for root in ALLOWED_MODULE_ROOTS)


def _guarded_import(name: str, globals_: Any = None, locals_: Any = None, fromlist: Any = (), level: int = 0) -> Any:
    if level != 0:
        raise ImportError("relative imports are not available to deployed contracts")
    if not _allowed(name):
        raise ImportError(f"import of {name!r} is not allowed in a contract (allowlist: docs/threat-model.md)")
    return builtins.__import__(name, globals_, locals_, fromlist, level)


def _contract_builtins() -> dict[str, Any]:
    safe = {k: v for k, v in vars(builtins).items() if k not in REMOVED_BUILTINS}
    safe["__import__"] = _guarded_import
    return safe


def code_hash(code: bytes) -> bytes:
    return hashlib.sha256(code).digest()


def load_contract_class(code: bytes, account_id: str) -> type:
    """Compile and execute the module source; return its single `@contract` class."""
    if len(code) > MAX_CODE_BYTES:
        raise ContractDefinitionError(f"contract code of {len(code)} bytes exceeds {MAX_CODE_BYTES}")
    try:
        source = code.decode("utf-8")
        compiled = compile(source, f"{CONTRACT_FILENAME_PREFIX}{account_id}>", "exec", dont_inherit=True)
    except (UnicodeDecodeError, SyntaxError, ValueError) as exc:
        raise ContractDefinitionError(f"contract source does not compile: {exc}") from exc
    module = types.ModuleType(f"hot_deployed_{hashlib.sha256(code).hexdigest()[:16]}")
    namespace = module.__dict__
    namespace["__builtins__"] = _contract_builtins()
    # Registered while it executes so typing.get_type_hints can resolve the module's own
    # dataclasses (the codecs are built when the class body runs), then removed again.
    sys.modules[module.__name__] = module
    try:
        exec(compiled, namespace)  # noqa: S102 -- the documented deploy format; see the module docstring
    except Exception as exc:  # any error while defining the module means the code is unusable
        raise ContractDefinitionError(f"contract module failed to load: {type(exc).__name__}: {exc}") from exc
    finally:
        sys.modules.pop(module.__name__, None)
    classes = [v for v in namespace.values() if isinstance(v, type)
               and isinstance(getattr(v, "__hot_contract__", None), ContractSpec)
               and v.__module__ == namespace.get("__name__")]
    if len(classes) != 1:
        raise ContractDefinitionError(f"contract source must define exactly one @contract class, found {len(classes)}")
    return classes[0]


class ContractCache:
    """Loaded classes by code hash: a module is compiled once, not per call."""

    def __init__(self) -> None:
        self._classes: dict[tuple[bytes, str], type] = {}
        self._lock = threading.Lock()

    def get(self, code: bytes, account_id: str, digest: bytes | None = None) -> type:
        key = (digest or code_hash(code), account_id)
        with self._lock:
            cls = self._classes.get(key)
            if cls is None:
                cls = load_contract_class(code, account_id)
                self._classes[key] = cls
            return cls
