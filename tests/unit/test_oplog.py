import json
import logging

import pytest

from op_program import oplog


def record(msg: object, *args: object) -> logging.LogRecord:
    return logging.LogRecord("t", logging.INFO, __file__, 1, msg, args or None, None)


@pytest.mark.parametrize(("msg", "args", "message", "fields"), [
    ("Program bootstrapped l1_head=0x%s number=%d", ("ab", 7), "Program bootstrapped",
     [("l1_head", "0xab"), ("number", 7)]),
    ("dropping frame: %s channel=0x%s", ("too big", "00"), "dropping frame: too big",
     [("channel", "0x00")]),
    ("retry attempt=%d/%d delay=%.2fs", (1, 8, 0.25), "retry", [("attempt", "1/8"),
                                                               ("delay", "0.25s")]),
    ("no fields at %d", (3,), "no fields at 3", []),
    ("100%% done", (), "100%% done", []),
    ("value=%s", ("has key=val inside",), "", [("value", "has key=val inside")]),
    ("count=%d", (True,), "", [("count", "1")]),
])
def test_message_and_fields(msg: str, args: tuple[object, ...], message: str,
                            fields: list[tuple[str, object]]) -> None:
    assert oplog.message_and_fields(record(msg, *args)) == (message, fields)


def test_unsplittable_records_keep_the_whole_message() -> None:
    rec = logging.LogRecord("t", logging.INFO, __file__, 1, "a=%(x)s", ({"x": 1},), None)
    assert oplog.message_and_fields(rec) == ("a=1", [])
    assert oplog.message_and_fields(record(ValueError("boom"))) == ("boom", [])


@pytest.mark.parametrize(("text", "level"), [("TRACE", 5), ("trce", 5), ("Debug", 10),
                                             ("dbug", 10), ("INFO", 20), ("warn", 30),
                                             ("ERROR", 40), ("eror", 40), ("Crit", 50)])
def test_levels_are_read_like_go(text: str, level: int) -> None:
    assert oplog.parse_level(text) == level


@pytest.mark.parametrize("text", ["warning", "fatal", "", "5"])
def test_unknown_levels(text: str) -> None:
    with pytest.raises(ValueError, match="unknown level"):
        oplog.parse_level(text)


def test_logfmt_quotes_only_when_needed_and_json_has_own_keys(
        capsys: pytest.CaptureFixture[str]) -> None:
    oplog.setup_logging("info", "logfmt")
    logging.getLogger("t").info("Hello world a=%s b=%s c=%s", "plain", "two words", "")
    line = capsys.readouterr().err.strip()
    assert line.split(" ", 2)[1] == "lvl=info"
    assert line.endswith('msg="Hello world" a=plain b="two words" c=""')
    oplog.setup_logging("info", "json")
    logging.getLogger("t").warning("Hello a=%s n=%d", 'q"uote', 3)
    obj = json.loads(capsys.readouterr().err)
    assert list(obj) == ["t", "lvl", "msg", "a", "n"]
    assert obj["lvl"] == "warn" and obj["a"] == 'q"uote' and obj["n"] == 3


def test_child_env_follows_the_setup() -> None:
    oplog.setup_logging("DEBUG", "JSON")
    assert oplog.child_env() == {oplog.LEVEL_ENV: "debug", oplog.FORMAT_ENV: "json"}
    oplog.setup_logging()
