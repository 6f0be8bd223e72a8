"""`hot contract deploy|call|view`: deploy and use Python contracts on a NEAR-compatible RPC.

Keys come from NEAR key files (`{"account_id", "public_key", "secret_key"}`), e.g. the
`validator_key.json` that `hot localnet chain` writes for its root account.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import typer

contract_app = typer.Typer(help="Deploy, call and view Python contracts over NEAR JSON-RPC.", no_args_is_help=True)

RPC_OPTION = typer.Option("http://127.0.0.1:3030", "--rpc", help="NEAR JSON-RPC URL.")
KEY_FILE_OPTION = typer.Option(Path(".localnet/chain/validator_key.json"), "--key-file",
                               help="NEAR key file of the signing account.")
NEAR = 10**24


def _args(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise typer.BadParameter(f"not JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise typer.BadParameter("arguments must be a JSON object")
    return value


def _report(outcome: dict[str, Any]) -> None:
    """Print logs and the decoded result; exit 1 with the failure (and its code) if it failed."""
    for receipt in outcome["receipts_outcome"]:
        for line in receipt["outcome"]["logs"]:
            typer.echo(f"log: {line}")
    from hot.near.outcomes import failure_code, transaction_failure

    failed = transaction_failure(outcome)
    if failed is not None:
        code, message = failure_code(failed.kind)
        typer.echo(f"failed: {code}: {message}", err=True)
        raise typer.Exit(1)
    raw = base64.b64decode(outcome["status"].get("SuccessValue", ""))
    typer.echo(json.dumps(json.loads(raw)) if raw else "ok")
    typer.echo(f"transaction: {outcome['transaction']['hash']}")


def _client(rpc: str) -> Any:
    from hot.near import BlockingNearRpc

    return BlockingNearRpc(rpc)


def _fail(exc: Exception) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(1)


@contract_app.command("deploy")
def deploy(
    account_id: str = typer.Argument(..., help="Account that will hold the contract."),
    source: Path = typer.Argument(..., exists=True, dir_okay=False, help="The contract module (.py)."),
    init: str = typer.Option("", help="Initializer to call in the same transaction."),
    args: str = typer.Option("{}", help="JSON arguments for the initializer."),
    create: bool = typer.Option(False, help="Create the account first (signed by the key file's account; "
                                            "the new account gets the same key)."),
    balance: int = typer.Option(10, help="NEAR to fund a created account with."),
    rpc: str = RPC_OPTION,
    key_file: Path = KEY_FILE_OPTION,
) -> None:
    """Deploy a Python contract module's source (optionally creating the account and initializing)."""
    from hot.near import AccessKey, AddKey, CreateAccount, DeployContract, FunctionCall, Transfer, read_key_file
    from hot.wire.errors import NearRpcError

    signer_id, key = read_key_file(key_file)
    actions: list[Any] = []
    if create:
        actions += [CreateAccount(), Transfer(balance * NEAR), AddKey(key.public_key, AccessKey(0, None))]
    actions.append(DeployContract(source.read_bytes()))
    if init:
        actions.append(FunctionCall(init, json.dumps(_args(args)).encode(), 300 * 10**12, 0))
    sender = signer_id if create else account_id
    with _client(rpc) as client:
        try:
            outcome = client.sign_and_send(sender, key, account_id, actions)
        except NearRpcError as exc:
            _fail(exc)
    _report(outcome)


@contract_app.command("call")
def call(
    contract_id: str = typer.Argument(..., help="Contract account."),
    method: str = typer.Argument(..., help="Method to call."),
    args: str = typer.Argument("{}", help="JSON object of arguments."),
    signer: str = typer.Option("", "--as", help="Signing account (default: the key file's account)."),
    deposit: int = typer.Option(0, help="Attached deposit in yoctoNEAR."),
    gas: int = typer.Option(300 * 10**12, help="Prepaid gas."),
    rpc: str = RPC_OPTION,
    key_file: Path = KEY_FILE_OPTION,
) -> None:
    """Send a signed function-call transaction and print its result and logs."""
    from hot.near import FunctionCall, read_key_file
    from hot.wire.errors import NearRpcError

    signer_id, key = read_key_file(key_file)
    with _client(rpc) as client:
        try:
            outcome = client.sign_and_send(signer or signer_id, key, contract_id,
                                           [FunctionCall(method, json.dumps(_args(args)).encode(), gas, deposit)])
        except NearRpcError as exc:
            _fail(exc)
    _report(outcome)


@contract_app.command("view")
def view(
    contract_id: str = typer.Argument(..., help="Contract account."),
    method: str = typer.Argument(..., help="View method."),
    args: str = typer.Argument("{}", help="JSON object of arguments."),
    rpc: str = RPC_OPTION,
) -> None:
    """Call a read-only method and print its JSON result."""
    from hot.wire.errors import ContractError, NearRpcError

    with _client(rpc) as client:
        try:
            typer.echo(json.dumps(client.view(contract_id, method, _args(args))))
        except (NearRpcError, ContractError) as exc:
            _fail(exc)


if __name__ == "__main__":
    contract_app()
