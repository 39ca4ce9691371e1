import json
from pathlib import Path

import pytest

from op_program.cli.host_flags import host_config_from_args
from op_program.cli.main import build_parser, main
from op_program.host.config import RPCKind
from op_program.host.errors import HostConfigError
from op_program.host.kvstore.base import DataFormat
from op_program.local_keys import CUSTOM_CHAIN_ID

H = {name: "0x" + c * 64 for name, c in
     (("l1.head", "1"), ("l2.head", "2"), ("l2.outputroot", "3"), ("l2.claim", "4"))}
BOOT = [x for name, value in H.items() for x in (f"--{name}", value)] + ["--l2.blocknumber", "9"]


def config(argv: list[str]):  # type: ignore[no-untyped-def]
    return host_config_from_args(build_parser().parse_args(argv))


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("OP_PROGRAM_"):
            monkeypatch.delenv(name)


def test_known_network_offline(tmp_path: Path) -> None:
    cfg = config([*BOOT, "--network", "op-sepolia", "--datadir", str(tmp_path)])
    assert cfg.chain.l2_chain_id == 11155420 and not cfg.chain.custom
    assert cfg.l1_head == b"\x11" * 32 and cfg.l2_claim_block_number == 9
    assert cfg.data_format is DataFormat.DIRECTORY and cfg.l1_rpc_kind is RPCKind.STANDARD
    assert not cfg.fetching_enabled
    by_id = config([*BOOT, "--network", "11155420", "--datadir", str(tmp_path)])
    assert by_id.chain.l2_chain_id == 11155420


def test_env_vars_fill_flags(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OP_PROGRAM_NETWORK", "op-mainnet")
    monkeypatch.setenv("OP_PROGRAM_DATADIR", str(tmp_path))
    monkeypatch.setenv("OP_PROGRAM_L1_HEAD", H["l1.head"])
    monkeypatch.setenv("OP_PROGRAM_L2_HEAD", H["l2.head"])
    monkeypatch.setenv("OP_PROGRAM_L2_OUTPUT_ROOT", H["l2.outputroot"])
    monkeypatch.setenv("OP_PROGRAM_L2_CLAIM", H["l2.claim"])
    monkeypatch.setenv("OP_PROGRAM_L2_BLOCK_NUM", "12")
    monkeypatch.setenv("OP_PROGRAM_L1_RPC_KIND", "debug_geth")
    monkeypatch.setenv("OP_PROGRAM_SERVER", "true")
    monkeypatch.setenv("OP_PROGRAM_DATA_FORMAT", "lmdb")
    cfg = config([])
    assert cfg.chain.l2_chain_id == 10 and cfg.l2_claim_block_number == 12
    assert cfg.l1_rpc_kind is RPCKind.DEBUG_GETH and cfg.server_mode
    assert cfg.data_format is DataFormat.LMDB
    # flags win over the environment
    assert config(["--l2.blocknumber", "13"]).l2_claim_block_number == 13


@pytest.mark.parametrize(("extra", "message"), [
    ([], "flag rollup.config or network is required"),
    (["--network", "op-sepolia", "--rollup.config", "r.json"], "cannot specify both"),
    (["--rollup.config", "r.json"], "flag l2.genesis is required for custom networks"),
    (["--network", "op-sepolia", "--l2.genesis", "g.json"], "cannot specify both l2.genesis"),
    (["--network", "nope"], "invalid network"),
    (["--network", "op-sepolia"], "datadir must be specified"),
    (["--network", "op-sepolia", "--datadir", "d", "--exec", "x", "--server"],
     "exec command must not be set when in server mode"),
    (["--network", "op-sepolia", "--l1", "http://a"], "l1 and l2 options"),
    (["--network", "op-sepolia", "--datadir", "d", "--data.format", "pebble"],
     "invalid data.format"),
    (["--network", "op-sepolia", "--datadir", "d", "--l1.rpckind", "x"], "unknown rpc kind"),
])
def test_validation_rules(extra: list[str], message: str) -> None:
    with pytest.raises(HostConfigError, match=message):
        config([*BOOT, *extra])


def test_required_and_malformed_boot_inputs() -> None:
    with pytest.raises(HostConfigError, match="flag l2.claim is required"):
        config([*BOOT[:6], "--l2.blocknumber", "9", "--network", "op-sepolia"])
    bad = [*BOOT, "--network", "op-sepolia", "--datadir", "d"]
    bad[1] = "0x1234"
    with pytest.raises(HostConfigError, match="invalid l1.head"):
        config(bad)
    zero = [*BOOT, "--network", "op-sepolia", "--datadir", "d"]
    zero[3] = "0x" + "0" * 64
    with pytest.raises(HostConfigError, match="invalid l2.head"):
        config(zero)
    with pytest.raises(HostConfigError, match="invalid l2.blocknumber"):
        config([*BOOT[:-1], "0", "--network", "op-sepolia", "--datadir", "d"])
    with pytest.raises(HostConfigError, match="not a number"):
        config([*BOOT[:-1], "x", "--network", "op-sepolia", "--datadir", "d"])


def test_zero_claim_allowed(tmp_path: Path) -> None:
    argv = [*BOOT, "--network", "op-sepolia", "--datadir", str(tmp_path)]
    argv[7] = "0x" + "0" * 64
    assert config(argv).l2_claim == bytes(32)


def test_custom_chain_serves_config_json(tmp_path: Path) -> None:
    from op_program.config.registry import network_by_name
    from op_program.config.rollup_json import rollup_config_to_json
    from op_program.host.kvstore.local import local_preimages
    from op_program.preimage.keys import local_key

    rollup = tmp_path / "rollup.json"
    rollup.write_text(json.dumps(rollup_config_to_json(network_by_name("op-sepolia").rollup)))
    genesis = tmp_path / "genesis.json"
    genesis.write_text(json.dumps({"config": {"chainId": 11155420, "homesteadBlock": 0}}))
    cfg = config([*BOOT, "--rollup.config", str(rollup), "--l2.genesis", str(genesis),
                  "--datadir", str(tmp_path)])
    assert cfg.chain.custom
    served = local_preimages(cfg)
    assert served[local_key(5)] == CUSTOM_CHAIN_ID.to_bytes(8, "big")
    assert json.loads(served[local_key(6)])["chainId"] == 11155420
    assert json.loads(served[local_key(7)])["l2_chain_id"] == 11155420
    assert served[local_key(4)] == (9).to_bytes(8, "big")
    known = local_preimages(config([*BOOT, "--network", "op-sepolia", "--datadir", "d"]))
    assert local_key(6) not in known and known[local_key(5)] == (11155420).to_bytes(8, "big")


def test_custom_chain_bad_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    with pytest.raises(HostConfigError, match="not JSON"):
        config([*BOOT, "--rollup.config", str(bad), "--l2.genesis", str(bad)])
    with pytest.raises(HostConfigError, match="cannot read"):
        config([*BOOT, "--rollup.config", str(tmp_path / "x"), "--l2.genesis", str(bad)])


def test_usage_errors_are_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--network", "op-sepolia"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["op-program: error: flag l1.head is required"]
    assert main(["--no-such-flag"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("op-program: error:")
    assert "Traceback" not in capsys.readouterr().err


def test_help_lists_every_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for flag in ("--l1.head", "--l2.head", "--l2.outputroot", "--l2.claim", "--l2.blocknumber",
                 "--network", "--rollup.config", "--l2.genesis", "--datadir", "--data.format",
                 "--l1", "--l1.beacon", "--l1.trustrpc", "--l1.rpckind", "--l2",
                 "--l2.experimental", "--exec", "--server", "--log.level", "--log.format",
                 "OP_PROGRAM_L1_HEAD", "witness", "configs"):
        assert flag in out


def test_configs_lists_networks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["configs"]) == 0
    out = capsys.readouterr().out
    for name in ("op-mainnet", "op-sepolia", "base", "base-sepolia", "unichain", "ink"):
        assert name in out
    assert main(["configs", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"name": "op-sepolia", "l2_chain_id": 11155420}.items() <= next(
        r for r in rows if r["name"] == "op-sepolia").items()


def test_log_formats(capsys: pytest.CaptureFixture[str]) -> None:
    import logging

    from op_program.oplog import setup_logging

    for fmt, check in (("json", lambda s: json.loads(s)["msg"] == "hello"
                        and json.loads(s)["x"] == 1),
                       ("logfmt", lambda s: " lvl=info msg=hello x=1" in s),
                       ("text", lambda s: s.startswith("INFO  [") and s.endswith("hello x=1"))):
        setup_logging("info", fmt)
        logging.getLogger("t").info("hello x=%d", 1)
        logging.getLogger("t").debug("hidden")
        line = capsys.readouterr().err.strip()
        assert "\n" not in line and check(line), (fmt, line)


def test_custom_chain_l1_config_served_as_key_9(tmp_path: Path) -> None:
    from op_program.config.registry import network_by_name
    from op_program.config.rollup_json import rollup_config_to_json
    from op_program.host.kvstore.local import local_preimages
    from op_program.preimage.keys import local_key

    rollup = tmp_path / "rollup.json"
    rollup.write_text(json.dumps(rollup_config_to_json(network_by_name("op-sepolia").rollup)))
    genesis = tmp_path / "genesis.json"
    genesis.write_text(json.dumps({"config": {"chainId": 11155420}}))
    l1 = tmp_path / "l1.json"
    l1.write_text(json.dumps({"config": {"chainId": 900, "cancunTime": 0}}))
    cfg = config([*BOOT, "--rollup.config", str(rollup), "--l2.genesis", str(genesis),
                  "--l1.chainconfig", str(l1), "--datadir", str(tmp_path)])
    assert json.loads(local_preimages(cfg)[local_key(9)]) == {"chainId": 900, "cancunTime": 0}


def test_a_host_run_does_not_import_the_tool_subcommands() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from op_program.cli.main import build_parser\n"
        f"build_parser({[*BOOT, '--network', 'op-sepolia']!r}).parse_args({BOOT!r})\n"
        "print(sorted(m for m in sys.modules if m.startswith(('op_program.cli.', "
        "'op_program.devnet'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "demo_cmd" not in out and "op_program.devnet" not in out
    assert "op_program.cli.host_flags" in out


def test_unknown_subcommand_gets_the_full_parsers_message(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nope"]) == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'nope'" in err and "'witness'" in err and "'demo'" in err
    assert main(["--datadir", "demo", "--help"]) == 0  # a flag value equal to a command name
