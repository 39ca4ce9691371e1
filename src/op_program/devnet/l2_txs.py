"""L2 user transactions of devnet scenarios: transfers, deployments, storage, logs, withdrawals.

Spec: EIP-155, EIP-2930, EIP-1559 and EIP-7702 transactions on the L2 chain id;
protocol/withdrawals.md (a withdrawal is a call to the L2ToL1MessagePasser predeploy, which
records it in storage). The test contract is a few
bytes of hand-written EVM code: it reverts on empty calldata, otherwise stores the first
calldata word in slot 0 and logs it as a topic.
"""

from dataclasses import replace

from coincurve import PrivateKey

from op_program.devnet.keys import DevAccount
from op_program.protocol.predeploys import L2_TO_L1_MESSAGE_PASSER
from op_program.protocol.transactions import (
    AccessListEntry,
    AccessListTransaction,
    Authorization,
    DynamicFeeTransaction,
    LegacyTransaction,
    SetCodeTransaction,
    authorization_signing_hash,
)
from op_program.protocol.upgrades import create_address

MAX_FEE = 50_000_000_000
PRIORITY_FEE = 1_000

STORE_AND_LOG_RUNTIME = bytes.fromhex("366007575f5ffd5b5f355f555f355f5fa100")
"""calldatasize ? (sstore(0, cd[0]); log1(0, 0, cd[0])) : revert(0, 0)."""


def _initcode(runtime: bytes) -> bytes:
    # push1 len, dup1, push1 9, push0, codecopy, push0, return (then the runtime)
    return bytes((0x60, len(runtime), 0x80, 0x60, 9, 0x5F, 0x39, 0x5F, 0xF3)) + runtime


class L2Wallet:
    """Signs an account's L2 transactions with consecutive nonces."""

    __slots__ = ("account", "chain_id", "nonce")

    def __init__(self, account: DevAccount, chain_id: int, nonce: int = 0) -> None:
        self.account = account
        self.chain_id = chain_id
        self.nonce = nonce

    def tx(self, to: bytes | None, value: int = 0, data: bytes = b"", gas: int = 100_000) -> bytes:
        """A signed EIP-1559 transaction; returns its raw bytes."""
        tx = DynamicFeeTransaction(
            chain_id=self.chain_id, nonce=self.nonce, max_priority_fee_per_gas=PRIORITY_FEE,
            max_fee_per_gas=MAX_FEE, gas=gas, to=to, value=value, data=data, access_list=(),
            y_parity=0, r=0, s=0,
        )  # fmt: skip
        self.nonce += 1
        return self.account.sign(tx).encode()

    def transfer(self, to: bytes, value: int) -> bytes:
        """A plain value transfer."""
        return self.tx(to, value, gas=21_000)

    def deploy_store_and_log(self) -> tuple[bytes, bytes]:
        """Deploy the test contract; return (raw tx, contract address)."""
        address = create_address(self.account.address, self.nonce)
        return self.tx(None, data=_initcode(STORE_AND_LOG_RUNTIME), gas=200_000), address

    def store(self, contract: bytes, word: int) -> bytes:
        """Call the test contract: store ``word`` and log it."""
        return self.tx(contract, data=word.to_bytes(32, "big"))

    def failing_call(self, contract: bytes) -> bytes:
        """Call the test contract with empty calldata: included, but reverts (status 0)."""
        return self.tx(contract, data=b"")

    def legacy_transfer(self, to: bytes, value: int) -> bytes:
        """An EIP-155 legacy transfer."""
        tx = LegacyTransaction(nonce=self.nonce, gas_price=MAX_FEE, gas=21_000, to=to,
                               value=value, data=b"", v=0, r=0, s=0)  # fmt: skip
        self.nonce += 1
        return self.account.sign_legacy(tx, self.chain_id).encode()

    def access_list_store(self, contract: bytes, word: int) -> bytes:
        """An EIP-2930 call to the test contract, pre-declaring its slot 0."""
        tx = AccessListTransaction(
            chain_id=self.chain_id, nonce=self.nonce, gas_price=MAX_FEE, gas=100_000,
            to=contract, value=0, data=word.to_bytes(32, "big"),
            access_list=(AccessListEntry(contract, (bytes(32),)),), y_parity=0, r=0, s=0,
        )  # fmt: skip
        self.nonce += 1
        return self.account.sign(tx).encode()

    def set_code_store(self, authority: DevAccount, authority_nonce: int, delegate: bytes,
                       word: int) -> bytes:  # fmt: skip
        """An EIP-7702 transaction: ``authority`` delegates to ``delegate``, then is called.

        The call runs the delegate's code in the authority's account (its storage, its logs).
        """
        unsigned = Authorization(self.chain_id, delegate, authority_nonce, 0, 0, 0)
        signature = PrivateKey(authority.secret).sign_recoverable(
            authorization_signing_hash(unsigned), hasher=None)
        auth = replace(unsigned, y_parity=signature[64],
                       r=int.from_bytes(signature[0:32], "big"),
                       s=int.from_bytes(signature[32:64], "big"))  # fmt: skip
        tx = SetCodeTransaction(
            chain_id=self.chain_id, nonce=self.nonce, max_priority_fee_per_gas=PRIORITY_FEE,
            max_fee_per_gas=MAX_FEE, gas=200_000, to=authority.address, value=0,
            data=word.to_bytes(32, "big"), access_list=(), authorization_list=(auth,),
            y_parity=0, r=0, s=0,
        )  # fmt: skip
        self.nonce += 1
        return self.account.sign(tx).encode()

    def withdraw(self, value: int, recipient: bytes) -> bytes:
        """A withdrawal: value and a message to the L2ToL1MessagePasser."""
        data = bytes.fromhex("c2b3e5ac") + bytes(12) + recipient  # initiateWithdrawal(...)
        return self.tx(L2_TO_L1_MESSAGE_PASSER, value=value, data=data)
