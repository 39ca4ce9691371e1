"""Log output shared by the host and the client: levels, formats, secret-free lines.

Why: scripts written for the Go op-program parse its logs. Its ``logfmt`` lines are
``t=<time> lvl=<level> msg="<message>" key=value …`` and its ``json`` lines are objects with
``t``, ``lvl``, ``msg`` and one member per field; levels are named trace, debug, info, warn,
error, crit and parsed case-insensitively (also the legacy trce/dbug/eror). This module gives
the same shape (DESIGN §7). Our log calls follow the Go convention in their format string,
``log.info("Message key=%s other=%d", a, b)``: the text before the first ``key=`` is the
message and each ``key=…`` segment is one field, formatted with its own arguments.

The ``--exec`` child logs like its host: the host's settings travel in the environment
(:data:`LEVEL_ENV`, :data:`FORMAT_ENV`, the host's own variable names), see :func:`child_env`.
Every finished line goes through :func:`op_program.redact.redact_urls_in`, and the HTTP
libraries' loggers are held at WARNING, so no RPC URL with a key reaches the output.
"""

import json
import logging
import re
import sys
import time
from functools import lru_cache
from typing import Any, TextIO

from op_program.redact import redact_urls_in

TRACE = 5
LEVEL_ENV = "OP_PROGRAM_LOG_LEVEL"
FORMAT_ENV = "OP_PROGRAM_LOG_FORMAT"
LEVEL_NAMES = ("trace", "debug", "info", "warn", "error", "crit")
FORMATS = ("text", "terminal", "logfmt", "json", "json-pretty")
DEFAULT_LEVEL = "info"
DEFAULT_FORMAT = "text"
QUIET_LOGGERS = ("httpx", "httpcore", "hpack", "urllib3")
"""Foreign loggers that print request URLs (with their keys) at info/debug: kept at WARNING."""

_LEVELS = {
    "trace": TRACE, "trce": TRACE, "debug": logging.DEBUG, "dbug": logging.DEBUG,
    "info": logging.INFO, "warn": logging.WARNING, "error": logging.ERROR,
    "eror": logging.ERROR, "crit": logging.CRITICAL,
}
_NAMES = {TRACE: "trace", logging.DEBUG: "debug", logging.INFO: "info",
          logging.WARNING: "warn", logging.ERROR: "error", logging.CRITICAL: "crit"}
_KEY = re.compile(r"(?:(?<=\s)|^)([A-Za-z_][A-Za-z0-9_.]*)=")
_CONVERSION = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[a-zA-Z%]")
_BARE = re.compile(r"[^\s=\"\\\x00-\x1f\x7f]+")

_settings = {"level": DEFAULT_LEVEL, "format": DEFAULT_FORMAT}


def parse_level(text: str) -> int:
    """Return the numeric level of a level name, as Go's ``LevelFromString`` reads it.

    Raises:
        ValueError: ``unknown level: <name>``.
    """
    value = _LEVELS.get(text.strip().lower())
    if value is None:
        raise ValueError(f"unknown level: {text.strip().lower()}")
    return value


def parse_format(text: str) -> str:
    """Return the canonical format name.

    Raises:
        ValueError: not one of :data:`FORMATS`.
    """
    name = text.strip().lower()
    if name not in FORMATS:
        raise ValueError(f"unrecognized log format: {text!r} (supported: {', '.join(FORMATS)})")
    return name


def level_name(levelno: int) -> str:
    """The Go name of a numeric level (levels between names round down)."""
    best = max((n for n in _NAMES if n <= levelno), default=TRACE)
    return _NAMES[best]


@lru_cache(maxsize=1024)
def _split_template(template: str) -> tuple[tuple[str, str, int], ...] | None:
    """Split ``"Msg k=%s j=%d"`` into ``(("", "Msg", n0), ("k", "%s", 1), ("j", "%d", 1))``.

    The third member is how many %-arguments the segment consumes. None when the template uses
    ``*`` widths or mapping keys, which cannot be split by position.
    """
    if "%(" in template or "*" in "".join(_CONVERSION.findall(template)):
        return None
    matches = list(_KEY.finditer(template))
    bounds = [m.start() for m in matches] + [len(template)]
    segments = [("", template[: bounds[0]].rstrip(), 0)]
    for match, end in zip(matches, bounds[1:], strict=True):
        segments.append((match.group(1), template[match.end():end].rstrip(), 0))
    return tuple((key, text, sum(1 for c in _CONVERSION.findall(text) if c != "%%"))
                 for key, text, _ in segments)


def message_and_fields(record: logging.LogRecord) -> tuple[str, list[tuple[str, Any]]]:
    """Return a record's message and its ``key=value`` fields, each value formatted alone.

    A field that is exactly ``%d`` of an int keeps the int (a JSON number, as in Go's logs).
    """
    template = record.msg if isinstance(record.msg, str) else None
    # logging applies % only when there are arguments; a mapping cannot be split by position.
    args: tuple[Any, ...] = record.args if isinstance(record.args, tuple) else ()
    if template is not None and (record.args is None or isinstance(record.args, tuple)):
        segments = _split_template(template)
        if segments is not None and (not args or sum(s[2] for s in segments) == len(args)):
            try:
                values: list[tuple[str, Any]] = []
                position = 0
                for key, text, count in segments:
                    chunk = args[position:position + count]
                    position += count
                    number = text == "%d" and type(chunk[0]) is int
                    values.append((key, chunk[0] if number else text % chunk if args else text))
                return str(values[0][1]), values[1:]
            except (TypeError, ValueError):
                pass
    return record.getMessage(), []


def _quote(value: Any) -> str:
    text = str(value)
    if text and _BARE.fullmatch(text):
        return text
    return json.dumps(text, ensure_ascii=False)


class _Formatter(logging.Formatter):
    """Common ground: exception text as a field, URL redaction of the finished line."""

    def format(self, record: logging.LogRecord) -> str:
        """Format one record and redact every URL in it."""
        message, fields = message_and_fields(record)
        if record.exc_info:
            fields.append(("exc", self.formatException(record.exc_info)))
        return redact_urls_in(self.render(record, message, fields))

    def render(self, record: logging.LogRecord, message: str,
               fields: list[tuple[str, Any]]) -> str:
        """Lay out one record (subclasses)."""
        raise NotImplementedError


class LogfmtFormatter(_Formatter):
    """``t=2006-01-02T15:04:05+0000 lvl=info msg="…" key=value`` (Go's logfmt)."""

    def render(self, record: logging.LogRecord, message: str,
               fields: list[tuple[str, Any]]) -> str:
        """One logfmt line; values quoted only when they need it."""
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(record.created))
        parts = [f"t={stamp}", f"lvl={level_name(record.levelno)}", f"msg={_quote(message)}"]
        parts += [f"{key}={_quote(value)}" for key, value in fields]
        return " ".join(parts)


class JsonFormatter(_Formatter):
    """``{"t": …, "lvl": …, "msg": …, "key": "value", …}`` (Go's json handler)."""

    indent: int | None = None

    def render(self, record: logging.LogRecord, message: str,
               fields: list[tuple[str, Any]]) -> str:
        """One JSON object; a field never overwrites t, lvl or msg."""
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        obj: dict[str, Any] = {"t": f"{stamp}.{int(record.created % 1 * 1e6):06d}Z",
                               "lvl": level_name(record.levelno), "msg": message}
        for key, value in fields:
            obj[key if key not in obj else f"field.{key}"] = value
        return json.dumps(obj, ensure_ascii=False, indent=self.indent)


class PrettyJsonFormatter(JsonFormatter):
    """``json-pretty``: the json object, indented."""

    indent = 2


class TextFormatter(_Formatter):
    """``INFO [12-03|08:42:58.819] Message key=value`` for people at a terminal."""

    def render(self, record: logging.LogRecord, message: str,
               fields: list[tuple[str, Any]]) -> str:
        """One human line: level, short time, message, then the fields."""
        stamp = time.strftime("%m-%d|%H:%M:%S", time.gmtime(record.created))
        trace = fields.pop()[1] if record.exc_info else None  # the traceback, on its own lines
        level = level_name(record.levelno).upper()
        line = f"{level:<5} [{stamp}.{int(record.msecs):03d}] {message}"
        if fields:
            line += " " + " ".join(f"{key}={_quote(value)}" for key, value in fields)
        return line if trace is None else f"{line}\n{trace}"


def formatter_for(fmt: str) -> logging.Formatter:
    """The formatter of a format name (``terminal`` is ``text``)."""
    return {"json": JsonFormatter, "json-pretty": PrettyJsonFormatter,
            "logfmt": LogfmtFormatter}.get(fmt, TextFormatter)()


def setup_logging(level: str = DEFAULT_LEVEL, fmt: str = DEFAULT_FORMAT,
                  stream: TextIO | None = None) -> None:
    """Configure the root logger of this process (stderr by default).

    Raises:
        ValueError: unknown level or format.
    """
    numeric, fmt = parse_level(level), parse_format(fmt)
    logging.addLevelName(TRACE, "TRACE")
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter_for(fmt))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(numeric)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, numeric))
    _settings.update(level=level_name(numeric), format=fmt)


def child_env() -> dict[str, str]:
    """The variables that make an ``--exec`` client log at this process's level and format."""
    return {LEVEL_ENV: _settings["level"], FORMAT_ENV: _settings["format"]}
