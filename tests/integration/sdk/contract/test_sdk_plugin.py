"""hot.sdk.testing reaches a fresh project through the `hot` pytest11 entry point alone (no conftest, no -p)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import hot.examples.approvals
import pytest

APPROVALS = Path(hot.examples.approvals.__file__).parent / "contract.py"

USER_TEST = '''
from hot.sdk.testing import reverts

def test_guide_example_with_only_the_plugin(hot_chain):
    alice, app = hot_chain.create_account("alice"), hot_chain.create_account("app")
    app.deploy(SOURCE.read_bytes(), init="new", args={"owner": alice.account_id})
    alice.call(app, "approve", {"msg_hash": "h"})
    assert app.view("hot_verify", {"msg_hash": "h"}) is True
    with reverts("E_NOT_OWNER"):
        app.call(app, "approve", {"msg_hash": "x"})

def test_state_is_fresh_again(hot_chain, hot_root):
    assert hot_root.account_id == "test.near"
    hot_chain.create_account("alice")  # would fail with AccountAlreadyExists without the revert
'''


@pytest.mark.integration
def test_plugin_fixtures_in_a_fresh_project(tmp_path: Path) -> None:
    test_file = tmp_path / "test_user_contract.py"
    test_file.write_text(f"from pathlib import Path\nSOURCE = Path({str(APPROVALS)!r})\n" + USER_TEST)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          str(test_file)], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 passed" in run.stdout
