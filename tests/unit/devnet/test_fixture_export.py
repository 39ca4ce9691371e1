"""A devnet block exported as an executor fixture rebuilds to the same hash from its files."""

import json
from pathlib import Path

import pytest

from op_program.cli.execute_block_cmd import execute_fixture, load_fixture_dir
from op_program.devnet.errors import DevnetError
from op_program.devnet.fixture_export import block_fixture, write_block_fixture
from op_program.devnet.network import Devnet, DevnetOptions


def test_exported_blocks_rebuild_from_their_fixture(tmp_path: Path) -> None:
    with Devnet(DevnetOptions(fork_offsets={"isthmus": 4, "jovian": None})) as devnet:
        devnet.mine_l1()
        wallet = devnet.wallet
        blocks = devnet.sequence([[wallet.transfer(devnet.bob.address, n)] for n in (1, 2, 3)])
        for block in blocks:
            out = write_block_fixture(devnet.sequencer, block.number, tmp_path / str(block.number))
            fixture = load_fixture_dir(out)
            result, _ = execute_fixture(fixture)
            assert result.block_hash == fixture.expected_block_hash == block.header.hash
            assert json.loads((out / "fixture.json").read_text())["executing_payload"][
                "transactions"][-1] == "0x" + block.transactions[-1].hex()
        # Isthmus blocks also carry the post-state path to the message passer (kona reads it).
        isthmus_block = blocks[-1]
        assert devnet.rollup.is_isthmus(isthmus_block.header.timestamp)
        _, with_path = block_fixture(devnet.sequencer, isthmus_block.number)
        assert isthmus_block.header.state_root in with_path
        with pytest.raises(DevnetError):
            block_fixture(devnet.sequencer, 0)
        with pytest.raises(DevnetError):
            block_fixture(devnet.sequencer, len(devnet.sequencer.blocks))
