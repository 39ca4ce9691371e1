"""Executor fixtures: one real L2 block to rebuild (``tests/fixtures/executor`` format).

Spec: DESIGN §8 (``execute-block FIXTURE_DIR``); fixtures/README.md (``fixture.json`` with
``rollup_config``, ``parent_header`` as JSON-RPC, ``executing_payload`` attributes and
``expected_block_hash``; ``preimages.json.gz`` mapping keccak256 → value). Parsing only; the
caller reads the files.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from op_program.config.rollup import RollupConfig
from op_program.config.rollup_json import parse_rollup_config
from op_program.encoding.errors import HexDecodeError
from op_program.encoding.hex import hex_to_bytes
from op_program.errors import DecodeError, OpProgramError
from op_program.protocol.attributes import PayloadAttributes
from op_program.protocol.header import Header


class FixtureError(DecodeError):
    """A fixture that is missing a part or has a malformed one."""


@dataclass(frozen=True, slots=True)
class BlockFixture:
    """Everything needed to rebuild one block and check it."""

    config: RollupConfig
    parent: Header
    attributes: PayloadAttributes
    expected_block_hash: bytes
    preimages: Mapping[bytes, bytes]


def parse_preimages(obj: Mapping[str, str]) -> dict[bytes, bytes]:
    """Parse ``{"0x<hash>": "0x<value>"}``.

    Raises:
        FixtureError: a key or value that is not hex.
    """
    try:
        return {hex_to_bytes(k, 32): hex_to_bytes(v) for k, v in obj.items()}
    except (HexDecodeError, AttributeError, TypeError) as exc:
        raise FixtureError(f"malformed preimages: {exc}") from exc


def parse_fixture(fixture: Mapping[str, Any], preimages: Mapping[str, str]) -> BlockFixture:
    """Parse ``fixture.json`` (already loaded) and the preimage object.

    Raises:
        FixtureError: a missing or malformed part.
    """
    try:
        return BlockFixture(
            config=parse_rollup_config(fixture["rollup_config"]),
            parent=Header.from_rpc(fixture["parent_header"]),
            attributes=PayloadAttributes.from_json(fixture["executing_payload"]),
            expected_block_hash=hex_to_bytes(fixture["expected_block_hash"], 32),
            preimages=parse_preimages(preimages),
        )
    except KeyError as exc:
        raise FixtureError(f"fixture lacks {exc}") from exc
    except (OpProgramError, TypeError) as exc:
        if isinstance(exc, FixtureError):
            raise
        raise FixtureError(f"malformed fixture: {exc}") from exc
