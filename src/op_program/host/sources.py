"""Building the RPC sources the prefetcher fetches from, out of the host config.

Spec: fault-proof/index.md, "Host"; DESIGN §8 (``--l1``, ``--l1.beacon``, ``--l1.rpckind``,
``--l2``, ``--l2.experimental``). Only built when fetching is enabled. Each source's retry policy
names its endpoint, scheme and host only (op_program.redact), for its logs and errors.
"""

import logging
from dataclasses import dataclass, replace

from op_program.host.config import HostConfig
from op_program.host.hint_handlers import Sources
from op_program.host.rpc.beacon import BeaconSource
from op_program.host.rpc.eth import EthSource
from op_program.host.rpc.jsonrpc import BeaconHttpClient, HttpLimits, JsonRpcClient
from op_program.host.rpc.l2 import L2Source
from op_program.host.rpc.retry import RetryPolicy
from op_program.redact import redact_url

_log = logging.getLogger("op_program.host")


@dataclass(frozen=True, slots=True)
class OpenSources:
    """The sources and the HTTP clients to close when the run ends."""

    sources: Sources
    clients: tuple[JsonRpcClient | BeaconHttpClient, ...]

    def close(self) -> None:
        """Close every HTTP client."""
        for client in self.clients:
            client.close()


def open_sources(config: HostConfig, retry: RetryPolicy | None = None,
                 timeout: float = 30.0, limits: HttpLimits | None = None) -> OpenSources:
    """Create the L1, beacon and L2 sources of a fetching host.

    ``limits`` (per request: deadline, reply size cap) defaults to the config's
    ``rpc_deadline`` and ``rpc_max_response_bytes`` with ``timeout`` as the per-read timeout.
    """
    assert config.l1_url and config.l2_url and config.l1_beacon_url
    policy = retry or RetryPolicy()
    l1_name, beacon_name, l2_name = (f"{what} {redact_url(url)}" for what, url in (
        ("L1", config.l1_url), ("beacon", config.l1_beacon_url), ("L2", config.l2_url)))
    _log.info("Fetching missing preimages from nodes l1=%s beacon=%s l2=%s",
              redact_url(config.l1_url), redact_url(config.l1_beacon_url),
              redact_url(config.l2_url))
    limits = limits or HttpLimits(read_timeout=timeout, deadline=config.rpc_deadline,
                                  max_response_bytes=config.rpc_max_response_bytes)
    l1 = JsonRpcClient(config.l1_url, limits=limits)
    l2 = JsonRpcClient(config.l2_url, limits=limits)
    beacon = BeaconHttpClient(config.l1_beacon_url, limits=limits)
    experimental = (JsonRpcClient(config.l2_experimental_url, limits=limits)
                    if config.l2_experimental_url else None)
    sources = Sources(
        l1=EthSource(l1, replace(policy, endpoint=l1_name), config.l1_rpc_kind),
        beacon=BeaconSource(beacon, replace(policy, endpoint=beacon_name)),
        l2=L2Source(l2, replace(policy, endpoint=l2_name), experimental),
        l2_head=config.l2_head,
        l2_chain_id=config.chain.l2_chain_id,
    )
    clients: tuple[JsonRpcClient | BeaconHttpClient, ...] = (l1, l2, beacon)
    if experimental is not None:
        clients += (experimental,)
    return OpenSources(sources, clients)
