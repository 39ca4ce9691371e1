"""Block rules: which OP forks, and so which EVM revision, apply at a block's timestamp.

Spec: specs/protocol/superchain-upgrades.md and each fork's exec-engine.md; the EVM follows
Ethereum's London+merge (Bedrock), Shanghai (Canyon), Cancun (Ecotone), Prague (Isthmus).
"""

from dataclasses import dataclass

from op_program.config.rollup import RollupConfig
from op_program.executor.evm_types import EvmRevision
from op_program.executor.fees.l1_cost import L1CostRules
from op_program.executor.precompiles import PrecompileRules


@dataclass(frozen=True, slots=True)
class BlockRules:
    """The fork flags of one block."""

    regolith: bool
    canyon: bool
    ecotone: bool
    fjord: bool
    granite: bool
    holocene: bool
    isthmus: bool
    jovian: bool
    karst: bool
    canyon_activation: bool

    @property
    def revision(self) -> EvmRevision:
        """The Ethereum EVM revision of this block."""
        if self.isthmus:
            return EvmRevision.PRAGUE
        if self.ecotone:
            return EvmRevision.CANCUN
        if self.canyon:
            return EvmRevision.SHANGHAI
        return EvmRevision.PARIS

    @property
    def l1_cost(self) -> L1CostRules:
        """The rules of the L1 data fee formula."""
        return L1CostRules(regolith=self.regolith, ecotone=self.ecotone, fjord=self.fjord)

    @property
    def precompiles(self) -> PrecompileRules:
        """The rules of the OP precompile set."""
        return PrecompileRules(
            fjord=self.fjord, granite=self.granite, isthmus=self.isthmus, jovian=self.jovian,
            karst=self.karst,
        )


def block_rules(config: RollupConfig, timestamp: int) -> BlockRules:
    """The rules of the L2 block at ``timestamp``."""
    canyon_time = config.hardforks.canyon_time
    return BlockRules(
        regolith=config.is_regolith(timestamp),
        canyon=config.is_canyon(timestamp),
        ecotone=config.is_ecotone(timestamp),
        fjord=config.is_fjord(timestamp),
        granite=config.is_granite(timestamp),
        holocene=config.is_holocene(timestamp),
        isthmus=config.is_isthmus(timestamp),
        jovian=config.is_jovian(timestamp),
        karst=config.is_karst(timestamp),
        # op-geth EnsureCreate2Deployer: exactly the block at the configured Canyon time.
        canyon_activation=canyon_time is not None and canyon_time == timestamp,
    )
