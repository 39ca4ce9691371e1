import logging

import pytest

from op_program import oplog
from op_program.redact import REDACTED, redact_url, redact_urls_in


@pytest.mark.parametrize(("url", "shown"), [
    ("https://eth-mainnet.g.alchemy.com/v2/MY-SECRET-API-KEY", "https://eth-mainnet.g.alchemy.com"),
    ("https://rpc.example/?apikey=MY-SECRET", "https://rpc.example"),
    ("http://user:MY-SECRET@10.0.0.1:8545/x?y=z#f", "http://10.0.0.1:8545"),
    ("HTTPS://Node.Example:443/MY-SECRET", "https://node.example:443"),
    ("http://[::1]:8545/MY-SECRET", "http://[::1]:8545"),
    ("wss://host/ws/MY-SECRET", "wss://host"),
])
def test_redact_url_keeps_scheme_and_host_only(url: str, shown: str) -> None:
    assert redact_url(url) == shown
    assert "SECRET" not in redact_url(url)


@pytest.mark.parametrize("bad", ["", "MY-SECRET", "host:8545/MY-SECRET", "http://h:port/MY-SECRET",
                                 "://MY-SECRET", "http:///MY-SECRET"])
def test_unparseable_urls_are_never_echoed(bad: str) -> None:
    assert redact_url(bad) == REDACTED


def test_redact_urls_in_text() -> None:
    text = 'ConnectError for "https://a:MY-SECRET@h.io/v2/MY-SECRET?k=MY-SECRET" and http://x/MY-SECRET'
    out = redact_urls_in(text)
    assert "SECRET" not in out
    assert "https://h.io" in out and "http://x" in out
    assert redact_urls_in("L1 http://127.0.0.1:8545: header 0x1 (see http://h/K).") == (
        "L1 http://127.0.0.1:8545: header 0x1 (see http://h).")


@pytest.mark.parametrize("fmt", oplog.FORMATS)
def test_every_format_redacts_and_quietens_httpx(
        fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    oplog.setup_logging("trace", fmt)
    logging.getLogger("op_program.t").debug("RPC call url=%s", "https://h/v2/MY-SECRET")
    logging.getLogger("op_program.t").log(oplog.TRACE, "err=%s", "GET https://u:MY-SECRET@h/")
    logging.getLogger("httpx").info('HTTP Request: POST https://h/v2/MY-SECRET "HTTP/1.1 200 OK"')
    logging.getLogger("httpcore.http11").debug("send_request_headers.started")
    err = capsys.readouterr().err
    assert "SECRET" not in err
    assert "HTTP Request" not in err and "send_request" not in err
    assert err.count("https://h") == 2
