"""The differential campaign: random blocks on anvil (op-revm, Isthmus) and on our executor.

Each block starts from the same snapshot (a few empty blocks for BLOCKHASH), randomises the
pre-state through anvil's cheat RPCs (L1Block fee parameters incl. the operator fee, contract
code, storage, balances, EIP-7702 delegations), mines an empty parent P, then submits random
transactions and mines block B. Our executor builds B from P's header and the pre-state
dumped from anvil, under Isthmus rules (Holocene and Isthmus activate at B's timestamp, so P's
empty Ethereum-style extraData is a valid pre-Holocene parent and the base fee follows the
chain's EIP-1559 parameters; anvil is told that base fee). Compared: every receipt (status,
cumulative gas, logs), the block's gas used and the post-state root (through the dump, see
``anvil_state``). A transaction anvil accepted but left out of B must be one our executor
rejects at that position.

Inputs anvil 1.7.1 is known to treat differently from the specs are not generated:
- an EIP-7702 authority that does not exist (anvil also refunds it; the EIP refunds only "if
  authority exists in the trie"): every authority is a funded account;
- the "first Ecotone block" L1-fee fallback under Fjord+ (both scalars and the blob base fee
  zero): op-geth checks it before the Fjord branch, op-revm only under Ecotone; the L1 blob base
  fee is never zero here, and test_l1_fee_fallback_differs_from_op_revm states the divergence;
- Jovian: anvil keeps the Isthmus operator-fee formula and has no DA-footprint limit (kona
  judges Jovian blocks instead, tests/crossexec).
MODEXP with an empty base and a zero exponent (issue 15, fixed) is generated on purpose.

One divergence is generated but recognised: anvil 1.7.1's op-revm keeps the EIP-2929 warm
set of a transaction it rejected while mining (revm issue 3779, fixed by revm PR 3780 and, for
op-revm's non-deposit path, ethereum-optimism/optimism PR 21723), so an address that only the
dropped transaction touched (its sender, at least) is warm for the next one. EIP-2929 starts
every transaction's ``accessed_addresses`` from its own sender, recipient and the precompiles;
a transaction outside the block cannot change the block. A mismatching block from which anvil
dropped transactions is therefore mined again without them: if anvil then agrees with us, the
block counts as a ``known_divergences`` entry (with the original problems), not a mismatch.
"""

import json
import random
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from op_program.encoding.hashing import keccak256
from op_program.errors import OpProgramError
from op_program.executor.block_header import header_fields
from op_program.executor.builder import BlockResult
from op_program.executor.errors import InvalidTransactionError
from op_program.executor.rules import block_rules
from op_program.mpt.account import Account
from op_program.mpt.lookup import trie_get
from op_program.protocol import predeploys
from op_program.protocol.attributes import PayloadAttributes
from op_program.protocol.header import Header
from tests.differential.anvil_state import (
    account_leaf,
    anvil_state,
    dump_root,
    is_empty,
    pre_state,
)
from tests.differential.programs import Generator, Targets
from tests.differential.txgen import Key, TxGenerator
from tests.integration.anvil_node import running_anvil
from tests.unit.executor import harness as h

CHAIN_ID = h.CHAIN_ID
GAS_LIMIT = 30_000_000
ANCESTORS = 4
SENDERS = tuple(Key.from_label(f"differential sender {i}") for i in range(5))
POOR = Key.from_label("differential poor sender")
AUTHORITIES = tuple(Key.from_label(f"differential authority {i}") for i in range(4))
CONTRACTS = tuple((0xC0DE0000 + i).to_bytes(20, "big") for i in range(8))
EMPTY = tuple((0xDEAD0000 + i).to_bytes(20, "big") for i in range(3))
COINBASE = (0xC01B).to_bytes(20, "big")
VAULTS = (predeploys.BASE_FEE_VAULT, predeploys.L1_FEE_VAULT, predeploys.OPERATOR_FEE_VAULT)
T_START = 1_760_000_000


def hex32(value: int) -> str:
    """A 32-byte word as anvil's storage RPCs take it."""
    return "0x%064x" % value


def genesis_json() -> dict[str, Any]:
    """anvil's ``--init`` genesis: funded senders and authorities, placeholder contracts."""
    alloc: dict[str, Any] = {}
    for key in SENDERS:
        alloc["0x" + key.address.hex()] = {"balance": hex(10**24)}
    for key in (POOR, *AUTHORITIES):
        alloc["0x" + key.address.hex()] = {"balance": hex(10**18)}
    for address in (*CONTRACTS, predeploys.L1_BLOCK):
        alloc["0x" + address.hex()] = {"balance": "0x0", "code": "0x00"}
    alloc["0x" + COINBASE.hex()] = {"balance": "0x1"}
    forks = {f"{name}Block": 0 for name in (
        "homestead", "eip150", "eip155", "eip158", "byzantium", "constantinople", "petersburg",
        "istanbul", "berlin", "london")}
    return {
        "config": {"chainId": CHAIN_ID, **forks, "shanghaiTime": 0, "cancunTime": 0,
                   "pragueTime": 0},
        "nonce": "0x0", "timestamp": hex(T_START), "extraData": "0x", "gasLimit": hex(GAS_LIMIT),
        "difficulty": "0x0", "mixHash": "0x" + "00" * 32, "coinbase": "0x" + COINBASE.hex(),
        "baseFeePerGas": hex(10**6), "alloc": alloc,
    }  # fmt: skip


def call(url: str, method: str, *params: Any) -> tuple[Any, str | None]:
    """A JSON-RPC call: (result, None) or (None, error message)."""
    reply = httpx.post(url, json={"jsonrpc": "2.0", "id": 1, "method": method,
                                  "params": list(params)}, timeout=60).json()  # fmt: skip
    if "error" in reply:
        return None, str(reply["error"].get("message", reply["error"]))
    return reply["result"], None


def must(url: str, method: str, *params: Any) -> Any:
    """A JSON-RPC call that must succeed."""
    result, error = call(url, method, *params)
    if error is not None:
        raise RuntimeError(f"{method}: {error}")
    return result


@dataclass
class Counts:
    """What a campaign did, as the bench prints it."""

    blocks: int = 0
    txs: int = 0
    matches: int = 0
    mismatches: list[dict[str, Any]] = field(default_factory=list)
    rejected_on_submit: dict[str, int] = field(default_factory=dict)
    dropped_by_anvil: int = 0
    dropped_and_rejected_by_us: int = 0
    tx_kinds: dict[str, int] = field(default_factory=dict)
    receipts_failed: int = 0
    skipped_blocks: list[dict[str, Any]] = field(default_factory=list)
    known_divergences: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "blocks": self.blocks, "txs": self.txs, "matches": self.matches,
            "mismatch_count": len(self.mismatches), "mismatches": self.mismatches,
            "rejected_on_submit": self.rejected_on_submit,
            "dropped_by_anvil": self.dropped_by_anvil,
            "dropped_and_rejected_by_us": self.dropped_and_rejected_by_us,
            "tx_kinds": self.tx_kinds, "failed_receipts": self.receipts_failed,
            "skipped_blocks": self.skipped_blocks,
            "known_divergences": self.known_divergences,
        }  # fmt: skip


def _receipts(result: BlockResult) -> list[tuple[int, int, list[tuple[str, list[str], str]]]]:
    return [(r.status, r.cumulative_gas_used,
             [(log.address.hex(), [t.hex() for t in log.topics], log.data.hex())
              for log in r.logs]) for r in result.receipts]  # fmt: skip


def _anvil_receipts(receipts: list[Any]) -> list[tuple[int, int, list[tuple[str, list[str], str]]]]:
    return [(int(r["status"], 16), int(r["cumulativeGasUsed"], 16),
             [(log["address"][2:].lower(), [t[2:] for t in log["topics"]], log["data"][2:])
              for log in r["logs"]]) for r in receipts]  # fmt: skip


class Campaign:
    """One anvil node and the snapshot every random block starts from."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.headers: dict[bytes, bytes] = {}
        self.counts = Counts()
        must(url, "anvil_setCoinbase", "0x" + COINBASE.hex())
        for number in range(ANCESTORS):
            must(url, "evm_setNextBlockTimestamp", T_START + 2 * (number + 1))
            must(url, "evm_mine")
        for number in range(ANCESTORS + 1):
            block = must(url, "eth_getBlockByNumber", hex(number), False)
            header = Header.from_rpc(block)
            assert "0x" + header.hash.hex() == block["hash"], "anvil header hash differs"
            self.headers[header.hash] = header.encode()
        self.snapshot = must(url, "evm_snapshot")
        self.clock = T_START + 100
        self.block_clock = self.clock  # the clock before the current block's parent

    def restore(self) -> None:
        """Back to the snapshot (genesis plus empty ancestors), with an empty pool."""
        assert must(self.url, "evm_revert", self.snapshot)
        self.snapshot = must(self.url, "evm_snapshot")
        must(self.url, "anvil_dropAllTransactions")

    def _randomise(self, rng: random.Random, programs: Generator) -> None:
        url = self.url
        l1 = "0x" + predeploys.L1_BLOCK.hex()
        scalars = (rng.choice((1, rng.randrange(1, 20_000), 2**32 - 1)) << 96) | (
            rng.choice((0, rng.randrange(1, 2_000_000))) << 64)
        slots = {1: rng.choice((1, rng.randrange(1, 10**11))), 3: scalars,
                 5: rng.randrange(1, 5_000), 6: rng.randrange(1, 2_000_000),
                 7: rng.choice((1, rng.randrange(1, 10**10)))}  # fmt: skip
        if rng.random() < 0.7:  # operator fee on: scalar (offset 8, u32), constant (offset 0, u64)
            slots[8] = (rng.choice((1, rng.randrange(2**32))) << 64) | rng.choice(
                (0, rng.randrange(10**12), rng.randrange(2**64)))
            slots[8] = slots[8] or 1
        for slot, value in slots.items():
            must(url, "anvil_setStorageAt", l1, hex32(slot), hex32(value))
        for address in CONTRACTS:
            must(url, "anvil_setCode", "0x" + address.hex(), "0x" + programs.program().hex())
            for _ in range(rng.choice((0, 0, 1, 3))):
                must(url, "anvil_setStorageAt", "0x" + address.hex(), hex32(rng.randrange(12)),
                     hex32(rng.choice((1, rng.getrandbits(256) or 1))))  # fmt: skip
            if rng.random() < 0.5:
                must(url, "anvil_setBalance", "0x" + address.hex(), hex(rng.randrange(1, 10**18)))
        for key in AUTHORITIES:
            if rng.random() < 0.3:
                must(url, "anvil_setCode", "0x" + key.address.hex(),
                     "0x" + (b"\xef\x01\x00" + rng.choice(CONTRACTS)).hex())
        must(url, "anvil_setBalance", "0x" + POOR.address.hex(), hex(rng.randrange(1, 10**17)))
        for vault in VAULTS:
            if rng.random() < 0.3:
                must(url, "anvil_setBalance", "0x" + vault.hex(), hex(rng.randrange(1, 10**9)))

    def mine_parent(
        self, base_fee: int
    ) -> tuple[Header, dict[str, Any], dict[bytes, bytes]] | None:
        """Mine the empty parent P; return its header, anvil's dump and our pre-state nodes.

        None when the dump does not reproduce P's state root under Ethereum's rules.
        """
        url = self.url
        self.clock += 24
        must(url, "anvil_setNextBlockBaseFeePerGas", hex(base_fee))
        must(url, "evm_setNextBlockTimestamp", self.clock)
        must(url, "evm_mine")
        parent_rpc = must(url, "eth_getBlockByNumber", "latest", False)
        accounts = anvil_state(url)
        root, nodes = pre_state(accounts)
        if "0x" + root.hex() != parent_rpc["stateRoot"]:
            return None
        return Header.from_rpc(parent_rpc), accounts, nodes

    def base_fee(self, parent: Header) -> tuple[Any, int]:
        """Our rollup config for B (Holocene and Isthmus at B) and B's base fee."""
        timestamp = self.clock + 2
        cfg = h.config(holocene_time=timestamp, isthmus_time=timestamp)
        probe = PayloadAttributes(timestamp, bytes(32), COINBASE, bytes(32), GAS_LIMIT, (),
                                  eip1559_params=bytes(8))
        return cfg, header_fields(cfg, parent, probe, block_rules(cfg, timestamp)).base_fee

    def mine_block(self, base_fee: int) -> dict[str, Any]:
        """Mine B with the pending transactions at ``base_fee``; return it (JSON-RPC)."""
        must(self.url, "anvil_setNextBlockBaseFeePerGas", hex(base_fee))
        must(self.url, "evm_setNextBlockTimestamp", self.clock + 2)
        must(self.url, "evm_mine")
        block: dict[str, Any] = must(self.url, "eth_getBlockByNumber", "latest", False)
        return block

    def run_block(self, seed: int, leave_out: frozenset[bytes] = frozenset()) -> None:
        """Generate, run and compare one random block; update ``counts``.

        ``leave_out``: generated transactions not to submit (the re-run of ``_recheck``).
        """
        self.block_clock = self.clock
        rng = random.Random(seed)
        url = self.url
        self.restore()
        targets = Targets(contracts=CONTRACTS + tuple(k.address for k in AUTHORITIES),
                          accounts=tuple(k.address for k in (*SENDERS, POOR, *AUTHORITIES))
                          + (COINBASE,), empty=EMPTY)  # fmt: skip
        programs = Generator(rng, targets)
        self._randomise(rng, programs)
        parent_base_fee = rng.choice((1, 7, rng.randrange(1_000, 5 * 10**9)))
        mined = self.mine_parent(parent_base_fee)
        if mined is None:
            self.counts.skipped_blocks.append({"seed": seed, "why": "pre-state root differs"})
            return
        parent, accounts, nodes = mined
        cfg, base_fee = self.base_fee(parent)
        nonces = {bytes.fromhex(a[2:]): int(acc["nonce"]) for a, acc in accounts.items()}
        txgen = TxGenerator(rng, programs, CHAIN_ID, base_fee, SENDERS + (POOR,), AUTHORITIES,
                            nonces)  # fmt: skip
        plan = txgen.block(rng.randrange(1, 10), GAS_LIMIT)
        submitted: list[tuple[bytes, str]] = []
        for raw, kind in zip(plan.raw, plan.kinds, strict=True):
            if raw in leave_out:
                continue
            _, error = call(url, "eth_sendRawTransaction", "0x" + raw.hex())
            if error is not None:
                reason = error.split(":")[0][:60]
                self.counts.rejected_on_submit[reason] = \
                    self.counts.rejected_on_submit.get(reason, 0) + 1
                continue
            submitted.append((raw, kind))
        block = self.mine_block(base_fee)
        self._compare(seed, cfg, parent, nodes, block, submitted)

    def _compare(self, seed: int, cfg: Any, parent: Header, nodes: dict[bytes, bytes],
                 block: dict[str, Any], submitted: list[tuple[bytes, str]]) -> None:
        counts = self.counts
        by_hash = {"0x" + keccak256(raw).hex(): (raw, kind) for raw, kind in submitted}
        included = [by_hash[tx_hash] for tx_hash in block["transactions"]]
        preimages = {**nodes, **self.headers}

        def attributes(txs: list[bytes]) -> PayloadAttributes:
            return PayloadAttributes(
                timestamp=int(block["timestamp"], 16),
                prev_randao=bytes.fromhex(block["mixHash"][2:]),
                suggested_fee_recipient=bytes.fromhex(block["miner"][2:]),
                parent_beacon_block_root=bytes.fromhex(block["parentBeaconBlockRoot"][2:]),
                gas_limit=int(block["gasLimit"], 16), transactions=tuple(txs),
                eip1559_params=bytes(8))

        counts.blocks += 1
        counts.txs += len(included)
        for _, kind in included:
            counts.tx_kinds[kind] = counts.tx_kinds.get(kind, 0) + 1
        dropped = [i for i, item in enumerate(submitted) if item not in included]
        if dropped:
            counts.dropped_by_anvil += 1
            first = dropped[0]
            if submitted[:first] == included[:first]:
                try:
                    h.build(cfg, parent, attributes([raw for raw, _ in submitted[: first + 1]]),
                            preimages)  # fmt: skip
                    counts.mismatches.append({"seed": seed, "what": "anvil dropped a tx we accept",
                                              "index": first, "kind": submitted[first][1],
                                              "tx": submitted[first][0].hex()})  # fmt: skip
                except InvalidTransactionError as exc:
                    if exc.index == first:
                        counts.dropped_and_rejected_by_us += 1
        try:
            result = h.build(cfg, parent, attributes([raw for raw, _ in included]), preimages)
        except OpProgramError as exc:
            counts.mismatches.append({"seed": seed, "what": "we reject anvil's block",
                                      "error": str(exc)[:300],
                                      "kinds": [k for _, k in included]})  # fmt: skip
            return
        receipts = [must(self.url, "eth_getTransactionReceipt", tx) for tx in block["transactions"]]
        ours, theirs = _receipts(result), _anvil_receipts(receipts)
        problems: list[dict[str, Any]] = []
        for index, (mine, reference) in enumerate(zip(ours, theirs, strict=True)):
            counts.receipts_failed += reference[0] == 0
            if mine != reference:
                problems.append({"what": "receipt", "index": index, "kind": included[index][1],
                                 "ours": mine[:2], "anvil": reference[:2],
                                 "logs_equal": mine[2] == reference[2]})  # fmt: skip
                break
        if result.header.gas_used != int(block["gasUsed"], 16):
            problems.append({"what": "gas used", "ours": result.header.gas_used,
                             "anvil": int(block["gasUsed"], 16)})  # fmt: skip
        post = anvil_state(self.url)
        if dump_root(post, ethereum_rules=False) != bytes.fromhex(block["stateRoot"][2:]):
            problems.append({"what": "anvil's dump is not its block's state"})
        if result.header.state_root != dump_root(post, ethereum_rules=True):
            problems.append({"what": "state root",
                             "accounts": _account_diff(result, preimages, post)})
        if not problems:
            counts.matches += 1
        elif dropped and self._agrees_without(seed, [submitted[i][0] for i in dropped]):
            counts.known_divergences.append({
                "seed": seed, "why": "anvil kept the warm set of the transactions it dropped "
                "(revm issue 3779); mined without them it agrees with us",
                "dropped": len(dropped), "kinds": [k for _, k in included],
                "problems": problems})  # fmt: skip
        else:
            counts.mismatches.append({"seed": seed, "kinds": [k for _, k in included],
                                      "problems": problems})  # fmt: skip

    def _agrees_without(self, seed: int, dropped: list[bytes]) -> bool:
        """Whether block ``seed``, mined again without ``dropped``, matches ours in full.

        The same seed regenerates the same pre-state and transactions; the clock is rewound so
        the re-run has the original timestamps. Its counts are kept apart from the campaign's.
        """
        counts, clock = self.counts, self.clock
        self.counts, self.clock = Counts(), self.block_clock
        try:
            self.run_block(seed, leave_out=frozenset(dropped))
            return self.counts.matches == 1 and self.counts.dropped_by_anvil == 0
        finally:
            self.counts, self.clock = counts, clock


def _account_diff(result: BlockResult, preimages: dict[bytes, bytes],
                  post: dict[str, Any]) -> list[dict[str, Any]]:  # fmt: skip
    def node(digest: bytes) -> bytes:
        value = result.new_nodes.get(digest)
        return value if value is not None else preimages[digest]

    diffs = []
    for address_hex, account in post.items():
        raw = trie_get(result.header.state_root, keccak256(bytes.fromhex(address_hex[2:])), node)
        ours = None if raw is None else Account.decode(raw)
        theirs = None if is_empty(account) else account_leaf(account, True)
        if ours != theirs:
            diffs.append({"address": address_hex, "ours": _account_json(ours),
                          "anvil": _account_json(theirs)})
    return diffs[:10]


def _account_json(account: Account | None) -> dict[str, Any] | None:
    if account is None:
        return None
    return {"nonce": account.nonce, "balance": account.balance,
            "storage_root": account.storage_root.hex(), "code_hash": account.code_hash.hex()}


@contextmanager
def open_campaign() -> Iterator[Campaign]:
    """Start anvil (optimism, Isthmus) on the campaign genesis; yield its ``Campaign``."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "genesis.json"
        path.write_text(json.dumps(genesis_json()))
        with running_anvil(
            "--init", str(path), "--accounts", "0", "--network", "optimism", "--hardfork",
            "isthmus", "--no-mining", "--chain-id", str(CHAIN_ID), "--order", "fifo",
        ) as url:  # fmt: skip
            yield Campaign(url)


def run_campaign(seed: int, blocks: int | None = None, seconds: float | None = None) -> Counts:
    """Run blocks ``seed``, ``seed + 1``, … until ``blocks`` are done or ``seconds`` pass."""
    with open_campaign() as campaign:
        start = time.monotonic()
        index = 0
        while (blocks is None or index < blocks) and (
                seconds is None or time.monotonic() - start < seconds):
            campaign.run_block(seed + index)
            index += 1
        return campaign.counts
