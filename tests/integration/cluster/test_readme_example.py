"""The integration test the README shows a dApp developer, verbatim, so the front door cannot rot."""

import pytest
from hot.sdk.client import AuthorizationDenied, access_method

pytestmark = pytest.mark.integration

POLICY = """
from hot.sdk.contract import contract, view

@contract
class PayloadPolicy:
    @view
    def hot_verify(self, msg_hash: str, wallet_id: str = "", msg_body: str = "",
                   user_payload: str = "", metadata: str = "") -> bool:
        return user_payload == "ok"
"""


def test_my_policy_decides_what_is_signed(hot_localnet):  # type: ignore[no-untyped-def]
    policy = hot_localnet.deploy_contract("mypolicy", POLICY)
    with hot_localnet.client() as hot:
        key = hot.reserve_key([access_method(policy)])
        signature = hot.sign(key.key_id, "ed25519", b"transfer 5 to bob", [b"ok"])
        assert signature.public_key == hot.public_key(key.key_id, "ed25519")
        with pytest.raises(AuthorizationDenied):
            hot.sign(key.key_id, "ed25519", b"transfer everything", [b"no"])
