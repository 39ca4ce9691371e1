"""``op-program`` as a drop-in for scripts written for the Go op-program (issue 11, point 3)."""

from pathlib import Path

import pytest

from op_program.cli.main import main
from op_program.host.errors import RPCError
from op_program.host.rpc.retry import RetryPolicy

H = "0x" + "11" * 32
BOOT = ["--l1.head", H, "--l2.head", H, "--l2.outputroot", H, "--l2.claim", H,
        "--l2.blocknumber", "5", "--datadir", "never-created"]
KEY = "Sekr1tApiKey"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("OP_PROGRAM_"):
            monkeypatch.delenv(name)


def usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("op-program: error: ") and "\n" not in err, err
    return err.removeprefix("op-program: error: ")


@pytest.mark.parametrize("level", ["DEBUG", "Info", "warn", "TRACE", "crit", "eror", "dbug"])
def test_log_levels_are_case_insensitive(level: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--log.level", level, "configs"]) == 0
    capsys.readouterr()


def test_unknown_level_and_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert "unknown level: bogus" in usage_error(["--log.level", "BOGUS", "configs"], capsys)
    assert "log format" in usage_error(["--log.format", "xml", "configs"], capsys)


@pytest.mark.parametrize(("name", "value", "flag"), [
    ("OP_PROGRAM_LOG_LEVEL", "loud", "log.level"),
    ("OP_PROGRAM_LOG_FORMAT", "xml", "log.format"),
    ("OP_PROGRAM_L2_BLOCK_NUM", "abc", "l2.blocknumber"),
    ("OP_PROGRAM_L2_BLOCK_NUM", "-1", "l2.blocknumber"),
    ("OP_PROGRAM_L1_HEAD", "0x1234", "l1.head"),
    ("OP_PROGRAM_SERVER", "yes", "server"),
    ("OP_PROGRAM_L1_TRUST_RPC", "on", "l1.trustrpc"),
    ("OP_PROGRAM_DATA_FORMAT", "pebble", "data.format"),
    ("OP_PROGRAM_L1_RPC_KIND", "nope", "l1.rpckind"),
    ("OP_PROGRAM_L1_RPC", f"ftp://u:{KEY}@host/{KEY}", "l1"),
    ("OP_PROGRAM_L1_BEACON_API", f"not a url {KEY}", "l1.beacon"),
])
def test_env_values_are_checked_like_their_flags(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        name: str, value: str, flag: str) -> None:
    monkeypatch.setenv(name, value)
    message = usage_error([*BOOT, "--network", "op-sepolia"], capsys)
    assert name in message and f"flag {flag}" in message
    assert KEY not in message


@pytest.mark.parametrize(("name", "value"), [("OP_PROGRAM_LOG_COLOR", "yes"),
                                           ("OP_PROGRAM_LOG_PID", "2")])
def test_log_bool_variables_are_checked(monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str],
                                        name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    assert name in usage_error(["configs"], capsys)
    monkeypatch.setenv(name, "TRUE")
    assert main(["configs"]) == 0


def test_env_values_that_flags_accept_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    from op_program.cli.host_flags import host_config_from_args
    from op_program.cli.main import build_parser

    monkeypatch.setenv("OP_PROGRAM_LOG_LEVEL", "DEBUG")
    monkeypatch.setenv("OP_PROGRAM_SERVER", "True")
    monkeypatch.setenv("OP_PROGRAM_L2_BLOCK_NUM", "0x10")
    cfg = host_config_from_args(build_parser().parse_args(
        [a for a in BOOT if a not in ("--l2.blocknumber", "5")] + ["--network", "sepolia"]))
    assert not Path("never-created").exists()
    assert cfg.server_mode and cfg.l2_claim_block_number == 16
    assert cfg.chain.l2_chain_id == 11155420


@pytest.mark.parametrize("argv", [["--x"], ["--x=1", "configs"], ["--l1.h", H],
                                  ["--network", "op-sepolia", "--nope", "v"]])
def test_unknown_flag(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    wanted = next(a for a in argv if a.startswith("--") and a.split("=")[0] not in
                  ("--network",)).split("=")[0]
    assert usage_error(argv, capsys) == f"unknown flag {wanted}"


@pytest.mark.parametrize(("flag", "url"), [
    ("--l1", f"http://u:{KEY}@host:port/{KEY}"),
    ("--l2", f"localhost:8545/{KEY}"),
    ("--l1.beacon", f"ws://beacon/{KEY}"),
    ("--l2.experimental", f"https:///{KEY}"),
])
def test_malformed_rpc_url_is_refused_before_any_work(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str, url: str) -> None:
    good = {"--l1": "http://127.0.0.1:1", "--l2": "http://127.0.0.1:1",
            "--l1.beacon": "http://127.0.0.1:1"}
    good[flag] = url
    datadir = tmp_path / "data"
    argv = [*BOOT, "--network", "op-sepolia", "--datadir", str(datadir),
            *[x for pair in good.items() for x in pair]]
    message = usage_error(argv, capsys)
    assert message.startswith(f"invalid {flag[2:]}: ") and KEY not in message
    assert not datadir.exists()


@pytest.mark.parametrize(("name", "chain_id"), [
    ("sepolia", 11155420), ("mainnet", 10), ("MAINNET", 10), ("op-mainnet", 10),
    ("worldchain-mainnet", 480), ("mode-mainnet", 34443), ("zora-mainnet", 7777777),
    ("lisk-mainnet", 1135), ("base-mainnet", 8453), ("metal-sepolia", 1740),
    ("race-mainnet", 6805), ("tbn-mainnet", 624), ("zora-sepolia", 999999999)])
def test_go_network_names(name: str, chain_id: int) -> None:
    from op_program.cli.host_flags import host_config_from_args
    from op_program.cli.main import build_parser

    cfg = host_config_from_args(build_parser().parse_args([*BOOT, "--network", name]))
    assert cfg.chain.l2_chain_id == chain_id


@pytest.mark.parametrize("name", ["cyber-mainnet", "celo-mainnet", "lyra-mainnet"])
def test_alt_da_networks_are_known_but_refused(name: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert "alt-DA" in usage_error([*BOOT, "--network", name], capsys)


@pytest.mark.parametrize("endpoint", ["L1 https://l1.example", "beacon https://b.example",
                                      "L2 http://127.0.0.1:9545"])
def test_fetch_errors_name_the_endpoint(endpoint: str) -> None:
    def fail() -> None:
        raise RPCError("eth_getBlockByHash: ConnectError: refused by https://x/v2/" + KEY)

    policy = RetryPolicy(max_attempts=2, base_delay=0, sleep=lambda _: None, endpoint=endpoint)
    with pytest.raises(RPCError) as info:
        policy.run("header 0x11", fail)
    assert str(info.value).startswith(f"{endpoint}: header 0x11 failed after 2 attempt(s): ")
    assert KEY not in str(info.value)
