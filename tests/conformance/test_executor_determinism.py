"""The executor asks the state source for the same keys in the same order on every run.

DESIGN §5: no set-order or hash-seed dependence on the client side (the preimage requests of two
runs must be identical). Two child processes with different PYTHONHASHSEED build the same real
block and report the digest of their request sequence.
"""

import os
import subprocess
import sys

import pytest

from tests.conformance.test_executor import EXECUTOR_FIXTURES

FIXTURE = EXECUTOR_FIXTURES / "op-mainnet-132798000"
SCRIPT = """
import hashlib, sys
from pathlib import Path
from op_program.cli.execute_block_cmd import load_fixture_dir
from op_program.executor.builder import build_block
fx = load_fixture_dir(Path(sys.argv[1]))
seq = []
class Recording:
    def node_by_hash(self, k): seq.append(k); return fx.preimages[k]
    def code_by_hash(self, k): seq.append(k); return fx.preimages[k]
    def header_by_hash(self, k): seq.append(k); return fx.preimages[k]
result = build_block(fx.config, fx.parent, fx.attributes, Recording())
assert result.block_hash == fx.expected_block_hash
print(len(seq), hashlib.sha256(b"".join(seq)).hexdigest())
"""


def requests_digest(seed: int) -> str:
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(FIXTURE)], env=env, check=True,
                         capture_output=True, text=True, timeout=600)
    return out.stdout.strip()


@pytest.mark.conformance
@pytest.mark.slow
def test_request_sequence_does_not_depend_on_the_hash_seed() -> None:
    digests = {requests_digest(seed) for seed in (1, 2, 3)}
    assert len(digests) == 1, digests
