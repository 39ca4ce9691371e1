"""Network-upgrade deposit transactions of each fork's activation block (derivation.md, per fork).

Spec: "Network upgrade automation transactions" in ecotone/, fjord/, isthmus/ and jovian/
``derivation.md`` (and interop). Granite and Holocene have none. Each transaction is a deposit
with an "upgrade-deposited" source hash (domain 2) of its intent string; deployments create the
new implementation at ``CREATE(from, nonce 0)``, and proxy updates call ``upgradeTo(address)``
on the predeploy proxy. Jovian uses op-node's intent strings (e.g. "Jovian: L1 Block
Deployment"), which differ from the spec text; the implementations are authoritative.
"""

from dataclasses import dataclass
from importlib import resources

from op_program.encoding.hashing import keccak256
from op_program.encoding.rlp import rlp_encode
from op_program.protocol.deposits import upgrade_deposit_source_hash
from op_program.protocol.predeploys import (
    CROSS_L2_INBOX,
    GAS_PRICE_ORACLE,
    L1_BLOCK,
    L1_INFO_DEPOSITOR,
    L2_TO_L2_CROSS_DOMAIN_MESSENGER,
    OPERATOR_FEE_VAULT,
)
from op_program.protocol.transactions import DepositTransaction

ZERO_ADDRESS = bytes(20)
UPGRADE_TO_SELECTOR = bytes.fromhex("3659cfe6")

# EIP-4788 and EIP-2935 system contracts: sender and creation code fixed by the EIPs
# (quoted in ecotone/derivation.md and isthmus/derivation.md).
EIP4788_DEPLOYER = bytes.fromhex("0b799c86a49deeb90402691f1041aa3af2d3c875")
EIP4788_CREATION_CODE = bytes.fromhex(
    "60618060095f395ff33373fffffffffffffffffffffffffffffffffffffffe14604d57602036146024575f5ffd"
    "5b5f35801560495762001fff810690815414603c575f5ffd5b62001fff01545f5260205ff35b5f5ffd5b6200"
    "1fff42064281555f359062001fff015500"
)
EIP2935_DEPLOYER = bytes.fromhex("3462413af4609098e1e27a490f554f260213d685")
EIP2935_CREATION_CODE = bytes.fromhex(
    "60538060095f395ff33373fffffffffffffffffffffffffffffffffffffffe14604657602036036042575f3560"
    "0143038111604257611fff81430311604257611fff9006545f5260205ff35b5f5ffd5b5f35611fff6001430306"
    "5500"
)


def bytecode(name: str) -> bytes:
    """Load a deployment bytecode shipped as package data (``bytecode/<name>.hex``)."""
    text = resources.files(__package__).joinpath("bytecode", f"{name}.hex").read_text()
    return bytes.fromhex(text.strip())


def create_address(sender: bytes, nonce: int = 0) -> bytes:
    """Return the address a CREATE from ``sender`` at ``nonce`` deploys to."""
    return keccak256(rlp_encode([sender, nonce]))[12:]


def upgrade_to_calldata(implementation: bytes) -> bytes:
    """Return ``upgradeTo(implementation)`` calldata for an ERC-1967 proxy."""
    return UPGRADE_TO_SELECTOR + bytes(12) + implementation


@dataclass(frozen=True, slots=True)
class _Deploy:
    intent: str
    sender: bytes
    gas: int
    code: bytes


def _deposit(
    intent: str, sender: bytes, to: bytes | None, gas: int, data: bytes
) -> DepositTransaction:
    return DepositTransaction(
        source_hash=upgrade_deposit_source_hash(intent),
        from_address=sender,
        to=to,
        mint=0,
        value=0,
        gas=gas,
        is_system_tx=False,
        data=data,
    )


def _deploy(spec: _Deploy) -> DepositTransaction:
    return _deposit(spec.intent, spec.sender, None, spec.gas, spec.code)


def _proxy_update(intent: str, proxy: bytes, deployer: bytes) -> DepositTransaction:
    calldata = upgrade_to_calldata(create_address(deployer))
    return _deposit(intent, ZERO_ADDRESS, proxy, 50_000, calldata)


def _gas_price_oracle_set(fork: str, gas: int) -> DepositTransaction:
    # "<Fork>: Gas Price Oracle Set <Fork>" calling set<Fork>() from the depositor account.
    calldata = keccak256(f"set{fork}()".encode())[:4]
    intent = f"{fork}: Gas Price Oracle Set {fork}"
    return _deposit(intent, L1_INFO_DEPOSITOR, GAS_PRICE_ORACLE, gas, calldata)


def _deployer(index: int, prefix: str = "4210") -> bytes:
    return bytes.fromhex(prefix + "00" * 17 + f"{index:02x}")


def ecotone_upgrade_transactions() -> list[DepositTransaction]:
    """The six Ecotone activation-block deposits, in order."""
    l1_block = _Deploy(
        "Ecotone: L1 Block Deployment", _deployer(0), 375_000,
        bytecode("ecotone-l1-block-deployment"),
    )
    gpo = _Deploy(
        "Ecotone: Gas Price Oracle Deployment", _deployer(1), 1_000_000,
        bytecode("ecotone-gas-price-oracle-deployment"),
    )
    return [
        _deploy(l1_block),
        _deploy(gpo),
        _proxy_update("Ecotone: L1 Block Proxy Update", L1_BLOCK, l1_block.sender),
        _proxy_update("Ecotone: Gas Price Oracle Proxy Update", GAS_PRICE_ORACLE, gpo.sender),
        _gas_price_oracle_set("Ecotone", 80_000),
        _deposit(
            "Ecotone: beacon block roots contract deployment", EIP4788_DEPLOYER, None,
            250_000, EIP4788_CREATION_CODE,
        ),
    ]


def fjord_upgrade_transactions() -> list[DepositTransaction]:
    """The three Fjord activation-block deposits, in order."""
    gpo = _Deploy(
        "Fjord: Gas Price Oracle Deployment", _deployer(2), 1_450_000,
        bytecode("fjord-gas-price-oracle-deployment"),
    )
    return [
        _deploy(gpo),
        _proxy_update("Fjord: Gas Price Oracle Proxy Update", GAS_PRICE_ORACLE, gpo.sender),
        _gas_price_oracle_set("Fjord", 90_000),
    ]


def isthmus_upgrade_transactions() -> list[DepositTransaction]:
    """The eight Isthmus activation-block deposits, in order."""
    l1_block = _Deploy(
        "Isthmus: L1 Block Deployment", _deployer(3), 425_000,
        bytecode("isthmus-l1-block-deployment"),
    )
    gpo = _Deploy(
        "Isthmus: Gas Price Oracle Deployment", _deployer(4), 1_625_000,
        bytecode("isthmus-gas-price-oracle-deployment"),
    )
    vault = _Deploy(
        "Isthmus: Operator Fee Vault Deployment", _deployer(5), 500_000,
        bytecode("isthmus-operator-fee-deployment"),
    )
    return [
        _deploy(l1_block),
        _deploy(gpo),
        _deploy(vault),
        _proxy_update("Isthmus: L1 Block Proxy Update", L1_BLOCK, l1_block.sender),
        _proxy_update("Isthmus: Gas Price Oracle Proxy Update", GAS_PRICE_ORACLE, gpo.sender),
        _proxy_update(
            "Isthmus: Operator Fee Vault Proxy Update", OPERATOR_FEE_VAULT, vault.sender
        ),
        _gas_price_oracle_set("Isthmus", 90_000),
        _deposit(
            "Isthmus: EIP-2935 Contract Deployment", EIP2935_DEPLOYER, None, 250_000,
            EIP2935_CREATION_CODE,
        ),
    ]


def jovian_upgrade_transactions() -> list[DepositTransaction]:
    """The five Jovian activation-block deposits, in op-node's order and intents."""
    l1_block = _Deploy(
        "Jovian: L1 Block Deployment", _deployer(6), 447_315,
        bytecode("jovian-l1-block-deployment"),
    )
    gpo = _Deploy(
        "Jovian: Gas Price Oracle Deployment", _deployer(7), 1_750_714,
        bytecode("jovian-gas-price-oracle-deployment"),
    )
    return [
        _deploy(l1_block),
        _proxy_update("Jovian: L1 Block Proxy Update", L1_BLOCK, l1_block.sender),
        _deploy(gpo),
        _proxy_update("Jovian: Gas Price Oracle Proxy Update", GAS_PRICE_ORACLE, gpo.sender),
        _gas_price_oracle_set("Jovian", 90_000),
    ]


def interop_upgrade_transactions() -> list[DepositTransaction]:
    """The four Interop activation-block deposits (Interop is not a supported fork yet)."""
    inbox = _Deploy(
        "Interop: CrossL2Inbox Deployment", _deployer(0, "4220"), 420_000,
        bytecode("interop-cross-l2-inbox-deployment"),
    )
    messenger = _Deploy(
        "Interop: L2ToL2CrossDomainMessenger Deployment", _deployer(1, "4220"), 1_100_000,
        bytecode("interop-l2-to-l2-cross-domain-messenger-deployment"),
    )
    return [
        _deploy(inbox),
        _proxy_update("Interop: CrossL2Inbox Proxy Update", CROSS_L2_INBOX, inbox.sender),
        _deploy(messenger),
        _proxy_update(
            "Interop: L2ToL2CrossDomainMessenger Proxy Update", L2_TO_L2_CROSS_DOMAIN_MESSENGER,
            messenger.sender,
        ),
    ]


def upgrade_transactions(fork: str) -> list[DepositTransaction]:
    """Return the activation-block deposits of ``fork`` (lower-case name); [] when it has none."""
    builders = {
        "ecotone": ecotone_upgrade_transactions,
        "fjord": fjord_upgrade_transactions,
        "isthmus": isthmus_upgrade_transactions,
        "jovian": jovian_upgrade_transactions,
        "interop": interop_upgrade_transactions,
    }
    builder = builders.get(fork)
    return builder() if builder else []
