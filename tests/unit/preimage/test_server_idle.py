"""OracleServer.idle: False exactly while a request is in flight (issue 11, --server signals)."""

from op_program.preimage.channel import pipe_channel_pair
from op_program.preimage.keys import local_key
from op_program.preimage.server import OracleServer


def test_idle_only_between_requests() -> None:
    host_end, client_end = pipe_channel_pair()
    server = OracleServer(host_end)
    seen: list[bool] = []

    def getter(key: bytes) -> bytes:
        seen.append(server.idle)
        return b"value"

    assert server.idle
    client_end.write_all(local_key(1))
    assert server.next_request(getter)
    assert seen == [False] and server.idle
    assert client_end.read_exact(8 + 5) == (5).to_bytes(8, "big") + b"value"
    client_end.close()
    assert not server.next_request(getter) and server.idle
    host_end.close()
