"""Anvil state dumps as tries: our pre-state from a dump, and a dump's root under two rule sets.

anvil 1.7.1's block ``stateRoot`` also commits to zero-valued storage slots and to empty
accounts it touched (precompiles, a zero coinbase, a self-destructed child), which the Ethereum
state trie never holds (EIP-161, yellow paper §4.1). So a post-state is compared through the
dump: under anvil's own rules its root must reproduce the block's root (the dump is what anvil
committed); under Ethereum's it must equal ours.
"""

import gzip
import json
from typing import Any

from op_program.encoding.hashing import keccak256
from op_program.encoding.rlp import rlp_encode
from op_program.executor.evm_backend import EvmBackend
from op_program.executor.evm_types import EMPTY_ROOT
from op_program.mpt.account import Account
from op_program.mpt.builder import trie_root
from tests.integration.anvil_node import rpc
from tests.unit.executor import harness as h


def anvil_state(url: str) -> dict[str, Any]:
    """``anvil_dumpState``'s accounts: address → {balance, nonce, code, storage}."""
    dump = rpc(url, "anvil_dumpState")
    accounts: dict[str, Any] = json.loads(gzip.decompress(bytes.fromhex(dump[2:])))["accounts"]
    return accounts


def storage_of(account: dict[str, Any]) -> dict[str, str]:
    """The slot → value map of a dumped account (anvil writes it as an object or a string)."""
    storage = account["storage"]
    slots: dict[str, str] = json.loads(storage) if isinstance(storage, str) else storage
    return slots


def is_empty(account: dict[str, Any]) -> bool:
    """EIP-161 empty: no nonce, no balance, no code."""
    code = account["code"][2:]
    return (int(account["nonce"]), int(account["balance"], 16), code) == (0, 0, "")


def pre_state(accounts: dict[str, Any]) -> tuple[bytes, dict[bytes, bytes]]:
    """Our state trie (root, nodes) holding a dump's accounts under Ethereum's rules."""
    def setup(backend: EvmBackend) -> None:
        for address_hex, account in accounts.items():
            if is_empty(account):
                continue
            address = bytes.fromhex(address_hex[2:])
            backend.add_balance(address, int(account["balance"], 16))
            for _ in range(int(account["nonce"])):
                backend.increment_nonce(address)
            code = bytes.fromhex(account["code"][2:])
            if code:
                backend.set_code(address, code)
            for slot, value in storage_of(account).items():
                if int(value, 16):
                    backend.set_storage(address, int(slot, 16), int(value, 16))
    return h.make_state(setup)


def account_leaf(account: dict[str, Any], ethereum_rules: bool) -> Account:
    """The trie account of a dumped account (zero slots kept only under anvil's rules)."""
    entries = [(keccak256(bytes.fromhex(k[2:])), rlp_encode(int(v, 16)))
               for k, v in storage_of(account).items() if int(v, 16) or not ethereum_rules]
    code = bytes.fromhex(account["code"][2:])
    return Account(int(account["nonce"]), int(account["balance"], 16),
                   trie_root(entries) if entries else EMPTY_ROOT, keccak256(code))


def dump_root(accounts: dict[str, Any], ethereum_rules: bool) -> bytes:
    """The state root of an anvil state dump, with or without anvil's extra entries."""
    items = []
    for address_hex, account in accounts.items():
        if ethereum_rules and is_empty(account):
            continue
        leaf = account_leaf(account, ethereum_rules)
        items.append((keccak256(bytes.fromhex(address_hex[2:])), leaf.encode()))
    return trie_root(items)
