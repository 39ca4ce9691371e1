"""Random transactions of every type an Isthmus block accepts, signed by a pool of keys.

Legacy (EIP-155 and unprotected), EIP-2930, EIP-1559, EIP-7702 (valid, wrong-chain, wrong-nonce,
bad-signature, self-sponsored and clearing authorizations) and deposits (mint, value, failing
calls, creations, from contracts). Nonces are tracked so every transaction can be valid; a few
are made invalid on purpose (gas below the intrinsic or floor cost, fee cap below the base fee).
"""

import dataclasses
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from coincurve import PrivateKey

from op_program.encoding.hashing import keccak256
from op_program.protocol.transactions import (
    AccessListEntry,
    AccessListTransaction,
    Authorization,
    DepositTransaction,
    DynamicFeeTransaction,
    LegacyTransaction,
    SetCodeTransaction,
    decode_transaction,
)
from op_program.protocol.transactions.set_code import authorization_signing_hash
from tests.differential.programs import Generator

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


@dataclass(frozen=True, slots=True)
class Key:
    """A private key and its address."""

    private: PrivateKey
    address: bytes

    @classmethod
    def from_label(cls, label: str) -> "Key":
        private = PrivateKey(keccak256(label.encode()))
        return cls(private, keccak256(private.public_key.format(compressed=False)[1:])[12:])

    def sign(self, digest: bytes) -> tuple[int, int, int]:
        """(y_parity, r, s) of a signature over ``digest``."""
        sig = self.private.sign_recoverable(digest, hasher=None)
        return sig[64], int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:64], "big")


def intrinsic(data: bytes, create: bool, access_list: Sequence[AccessListEntry],
              authorizations: int) -> int:
    """max(intrinsic gas, EIP-7623 floor) of a user transaction (Prague rules)."""
    zeros = data.count(0)
    tokens = zeros + 4 * (len(data) - zeros)
    gas = 21_000 + 4 * tokens + (32_000 + 2 * ((len(data) + 31) // 32) if create else 0)
    gas += sum(2_400 + 1_900 * len(e.storage_keys) for e in access_list)
    gas += 25_000 * authorizations
    return max(gas, 21_000 + 10 * tokens)


@dataclass
class TxPlan:
    """One block's transactions as submitted, with what the generator meant."""

    raw: list[bytes] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)


class TxGenerator:
    """Random transactions for one block over known accounts and nonces."""

    def __init__(self, rng: random.Random, programs: Generator, chain_id: int, base_fee: int,
                 senders: Sequence[Key], authorities: Sequence[Key],
                 nonces: dict[bytes, int]) -> None:  # fmt: skip
        self.rng = rng
        self.programs = programs
        self.chain_id = chain_id
        self.base_fee = base_fee
        self.senders = senders
        self.authorities = authorities
        self.nonces = nonces

    def _calldata(self) -> bytes:
        rng = self.rng
        roll = rng.random()
        if roll < 0.5:
            return rng.randbytes(rng.randrange(0, 100))
        if roll < 0.8:
            return b""
        if roll < 0.9:
            return bytes(rng.randrange(100, 3000))  # mostly zeros
        return rng.randbytes(rng.randrange(1000, 6000))  # the EIP-7623 floor dominates

    def _to(self) -> bytes | None:
        if self.rng.random() < 0.12:
            return None
        return self.programs.address()

    def _gas(self, required: int) -> int:
        rng = self.rng
        roll = rng.random()
        if roll < 0.03:
            return max(0, required - rng.randrange(1, 200))  # invalid: below the intrinsic cost
        if roll < 0.25:
            return required + rng.randrange(0, 30_000)  # tight: often out of gas
        return required + rng.randrange(50_000, 2_500_000)

    def _access_list(self) -> tuple[AccessListEntry, ...]:
        rng = self.rng
        if rng.random() < 0.5:
            return ()
        return tuple(
            AccessListEntry(self.programs.address(),
                            tuple(rng.randrange(12).to_bytes(32, "big")
                                  for _ in range(rng.randrange(3))))
            for _ in range(rng.randrange(1, 4))
        )  # fmt: skip

    def _fees(self) -> tuple[int, int]:
        rng = self.rng
        if rng.random() < 0.02:
            return max(0, self.base_fee - 1), 0  # invalid: cap below the base fee
        max_fee = self.base_fee * rng.choice((1, 1, 2, 3)) + rng.randrange(0, 10**6)
        tip = rng.choice((0, 1, rng.randrange(0, max_fee + 1), max_fee))
        return max_fee, tip

    def _next_nonce(self, sender: Key) -> int:
        nonce = self.nonces.get(sender.address, 0)
        self.nonces[sender.address] = nonce + 1
        return nonce

    def authorization(self, sender: Key, sender_nonce: int) -> tuple[Authorization, bool]:
        """A random authorization and whether it bumps the sender's own nonce."""
        rng = self.rng
        self_sponsored = rng.random() < 0.1
        authority = sender if self_sponsored else rng.choice(self.authorities)
        nonce = sender_nonce + 1 if self_sponsored else self.nonces.get(authority.address, 0)
        roll = rng.random()
        chain_id = self.chain_id if roll < 0.6 else (0 if roll < 0.8 else self.chain_id + 1)
        if rng.random() < 0.15:
            nonce += rng.choice((1, -1 if nonce else 2))
        target = rng.choice((bytes(20), self.programs.address(), self.programs.address()))
        unsigned = Authorization(chain_id, target, nonce, 0, 0, 0)
        y, r, s = authority.sign(authorization_signing_hash(unsigned))
        if rng.random() < 0.05:
            y, s = 1 - y, SECP256K1_N - s  # high s: invalid (EIP-2)
        valid = chain_id in (0, self.chain_id) and nonce == self.nonces.get(
            authority.address, 0) + (1 if self_sponsored else 0) and s <= SECP256K1_N // 2
        if valid and not self_sponsored:
            self.nonces[authority.address] = nonce + 1
        return dataclasses.replace(unsigned, y_parity=y, r=r, s=s), valid and self_sponsored

    def user_tx(self, sender: Key) -> tuple[bytes, str]:
        """One signed user transaction from ``sender``."""
        rng = self.rng
        kind = rng.choices(("legacy", "2930", "1559", "7702"), (2, 2, 4, 2))[0]
        to = self._to()
        data = self._calldata() if to is not None else self.programs.init_code(0)
        value = rng.choice((0, 0, 1, rng.randrange(10**15)))
        max_fee, tip = self._fees()
        nonce = self._next_nonce(sender)
        if kind == "7702":
            to = to or self.programs.address()
            auths = []
            bump = False
            for _ in range(rng.randrange(1, 4)):
                auth, self_bump = self.authorization(sender, nonce)
                auths.append(auth)
                bump = bump or self_bump
            if bump:
                self.nonces[sender.address] += 1
            access = self._access_list()
            gas = self._gas(intrinsic(data, False, access, len(auths)))
            return self._sign(sender, lambda y, r, s: SetCodeTransaction(
                self.chain_id, nonce, tip, max_fee, gas, to, value, data, access, tuple(auths),
                y, r, s)), kind  # fmt: skip
        access = self._access_list() if kind != "legacy" else ()
        gas = self._gas(intrinsic(data, to is None, access, 0))
        if kind == "legacy":
            price = max_fee
            if rng.random() < 0.1:  # unprotected (pre-EIP-155)
                tx = LegacyTransaction(nonce, price, gas, to, value, data, 27, 0, 0)
                y, r, s = sender.sign(tx.signing_hash())
                return dataclasses.replace(tx, v=27 + y, r=r, s=s).encode(), "legacy-unprotected"
            tx = LegacyTransaction(nonce, price, gas, to, value, data, 35 + 2 * self.chain_id,
                                   0, 0)  # fmt: skip
            y, r, s = sender.sign(tx.signing_hash())
            return dataclasses.replace(tx, v=35 + 2 * self.chain_id + y, r=r, s=s).encode(), kind
        if kind == "2930":
            return self._sign(sender, lambda y, r, s: AccessListTransaction(
                self.chain_id, nonce, max_fee, gas, to, value, data, access, y, r, s)), kind
        return self._sign(sender, lambda y, r, s: DynamicFeeTransaction(
            self.chain_id, nonce, tip, max_fee, gas, to, value, data, access, y, r, s)), kind

    @staticmethod
    def _sign(sender: Key, make: Callable[[int, int, int], object]) -> bytes:
        unsigned = make(0, 0, 0)
        y, r, s = sender.sign(unsigned.signing_hash())  # type: ignore[attr-defined]
        return make(y, r, s).encode()  # type: ignore[attr-defined, no-any-return]

    def deposit(self, index: int) -> tuple[bytes, str]:
        """A deposit from an EOA, a contract or a fresh address."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.5:
            sender = rng.choice(self.senders).address
        elif roll < 0.7 and self.programs.targets.contracts:
            sender = rng.choice(self.programs.targets.contracts)
        else:
            sender = rng.randbytes(20)
        self.nonces[sender] = self.nonces.get(sender, 0) + 1
        to = self._to()
        data = self._calldata() if to is not None else self.programs.init_code(0)
        mint = rng.choice((0, 0, 1, rng.randrange(10**18)))
        value = rng.choice((0, mint, rng.randrange(10**16)))
        gas = rng.choice((21_000, rng.randrange(0, 60_000), rng.randrange(60_000, 3_000_000)))
        source = keccak256(b"differential deposit" + rng.randbytes(8) + bytes([index]))
        return DepositTransaction(source, sender, to, mint, value, gas, False, data).encode(), \
            "deposit"

    def block(self, count: int, gas_budget: int, deposits: bool = True) -> TxPlan:
        """Deposits first, then user transactions, within ``gas_budget`` of gas limits.

        Without ``deposits`` only user transactions (what a batch may carry).
        """
        plan = TxPlan()
        deposit_count = self.rng.choice((0, 0, 1, 2, 3)) if deposits else 0
        for index in range(count):
            raw, kind = self.deposit(index) if index < deposit_count else self.user_tx(
                self.rng.choice(self.senders))
            gas = _gas_limit(raw)
            if gas > gas_budget:
                break  # its nonce is spent, but no later transaction of this block needs it
            gas_budget -= gas
            plan.raw.append(raw)
            plan.kinds.append(kind)
        return plan


def _gas_limit(raw: bytes) -> int:
    return int(decode_transaction(raw).gas)
