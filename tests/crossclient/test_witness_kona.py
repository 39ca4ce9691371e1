"""A kv.bin witness generated for kona-client proves under kona's own host, offline.

``op-program witness generate --exec kona-client --client.dialect kona OUT/kv.bin``: our host
serves kona-client online, keeps what it was served, re-proves offline with kona-client, and
writes kona-host-kvbin's flat kv.bin. kona-host-kvbin (``single --native``: kona's client built
into kona's host, no RPC flags) then judges the claim from that file alone: 0 for the right
claim, 1 for a wrong one, and the file with one value changed is never a verdict for the right
claim (kona's 1 covers every error, so a tampered witness must not give 0).
"""

import subprocess
from pathlib import Path

import pytest

from op_program.cli.main import main
from op_program.devnet.host_run import write_chain_files
from op_program.devnet.rpc_server import serve_devnet
from op_program.encoding.hex import bytes_to_hex
from op_program.host.kvbin import decode_kvbin, encode_kvbin
from tests.crossclient.reference import reference_binary
from tests.e2e.scenarios import SCENARIOS

pytestmark = pytest.mark.e2e

WRONG_CLAIM = "0x" + "22" * 32


def _kona_offline(host: Path, data_dir: Path, boot: dict[str, str], claim: str,
                  chain: tuple[Path, Path, Path]) -> subprocess.CompletedProcess[str]:
    rollup, _, l1 = chain
    argv = [str(host), "single", "--native", "--data-dir", str(data_dir),
            "--l1-head", boot["l1"], "--agreed-l2-head-hash", boot["l2_head"],
            "--agreed-l2-output-root", boot["agreed"], "--claimed-l2-output-root", claim,
            "--claimed-l2-block-number", boot["number"],
            "--rollup-config-path", str(rollup), "--l1-config-path", str(l1)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)


def test_kvbin_witness_proves_under_kona_host(tmp_path: Path) -> None:
    kona_client = reference_binary("kona-client")
    kona_host = reference_binary("kona-host-kvbin")
    scenario = SCENARIOS["blobs-span-zlib"]()
    devnet = scenario.devnet
    inputs = devnet.proof_inputs(scenario.agreed, scenario.claimed, None, scenario.l1_head)
    chain = write_chain_files(inputs, tmp_path / "chain")
    boot = {"l1": bytes_to_hex(inputs.l1_head), "l2_head": bytes_to_hex(inputs.l2_head),
            "agreed": bytes_to_hex(inputs.agreed_output_root),
            "claim": bytes_to_hex(inputs.claimed_output_root),
            "number": str(inputs.claimed_block_number)}
    data_dir = tmp_path / "kona"
    with serve_devnet(devnet.l1, devnet.sequencer, devnet.rollup.l2_chain_id) as endpoints:
        code = main([
            "witness", "generate", "--l1", endpoints.l1, "--l1.beacon", endpoints.beacon,
            "--l2", endpoints.l2, "--rollup.config", str(chain[0]), "--l2.genesis",
            str(chain[1]), "--l1.chainconfig", str(chain[2]), "--l1.head", boot["l1"],
            "--l2.head", boot["l2_head"], "--l2.outputroot", boot["agreed"],
            "--l2.claim", boot["claim"], "--l2.blocknumber", boot["number"],
            "--exec", str(kona_client), "--client.dialect", "kona",
            str(data_dir / "kv.bin")])  # fmt: skip
    assert code == 0
    right = _kona_offline(kona_host, data_dir, boot, boot["claim"], chain)
    assert right.returncode == 0, right.stdout[-2000:] + right.stderr[-2000:]
    wrong = _kona_offline(kona_host, data_dir, boot, WRONG_CLAIM, chain)
    assert wrong.returncode == 1
    assert "Failed to validate L2 block" in wrong.stdout + wrong.stderr  # a verdict, not an error

    records = list(decode_kvbin((data_dir / "kv.bin").read_bytes()))
    index = next(i for i, (key, _) in enumerate(records)
                 if key[1:] == inputs.l2_head[1:] and key[0] == 2)  # the agreed L2 header
    key, value = records[index]
    records[index] = (key, value[:-1] + bytes([value[-1] ^ 1]))
    tampered = tmp_path / "tampered"
    tampered.mkdir()
    (tampered / "kv.bin").write_bytes(encode_kvbin(records))
    assert _kona_offline(kona_host, tampered, boot, boot["claim"], chain).returncode != 0
