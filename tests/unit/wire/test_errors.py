"""hot.wire.errors: one hierarchy, one entry per meaning, three names per entry (issue 16).

Each class states its HTTP `code`, its `status` and its contract `E_...` code once; clients map a
code back to its class; docs/errors.md is the generated table; contracts use only defined codes.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

import hot
from hot.wire.errors import (
    ERRORS,
    ContractCode,
    ContractError,
    CulpritError,
    HotError,
    PeerTimeout,
    error_for_code,
    split_code,
)
from hot.wire.errors.doc import markdown

REPO = Path(__file__).resolve().parents[3]
SRC = REPO / "src" / "hot"
# Where contract code lives (protocol contracts, ready-made policies, the contract SDK, the
# examples), the chain emulator and the NEAR readers of panics; they use ContractCode, never inline codes.
CONTRACT_CODE_DIRS = ("contracts", "sdk/policies", "sdk/contract", "examples", "sdk/testing.py", "sdk/client",
                      "localnet/chain", "near")
README_EXAMPLE = SRC / "examples" / "approvals" / "contract.py"  # user code: keeps its plain string
PLACEHOLDER = "E_CODE"  # `require(ok, "E_CODE: why")` in docstrings
CODE_TOKEN = re.compile(r"\bE_[A-Z][A-Z0-9_]*\b")


def meaning(cls: type) -> str:
    return (cls.__doc__ or "").strip().splitlines()[0]


def code_owner(cls: type[HotError]) -> type[HotError]:
    return next(c for c in cls.__mro__ if "code" in vars(c))


def test_every_class_states_a_meaning_no_two_share_one() -> None:
    meanings = [meaning(cls) for cls in ERRORS]
    assert all(meanings), [cls.__name__ for cls in ERRORS if not meaning(cls)]
    assert len(set(meanings)) == len(meanings), [m for m in meanings if meanings.count(m) > 1]
    names = [cls.__name__ for cls in ERRORS]
    assert len(set(names)) == len(names), [n for n in names if names.count(n) > 1]


def test_each_code_is_defined_once_and_has_one_status() -> None:
    defined = [cls.code for cls in ERRORS if "code" in vars(cls)]
    assert len(set(defined)) == len(defined), [c for c in defined if defined.count(c) > 1]
    statuses: dict[str, set[int]] = defaultdict(set)
    for cls in ERRORS:
        statuses[cls.code].add(cls.status)
    assert {code: s for code, s in statuses.items() if len(s) > 1} == {}
    assert len({(cls.code, meaning(cls)) for cls in ERRORS}) == len(ERRORS)


@pytest.mark.parametrize("cls", ERRORS, ids=lambda cls: cls.__name__)
def test_status_is_an_http_error_status_and_the_contract_code_is_defined(cls: type[HotError]) -> None:
    assert 400 <= cls.status <= 599
    assert isinstance(cls.contract_code, ContractCode)
    assert re.fullmatch(r"[a-z][a-z0-9_]*", cls.code)


@pytest.mark.parametrize("cls", ERRORS, ids=lambda cls: cls.__name__)
def test_error_for_code_round_trips(cls: type[HotError]) -> None:
    found = error_for_code(cls.code)
    assert found is code_owner(cls) and issubclass(cls, found)
    rebuilt = found.from_body({"code": cls.code, "message": "told by the service"})
    assert type(rebuilt) is found and rebuilt.code == cls.code and rebuilt.status == cls.status
    assert str(rebuilt) == "told by the service"


def test_a_code_hot_never_sends_has_no_class() -> None:
    assert error_for_code("teapot") is None


def test_rebuilt_errors_keep_what_the_body_carries() -> None:
    culprit = error_for_code("invalid_share").from_body({"code": "invalid_share", "message": "m", "culprit": 3})
    assert isinstance(culprit, CulpritError) and culprit.culprit == 3
    timeout = PeerTimeout.from_body({"code": "peer_timeout", "message": "m", "culprits": [2, "x", 5]})
    assert timeout.missing == [2, 5]
    panic = ContractError.from_body({"code": "contract_error", "message": "E_NOT_OWNER: only the owner"})
    assert panic.error_code == ContractCode.NOT_OWNER


def test_contract_codes_have_one_meaning_each() -> None:
    meanings = [code.meaning for code in ContractCode]
    assert all(meanings) and len(set(meanings)) == len(meanings)
    assert all(re.fullmatch(r"E_[A-Z][A-Z0-9_]*", code.value) and code.name == code.value[2:] for code in ContractCode)


def test_panic_text_is_byte_identical_in_both_forms() -> None:
    from hot.sdk.contract import ContractPanic, require

    with pytest.raises(ContractPanic) as coded:
        require(False, ContractCode.NOT_OWNER, "only the owner approves")
    with pytest.raises(ContractPanic) as plain:
        require(False, "E_NOT_OWNER: only the owner approves")
    assert str(coded.value) == str(plain.value) == "E_NOT_OWNER: only the owner approves"
    assert coded.value.error_code == plain.value.error_code == "E_NOT_OWNER"
    assert type(coded.value.error_code) is str  # a plain string on the wire, not the enum member
    assert split_code(str(coded.value)) == ("E_NOT_OWNER", "only the owner approves")


def test_docs_errors_md_is_the_generated_table() -> None:
    generated = subprocess.run([sys.executable, "-m", "hot.wire.errors"], capture_output=True, text=True, check=True)
    assert generated.stdout == markdown()
    assert (REPO / "docs" / "errors.md").read_text() == markdown(), "run: python -m hot.wire.errors > docs/errors.md"


def test_every_hot_error_is_defined_in_hot_wire_errors() -> None:
    for module in pkgutil.walk_packages(hot.__path__, "hot."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    elsewhere, stack = [], list(HotError.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("hot.") and not cls.__module__.startswith("hot.wire.errors"):
            elsewhere.append(f"{cls.__module__}.{cls.__qualname__}")
    assert elsewhere == []
    assert set(ERRORS) >= {cls for cls in _all_subclasses(HotError) if cls.__module__.startswith("hot.")}


def _all_subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _all_subclasses(sub)
    return found


def _contract_files() -> list[Path]:
    files: list[Path] = []
    for entry in CONTRACT_CODE_DIRS:
        path = SRC / entry
        files += [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))
    return files


def _code_strings(tree: ast.AST) -> list[ast.Constant]:
    """String constants that are not docstrings (f-string parts included)."""
    docstrings = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            docstrings.add(id(body[0].value))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in docstrings]


@pytest.mark.parametrize("path", _contract_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_contract_modules_use_only_defined_codes_and_no_inline_ones(path: Path) -> None:
    text = path.read_text()
    defined = {code.value for code in ContractCode} | {PLACEHOLDER}
    assert set(CODE_TOKEN.findall(text)) <= defined, set(CODE_TOKEN.findall(text)) - defined
    inline = [n.value for n in _code_strings(ast.parse(text)) if CODE_TOKEN.match(n.value)]
    assert inline == [] or path == README_EXAMPLE, inline
