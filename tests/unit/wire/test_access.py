"""hot.wire.access: the Key Registry's access-list rules, written once for the contract and the SDK (issue 16)."""

from __future__ import annotations

from typing import Any

import pytest

from hot.sdk.client.registry import normalized, update_message
from hot.sdk.testing import reverts
from hot.wire.access import (
    UPDATE_TAG,
    key_id_of,
    normalize_access_list,
    to_hot_wire,
)
from hot.wire.access import update_message as wire_update_message
from hot.wire.encoding import canonical_json
from hot.wire.errors import BadAccessList, ContractError

NEAR = 1010


def test_defaults_are_filled_and_the_hot_wire_form_names_custom_methods_in_metadata() -> None:
    methods = normalize_access_list([{"chain_id": NEAR, "contract_id": "p.near"},
                                     {"chain_id": 56, "contract_id": "0xabc", "method": "verify", "metadata": '{"x":1}'}])
    assert methods[0] == {"chain_id": NEAR, "contract_id": "p.near", "method": "hot_verify", "metadata": ""}
    assert [to_hot_wire(m) for m in methods] == [
        {"account_id": "p.near", "chain_id": NEAR, "metadata": None},
        {"account_id": "0xabc", "chain_id": 56, "metadata": '{"method":"verify","x":1}'}]


@pytest.mark.parametrize(("access_list", "rule"), [
    ([], "1..16 methods"),
    ([{"chain_id": NEAR, "contract_id": "p"}] * 17, "1..16 methods"),
    ([{"chain_id": "near", "contract_id": "p"}], "chain_id is a non-negative integer"),
    ([{"chain_id": True, "contract_id": "p"}], "chain_id is a non-negative integer"),
    ([{"chain_id": NEAR, "contract_id": "p", "owner": "x"}], "a method has"),
    ([{"chain_id": NEAR, "contract_id": ""}], "contract_id is a non-empty string"),
    ([{"chain_id": NEAR, "contract_id": "p", "method": "hot-verify"}], "method is an identifier"),
    ([{"chain_id": NEAR, "contract_id": "p", "method": "v", "metadata": "[1]"}], "metadata must be a JSON object"),
    ([{"chain_id": NEAR, "contract_id": "p"}, {"chain_id": NEAR, "contract_id": "p", "method": "hot_verify"}],
     "duplicate methods"),
])
def test_a_broken_rule_is_a_typed_error_with_the_registrys_code(access_list: list[dict[str, Any]],
                                                                 rule: str) -> None:
    with pytest.raises(BadAccessList) as info:
        normalize_access_list(access_list)
    assert info.value.error_code == "E_BAD_ACCESS_LIST" == BadAccessList.contract_code and rule in str(info.value)
    # The SDK's client-side check is the same rule and reads like the contract's refusal.
    with reverts("E_BAD_ACCESS_LIST"):
        normalized(access_list)
    assert isinstance(info.value, ContractError)


def test_the_sdk_signs_the_bytes_the_contract_rebuilds() -> None:
    access_list = [{"chain_id": NEAR, "contract_id": "p.near"}]
    expected = UPDATE_TAG + canonical_json({"access_list": normalize_access_list(access_list), "key_id": "k",
                                            "nonce": 3, "registry": "registry.near"})
    assert update_message("registry.near", "k", 3, access_list) == expected
    assert wire_update_message("registry.near", "k", 3, normalize_access_list(access_list)) == expected


def test_key_id_is_base58_of_the_double_sha256_of_the_root_key() -> None:
    # A golden value from before the move: a change to HOT's key_id scheme would orphan every reserved key.
    assert key_id_of(bytes(32)) == "3udWYH8QDK8fsfGsjr7DLMTBc8EeBXq9GXFKPXXv3SpM"
