"""The host's flags and environment variables, and their translation into a HostConfig.

Spec: DESIGN §8 (flag names, meanings and ``OP_PROGRAM_*`` variables as the reference
op-program host) and fault-proof/index.md, "Bootstrapping". Validation follows the reference:
exactly one of ``--network``/``--rollup.config``; ``--l2.genesis`` with (and only with) a custom
chain; the boot inputs are required; ``--datadir`` offline; ``--exec``/``--server`` exclusive.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from op_program.errors import ConfigError
from op_program.host.dialect import DIALECT_HELP, ClientDialect
from op_program.host.errors import HostConfigError
from op_program.host.kvstore.base import DataFormat
from op_program.redact import redact_url

if TYPE_CHECKING:
    from op_program.host.config import ChainSetup, HostConfig, RPCKind

ENV_PREFIX = "OP_PROGRAM_"
RPC_KINDS = ("alchemy", "quicknode", "infura", "parity", "nethermind", "debug_geth", "erigon",
             "basic", "any", "standard")
"""host.config.RPCKind values (a test keeps them equal): the chain configs load only when used."""


@dataclass(frozen=True, slots=True)
class Flag:
    """One host flag: its name, environment variable suffix, kind and help text."""

    name: str
    env: str
    help: str
    kind: str = "str"  # str, bool or u64


FLAGS = (
    Flag("l1.head", "L1_HEAD", "Hash of the L1 head block. Derivation stops after this block "
         "is processed."),
    Flag("l2.head", "L2_HEAD", "Hash of the L2 block at l2.outputroot"),
    Flag("l2.outputroot", "L2_OUTPUT_ROOT", "Agreed L2 Output Root to start derivation from"),
    Flag("l2.claim", "L2_CLAIM", "Claimed L2 output root to validate"),
    Flag("l2.blocknumber", "L2_BLOCK_NUM", "Number of the L2 block that the claim is from",
         "u64"),
    Flag("network", "NETWORK", "Predefined network selection (name or L2 chain id); see "
         "'op-program configs'"),
    Flag("rollup.config", "ROLLUP_CONFIG", "Rollup chain parameters (op-node rollup.json) of a "
         "custom chain"),
    Flag("l2.genesis", "L2_GENESIS", "Path to the op-geth genesis file (custom chains)"),
    Flag("l1.chainconfig", "L1_CHAIN_CONFIG", "Path to the L1 chain config or genesis JSON, for "
         "custom chains on an L1 the client does not know (served as local key 9)"),
    Flag("datadir", "DATADIR", "Directory to use for preimage data storage. Default uses "
         "in-memory storage"),
    Flag("data.format", "DATA_FORMAT", "Format to use for preimage data storage. Available "
         f"formats: {', '.join(f.value for f in DataFormat)}. An existing datadir keeps the "
         "format recorded in its kvformat file"),
    Flag("l1", "L1_RPC", "Address of L1 JSON-RPC endpoint to use (eth namespace required)"),
    Flag("l1.beacon", "L1_BEACON_API", "Address of L1 Beacon API endpoint to use"),
    Flag("l1.trustrpc", "L1_TRUST_RPC", "Trust the L1 RPC, sync faster at risk of "
         "malicious/buggy RPC providing bad or inconsistent L1 data (accepted for "
         "compatibility: this host checks every fetched value against its hash anyway)",
         "bool"),
    Flag("l1.rpckind", "L1_RPC_KIND", "The kind of RPC provider, used to inform optimal "
         "transactions receipts fetching. Valid options: "
         + ", ".join(RPC_KINDS)),
    Flag("l2", "L2_RPC", "Address of L2 JSON-RPC endpoint to use (eth and debug namespace "
         "required)"),
    Flag("l2.experimental", "L2_RPC_EXPERIMENTAL_RPC", "Address of L2 JSON-RPC endpoint to use "
         "for experimental features (debug_executionWitness)"),
    Flag("exec", "EXEC", "Run the specified client program as a separate process detached "
         "from the host. Default is to run the client program in the host process."),
    Flag("server", "SERVER", "Run in pre-image server mode without executing any client "
         "program.", "bool"),
    Flag("client.dialect", "CLIENT_DIALECT", DIALECT_HELP),
)
REQUIRED = ("l1.head", "l2.head", "l2.outputroot", "l2.claim", "l2.blocknumber")


def dest_of(name: str) -> str:
    """Return the argparse destination of flag ``name``."""
    return name.replace(".", "_")


def add_host_flags(parser: argparse.ArgumentParser, default: object = None) -> None:
    """Add every host flag; defaults are None so environment variables can fill them later.

    A subcommand that takes the host flags too (``witness generate``) passes
    ``argparse.SUPPRESS``: a flag it is not given then keeps the value given before the
    subcommand name instead of being reset.
    """
    group = parser.add_argument_group("host flags (env: OP_PROGRAM_<NAME>)")
    for flag in FLAGS:
        env = ENV_PREFIX + flag.env
        if flag.kind == "bool":
            group.add_argument(f"--{flag.name}", dest=dest_of(flag.name), action="store_const",
                               const="true", default=default, help=f"{flag.help} [${env}]")
        else:
            group.add_argument(f"--{flag.name}", dest=dest_of(flag.name), default=default,
                               metavar=flag.name.split(".")[-1].upper(),
                               help=f"{flag.help} [${env}]")


_TRUE = ("1", "t", "T", "TRUE", "true", "True")
_FALSE = ("0", "f", "F", "FALSE", "false", "False")
"""The spellings Go's strconv.ParseBool accepts (the reference reads boolean variables so)."""
URL_FLAGS = ("l1", "l1.beacon", "l2", "l2.experimental")


def _env_name(name: str) -> str:
    return ENV_PREFIX + next(f for f in FLAGS if f.name == name).env


def _value(args: argparse.Namespace, name: str) -> str | None:
    value = getattr(args, dest_of(name), None)
    if value is None:
        value = os.environ.get(_env_name(name))
    return value or None


def flag_value(args: argparse.Namespace, name: str) -> str | None:
    """The value of host flag ``name``: the flag, else its ``OP_PROGRAM_*`` variable, else None."""
    return _value(args, name)


def u64_flag(args: argparse.Namespace, name: str) -> int:
    """Host flag ``name`` as a u64, checked like the host checks it.

    Raises:
        HostConfigError: not a decimal or 0x number in the u64 range.
    """
    return _u64(args, name)


def _invalid(args: argparse.Namespace, name: str, problem: str) -> HostConfigError:
    """A usage error naming where the bad value came from: the flag or its variable."""
    if getattr(args, dest_of(name), None) is None:
        return HostConfigError(f"invalid value from environment variable {_env_name(name)} "
                               f"for flag {name}: {problem}")
    return HostConfigError(f"invalid {name}: {problem}")


def _bool(args: argparse.Namespace, name: str) -> bool:
    value = _value(args, name)
    if value is None:
        return False
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise _invalid(args, name, f"{value!r} is not a boolean")


def _hash(args: argparse.Namespace, name: str) -> bytes:
    text = _value(args, name) or ""
    body = text[2:] if text[:2] in ("0x", "0X") else text
    try:
        value = bytes.fromhex(body)
    except ValueError:
        value = b""
    if len(value) != 32 or len(body) != 64:
        raise _invalid(args, name, f"{text!r} is not a 32-byte hex hash")
    return value


def _u64(args: argparse.Namespace, name: str) -> int:
    text = _value(args, name) or ""
    try:
        value = int(text, 0) if text.lower().startswith("0x") else int(text, 10)
    except ValueError:
        raise _invalid(args, name, f"{text!r} is not a number") from None
    if not 0 <= value < 2**64:
        raise _invalid(args, name, f"{text!r} is out of the u64 range")
    return value


def _url(args: argparse.Namespace, name: str) -> str | None:
    """An RPC URL, refused before any work unless it is ``http(s)://host…`` (shown redacted)."""
    text = _value(args, name)
    if text is None:
        return None
    try:
        parts = urlsplit(text)
        ok = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
        ok = ok and (parts.port is None or parts.port > 0)
    except ValueError:  # a bad port or IPv6 literal
        ok = False
    if not ok:
        raise _invalid(args, name, f"{redact_url(text)} is not an http:// or https:// URL "
                                   "with a host")
    return text


def check_env(args: argparse.Namespace) -> None:
    """Check every set ``OP_PROGRAM_*`` host variable the way its flag is checked.

    The reference parses every variable before its flags override them, so a bad one is
    refused even when a flag or nothing at all uses it.

    Raises:
        HostConfigError: the first variable whose value its flag would refuse.
    """
    checks: dict[str, Callable[[argparse.Namespace, str], object]] = {
        "data.format": _data_format, "l1.rpckind": _rpc_kind,
              **{name: _url for name in URL_FLAGS}, **{name: _hash for name in REQUIRED}}
    for flag in FLAGS:
        if not os.environ.get(ENV_PREFIX + flag.env):
            continue
        env_only = argparse.Namespace(**{**vars(args), dest_of(flag.name): None})
        if flag.kind == "bool":
            _bool(env_only, flag.name)
        elif flag.kind == "u64":
            _u64(env_only, flag.name)
        elif flag.name in checks:
            checks[flag.name](env_only, flag.name)


def _chain(args: argparse.Namespace) -> ChainSetup:
    from op_program.config.registry import network_by_chain_id, network_by_name
    from op_program.host.config import ChainSetup, load_custom_chain

    network = _value(args, "network")
    rollup_path = _value(args, "rollup.config")
    genesis_path = _value(args, "l2.genesis")
    if network is None and rollup_path is None:
        raise HostConfigError("flag rollup.config or network is required")
    if network is not None and rollup_path is not None:
        raise HostConfigError("cannot specify both rollup.config and network")
    if network is None and genesis_path is None:
        raise HostConfigError("flag l2.genesis is required for custom networks")
    if network is not None and genesis_path is not None:
        raise HostConfigError("cannot specify both l2.genesis and network")
    if network is not None:
        try:
            known = (network_by_chain_id(int(network)) if network.isdigit()
                     else network_by_name(network))
        except ConfigError as exc:
            raise HostConfigError(f"invalid network: {exc}") from exc
        if known.alt_da or known.rollup.is_alt_da_enabled():
            raise HostConfigError(f"network {known.name} uses alt-DA, which this program does "
                                  "not support (its batcher data would not derive)")
        return ChainSetup(rollup=known.rollup, l2_chain_id=known.chain_id)
    assert rollup_path is not None and genesis_path is not None
    l1_path = _value(args, "l1.chainconfig")
    return load_custom_chain(Path(rollup_path), Path(genesis_path),
                             Path(l1_path) if l1_path else None)


def data_format_of(args: argparse.Namespace) -> DataFormat:
    """``--data.format`` (or its variable) as given to any subcommand that runs the host.

    Raises:
        HostConfigError: not a supported format.
    """
    return _data_format(args)


def _data_format(args: argparse.Namespace, _: str = "data.format") -> DataFormat:
    text = _value(args, "data.format") or DataFormat.DIRECTORY.value
    try:
        return DataFormat(text)
    except ValueError:
        supported = ", ".join(f.value for f in DataFormat)
        raise _invalid(args, "data.format",
                       f"{text!r} is not a data format (supported: {supported})") from None


def _rpc_kind(args: argparse.Namespace, _: str = "l1.rpckind") -> RPCKind:
    from op_program.host.config import RPCKind

    text = _value(args, "l1.rpckind") or RPCKind.STANDARD.value
    try:
        return RPCKind(text)
    except ValueError:
        raise _invalid(args, "l1.rpckind", f"unknown rpc kind: {text!r}") from None


def _dialect(args: argparse.Namespace) -> ClientDialect:
    text = _value(args, "client.dialect") or ClientDialect.OP_PROGRAM.value
    try:
        return ClientDialect(text)
    except ValueError:
        supported = ", ".join(d.value for d in ClientDialect)
        raise HostConfigError(f"invalid client.dialect: {text!r} (supported: {supported})"
                              ) from None


def host_config_from_args(args: argparse.Namespace) -> HostConfig:
    """Build and check the host config from parsed flags and ``OP_PROGRAM_*`` variables.

    Raises:
        HostConfigError: a usage error, with a one-line message.
    """
    from op_program.host.config import HostConfig

    check_env(args)
    urls = {name: _url(args, name) for name in URL_FLAGS}
    chain = _chain(args)
    for name in REQUIRED:
        if _value(args, name) is None:
            raise HostConfigError(f"flag {name} is required")
    claim_text = _value(args, "l2.claim") or ""
    datadir = _value(args, "datadir")
    return HostConfig(
        chain=chain,
        l1_head=_hash(args, "l1.head"),
        l2_head=_hash(args, "l2.head"),
        l2_output_root=_hash(args, "l2.outputroot"),
        l2_claim=_hash(args, "l2.claim") if claim_text else b"",
        l2_claim_block_number=_u64(args, "l2.blocknumber"),
        datadir=Path(datadir) if datadir else None,
        data_format=_data_format(args),
        l1_url=urls["l1"],
        l1_beacon_url=urls["l1.beacon"],
        l1_trust_rpc=_bool(args, "l1.trustrpc"),
        l1_rpc_kind=_rpc_kind(args),
        l2_url=urls["l2"],
        l2_experimental_url=urls["l2.experimental"],
        exec_cmd=_value(args, "exec"),
        server_mode=_bool(args, "server"),
        dialect=_dialect(args),
    ).check()
