"""Predeploy and system addresses of an OP Stack L2: the one place each address is written.

Spec: protocol/predeploys.md (L2 predeploy proxies and fee vaults), protocol/deposits.md
("L1 Attributes Depositor Account"), EIP-4788 and EIP-2935 (system contracts, also deployed by
the Ecotone and Isthmus network-upgrade transactions, and the system address that calls them),
protocol/canyon/overview.md (create2deployer), interop/predeploys.md.
"""

L1_INFO_DEPOSITOR = bytes.fromhex("deaddeaddeaddeaddeaddeaddeaddeaddead0001")
"""Sender of the L1-info deposit and of the network-upgrade calls into the GasPriceOracle."""

L1_BLOCK = bytes.fromhex("4200000000000000000000000000000000000015")
GAS_PRICE_ORACLE = bytes.fromhex("420000000000000000000000000000000000000f")
L2_TO_L1_MESSAGE_PASSER = bytes.fromhex("4200000000000000000000000000000000000016")
SEQUENCER_FEE_VAULT = bytes.fromhex("4200000000000000000000000000000000000011")
BASE_FEE_VAULT = bytes.fromhex("4200000000000000000000000000000000000019")
L1_FEE_VAULT = bytes.fromhex("420000000000000000000000000000000000001a")
OPERATOR_FEE_VAULT = bytes.fromhex("420000000000000000000000000000000000001b")
CROSS_L2_INBOX = bytes.fromhex("4200000000000000000000000000000000000022")
L2_TO_L2_CROSS_DOMAIN_MESSENGER = bytes.fromhex("4200000000000000000000000000000000000023")

BEACON_ROOTS = bytes.fromhex("000f3df6d732807ef1319fb7b8bb8522d0beac02")
"""EIP-4788 beacon block root contract."""
HISTORY_STORAGE = bytes.fromhex("0000f90827f1c53a10cb7a02335b175320002935")
"""EIP-2935 block hash history contract."""

SYSTEM_ADDRESS = bytes.fromhex("fffffffffffffffffffffffffffffffffffffffe")
"""EIP-4788 / EIP-2935 system address: caller of the beacon-roots and history system calls."""
CREATE2_DEPLOYER = bytes.fromhex("13b0d85ccb8bf860b6b79af3029fca081ae9bef2")
"""The create2deployer contract installed at the Canyon activation block (canyon/overview.md)."""
