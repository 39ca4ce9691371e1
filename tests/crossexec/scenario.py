"""A devnet chain across the Isthmus and Jovian activations whose blocks kona re-executes.

Forks: Holocene at genesis, Isthmus at L2 block 12, Jovian at L2 block 36 (2 s blocks).
SystemConfig updates set the operator fee params after Isthmus and the DA footprint gas scalar
and minimum base fee after Jovian (see ``_queue_l1``). Each named block exercises one rule;
``blocks`` maps the name to its number.
"""

import random
from dataclasses import dataclass, field

from op_program.devnet.l2_txs import L2Wallet
from op_program.devnet.network import Devnet, DevnetOptions
from op_program.executor.fees.l1_cost import da_footprint
from op_program.protocol.system_config import (
    UPDATE_DA_FOOTPRINT_GAS_SCALAR,
    UPDATE_MIN_BASE_FEE,
    UPDATE_OPERATOR_FEE_PARAMS,
    encode_operator_fee_params,
)
from op_program.protocol.upgrades import create_address
from tests.differential.assembler import returning
from tests.differential.precompile_inputs import valid_inputs
from tests.differential.txgen import intrinsic

ISTHMUS_BLOCK = 12
JOVIAN_BLOCK = 36
OPERATOR_FEE_BLOCK = 18
"""The first L2 block whose L1 origin (L1 block 3) carries the operator fee update."""
JOVIAN_PARAMS_BLOCK = 42
"""The first L2 block whose L1 origin (L1 block 7) carries the DA scalar and min base fee."""
OPERATOR_FEE_SCALAR = 1_500
OPERATOR_FEE_CONSTANT = 10**9
DA_FOOTPRINT_GAS_SCALAR = 4_000
MIN_BASE_FEE = 3 * 10**9
BLOBBASEFEE_PROBE = bytes.fromhex("4a805f555f5fa100")
"""BLOBBASEFEE DUP1 PUSH0 SSTORE PUSH0 PUSH0 LOG1 STOP."""
BN_PAIRING = 0x08
JOVIAN_LIMITS = {BN_PAIRING: 81_984, 0x0C: 288_960, 0x0E: 278_784, 0x0F: 156_672}
"""jovian/exec-engine.md "Precompile Input Size Restrictions" (bytes)."""
LIMIT_UNITS = {BN_PAIRING: 192, 0x0C: 160, 0x0E: 288, 0x0F: 384}


@dataclass
class JudgedChain:
    """The devnet and the named blocks to judge."""

    devnet: Devnet
    blocks: dict[str, int] = field(default_factory=dict)
    extra_tx: bytes = b""
    """A transfer that would push the DA-footprint block over its limit."""
    blobbasefee_probe: bytes = b""
    """A contract that stores BLOBBASEFEE in slot 0 and logs it as a topic."""


def _address(n: int) -> bytes:
    return n.to_bytes(20, "big")


def _precompile_calls(wallet: L2Wallet, rng: random.Random) -> list[bytes]:
    return [wallet.tx(_address(a), data=data, gas=400_000)
            for a, data in valid_inputs(rng).items()]  # fmt: skip


def _da_heavy(wallet: L2Wallet, rng: random.Random, gas_limit: int) -> tuple[list[bytes], bytes]:
    """Transactions whose DA footprint fills the block to just under ``gas_limit``.

    Incompressible calldata; the last transaction's size is the largest that still fits.
    Returns them and one more transfer, which no longer fits.
    """
    def probe(size: int, nonce: int) -> bytes:
        return L2Wallet(wallet.account, wallet.chain_id, nonce).tx(
            _address(0xDA), data=rng_data[:size], gas=1_000_000)

    rng_data = rng.randbytes(4_000)
    txs: list[bytes] = []
    total = 0
    nonce = wallet.nonce
    while True:
        tx = probe(2_000, nonce)
        cost = da_footprint(tx, DA_FOOTPRINT_GAS_SCALAR)
        if total + cost > gas_limit:
            break
        txs.append(tx)
        total += cost
        nonce += 1
    low, high = 0, 2_000
    while low < high:  # the largest size whose footprint still fits
        middle = (low + high + 1) // 2
        if total + da_footprint(probe(middle, nonce), DA_FOOTPRINT_GAS_SCALAR) <= gas_limit:
            low = middle
        else:
            high = middle - 1
    txs = [probe(2_000, wallet.nonce + i) for i in range(len(txs))] + [probe(low, nonce)]
    wallet.nonce = nonce + 1
    return txs, L2Wallet(wallet.account, wallet.chain_id, wallet.nonce).transfer(
        _address(0xDA), 1)


def _limit_calls(wallet: L2Wallet) -> list[bytes]:
    """Each Jovian-limited precompile with all-zero input one unit over its limit: fails."""
    calls = []
    for address, limit in JOVIAN_LIMITS.items():
        data = bytes(limit + LIMIT_UNITS[address])
        gas = intrinsic(data, False, (), 0) + 100_000
        calls.append(wallet.tx(_address(address), data=data, gas=gas))
    return calls


def _queue_l1(devnet: Devnet) -> None:
    """L1 blocks 1-8 (12 s apart); SystemConfig updates land once their fork is active.

    An L2 block's system config is re-read from its parent's L1-info deposit (op-node's
    PayloadToSystemConfig), and a deposit in a format before the fork's carries no operator
    fee, DA footprint scalar or minimum base fee: an update adopted earlier would be lost one
    block later. So the operator fee params come in L1 block 3 (adopted at L2 block 18, after
    Isthmus at 12) and the Jovian ones in L1 block 7 (adopted at L2 block 42, after Jovian at
    36).
    """
    devnet.mine_l1(2)
    devnet.update_config(UPDATE_OPERATOR_FEE_PARAMS,
                         encode_operator_fee_params(OPERATOR_FEE_SCALAR, OPERATOR_FEE_CONSTANT))
    devnet.mine_l1(4)
    devnet.update_config(UPDATE_DA_FOOTPRINT_GAS_SCALAR,
                         DA_FOOTPRINT_GAS_SCALAR.to_bytes(32, "big"))
    devnet.update_config(UPDATE_MIN_BASE_FEE, MIN_BASE_FEE.to_bytes(32, "big"))
    devnet.mine_l1(2)


def build_chain() -> JudgedChain:
    """Sequence the chain (in-process L1)."""
    rng = random.Random(15)
    devnet = Devnet(DevnetOptions(fork_offsets={"isthmus": 2 * ISTHMUS_BLOCK,
                                                "jovian": 2 * JOVIAN_BLOCK}))  # fmt: skip
    chain = JudgedChain(devnet)
    wallet = devnet.wallet
    carol = _address(0xCA401)
    _queue_l1(devnet)

    def at(name: str, txs: list[bytes]) -> None:
        block = devnet.sequencer.build(tuple(txs))
        chain.blocks[name] = block.number

    def empty_until(number: int) -> None:
        while devnet.sequencer.head.number < number - 1:
            devnet.sequencer.build()

    at("holocene", [wallet.transfer(carol, 1)])
    empty_until(ISTHMUS_BLOCK - 1)
    at("before isthmus", [wallet.transfer(carol, 2), wallet.tx(_address(0x0B), data=bytes(256))])
    at("isthmus activation", [wallet.transfer(carol, 3)])
    authority = devnet.bob
    transfer = wallet.transfer(carol, 4)
    contract_tx, contract = wallet.deploy_store_and_log()
    at("after isthmus", [transfer, contract_tx,
                         wallet.set_code_store(authority, 0, contract, 0x7702)])  # fmt: skip
    empty_until(OPERATOR_FEE_BLOCK)
    at("isthmus operator fee", [wallet.transfer(carol, 5)])
    at("isthmus precompiles", _precompile_calls(wallet, rng))
    empty_until(JOVIAN_BLOCK - 1)
    at("before jovian", [wallet.transfer(carol, 6)])
    at("jovian activation", [])
    at("after jovian", [wallet.transfer(carol, 7)])
    # Zero-filled inputs compress well, but not enough for the 4000 scalar set later.
    at("jovian precompile limits", _limit_calls(wallet))
    empty_until(JOVIAN_PARAMS_BLOCK + 1)
    transfer = wallet.transfer(carol, 8)
    chain.blobbasefee_probe = create_address(wallet.account.address, wallet.nonce)
    probe_tx = wallet.tx(None, data=returning(BLOBBASEFEE_PROBE), gas=200_000)
    at("jovian min base fee", [transfer, probe_tx])
    da_txs, chain.extra_tx = _da_heavy(wallet, rng, devnet.rollup.genesis.system_config.gas_limit)
    at("da footprint near limit", da_txs)
    at("after da footprint", [wallet.transfer(carol, 9)])
    at("jovian precompiles", _precompile_calls(wallet, rng))
    at("jovian set code", [wallet.set_code_store(authority, 2, contract, 0x7703)])
    return chain
