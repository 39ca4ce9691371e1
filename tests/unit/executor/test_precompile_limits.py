"""OP precompile input limits at the boundary, in the real EVM (no reference node applies them).

granite/exec-engine.md: bn256Pairing input <= 112,687 bytes; isthmus/exec-engine.md: BLS12-381
G1 MSM <= 513,760, G2 MSM <= 488,448, pairing <= 235,008 bytes; jovian/exec-engine.md: 81,984
(427 pairs), 288,960 (1,806 pairs), 278,784 (968 pairs), 156,672 (408 pairs); karst: bn256Pairing
57,600 (300 pairs). Over the limit the call fails and consumes all the gas given to it. anvil
1.7.1 in optimism mode applies only the Granite and Isthmus limits whatever --hardfork says, so
the Jovian and Karst ones are checked here against the spec text: one byte over the limit fails
in the EVM, and at the limit the input reaches the precompile (a stand-in that records it, since
evaluating ~300 KB of points in pure Python takes tens of seconds).
"""

from typing import Any

import pytest

from op_program.executor.evm_types import EvmRevision
from op_program.executor.precompile_table import precompile_table
from op_program.executor.precompiles import PrecompileRules
from tests.integration.precompile_probe import Fork, LocalProbe

GRANITE = PrecompileRules(fjord=True, granite=True)
ISTHMUS = PrecompileRules(fjord=True, granite=True, isthmus=True)
JOVIAN = PrecompileRules(fjord=True, granite=True, isthmus=True, jovian=True)
KARST = PrecompileRules(fjord=True, granite=True, isthmus=True, jovian=True, karst=True)
LIMITS = [
    (GRANITE, 0x08, 112_687), (ISTHMUS, 0x08, 112_687), (ISTHMUS, 0x0C, 513_760),
    (ISTHMUS, 0x0E, 488_448), (ISTHMUS, 0x0F, 235_008), (JOVIAN, 0x08, 81_984),
    (JOVIAN, 0x0C, 288_960), (JOVIAN, 0x0E, 278_784), (JOVIAN, 0x0F, 156_672),
    (KARST, 0x08, 57_600), (KARST, 0x0C, 288_960), (KARST, 0x0E, 278_784),
    (KARST, 0x0F, 156_672),
]


class _Failure(Exception):
    pass


class _Msg:
    def __init__(self, data: bytes) -> None:
        self.data = data


class _State:
    op_accelerator = None


class _Computation:
    def __init__(self, data: bytes) -> None:
        self.msg = _Msg(data)
        self.state = _State()


@pytest.mark.parametrize("rules, address, limit", LIMITS)
def test_input_at_the_limit_reaches_the_precompile_and_one_byte_more_fails(
        rules: PrecompileRules, address: int, limit: int) -> None:
    seen: list[int] = []

    def inner(computation: Any) -> Any:
        seen.append(len(computation.msg.data))
        return computation

    key = address.to_bytes(20, "big")
    run = precompile_table({key: inner}, rules, _Failure)[key]
    run(_Computation(bytes(limit)))
    assert seen == [limit]
    with pytest.raises(_Failure):
        run(_Computation(bytes(limit + 1)))
    assert seen == [limit]


@pytest.mark.parametrize("rules, address, size", [
    (JOVIAN, 0x08, 192 * 428), (JOVIAN, 0x0C, 160 * 1807), (JOVIAN, 0x0E, 288 * 969),
    (JOVIAN, 0x0F, 384 * 409), (KARST, 0x08, 192 * 301),
])
def test_one_pair_over_the_limit_fails_with_all_gas_in_the_evm(
        rules: PrecompileRules, address: int, size: int) -> None:
    probe = LocalProbe(Fork("op", (), EvmRevision.PRAGUE, rules))
    result = probe.call(address, bytes(size), 30_000_000)
    assert (result.success, result.gas, result.output) == (False, 30_000_000, b"")
