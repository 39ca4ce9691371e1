"""``op-program demo --client PATH``: other clients judge the demo's claim through our host.

kona-client on every fork set the devnet has through Jovian and the pre-2025 Go op-program client
up to Granite (its last fork), with calldata and blob batches: the sequencer's claim exits 0, a
wrong claim 1. kona-client exits 1 for every error too, so its 1 must come with its invalid-claim
verdict in the log (``InvalidClaim``); the Go client prints "Claim successfully verified" or
logs "Claim is invalid" with both roots.
"""

import pytest

from op_program.cli.main import main
from op_program.devnet.genesis import FORKS
from tests.crossclient.reference import reference_binary

WRONG = "0x" + "22" * 32
LATER = FORKS[FORKS.index("ecotone"):]
"""Forks scheduled after Delta, in order; a fork set is 'every fork up to one of them'."""


def _forks_up_to(last: str | None) -> str:
    """The demo's --forks value activating every fork up to ``last`` (None: up to Delta)."""
    start = 0 if last is None else LATER.index(last) + 1
    return ",".join(f"{fork}=none" for fork in LATER[start:])


KONA_SETS = (None, *LATER)
GO_SETS = (None, "ecotone", "fjord", "granite")
CLIENTS = {"kona": ("kona-client", "kona", "InvalidClaim("),
           "go": ("op-program-client-go", "op-program-2024", "Claim is invalid")}


def _cases() -> list[tuple[str, str | None, bool]]:
    """Every fork set of each client with calldata, and with blobs from Ecotone on (the host
    writes an lmdb datadir: a blob is one write, not 4096 files; about 5 s per blob demo)."""
    cases = []
    for client, sets in (("kona", KONA_SETS), ("go", GO_SETS)):
        for last in sets:
            cases.append((client, last, False))
            if last is not None:
                cases.append((client, last, True))
    return cases


@pytest.mark.parametrize(("client", "last", "blobs"), _cases())
def test_demo_client_judges_claims(client: str, last: str | None, blobs: bool,
                                   capfd: pytest.CaptureFixture[str]) -> None:
    binary, dialect, invalid_marker = CLIENTS[client]
    path = str(reference_binary(binary))
    # lmdb datadir (the demo's directory default is tests/e2e/test_demo_cmd.py's)
    argv = ["--log.level", "info", "--client.dialect", dialect, "--data.format", "lmdb",
            "demo", "--client", path,
            "--forks", _forks_up_to(last), *(["--blobs"] if blobs else [])]
    assert main(argv) == 0
    assert invalid_marker not in "".join(capfd.readouterr())
    assert main([*argv, "--claim", WRONG]) == 1
    assert invalid_marker in "".join(capfd.readouterr())
