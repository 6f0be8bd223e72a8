# pragma version ~=0.4.3
# @title HOT policy used as a delegation target: allow iff user_payload starts with msg_hash.
# @notice Stateless; shows that the delegated `input` reaches the EVM contract as user_payload.

@external
@view
def hot_verify(msg_hash: bytes32, wallet_id: Bytes[128], user_payload: Bytes[1024], metadata: Bytes[1024]) -> bool:
    if len(user_payload) < 32:
        return False
    return convert(slice(user_payload, 0, 32), bytes32) == msg_hash
