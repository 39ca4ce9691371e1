"""Logging setup of the command line: ``--log.level`` and ``--log.format`` (DESIGN §7).

Formats follow op-service's log flags: ``text`` (human), ``logfmt`` (``t=… lvl=… msg="…"``,
the op-program default for machines) and ``json`` (one object per line). Logs go to stderr so
stdout stays free for command output.
"""

import json
import logging
import sys
import time
from typing import TextIO

LEVELS = ("trace", "debug", "info", "warn", "error", "crit")
FORMATS = ("text", "terminal", "logfmt", "json")
_LEVEL_VALUES = {
    "trace": 5, "debug": logging.DEBUG, "info": logging.INFO, "warn": logging.WARNING,
    "error": logging.ERROR, "crit": logging.CRITICAL,
}
_LEVEL_NAMES = {5: "trce", logging.DEBUG: "dbug", logging.INFO: "info",
                logging.WARNING: "warn", logging.ERROR: "eror", logging.CRITICAL: "crit"}


def _timestamp(record: logging.LogRecord) -> str:
    base = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
    return f"{base}.{int(record.msecs):03d}Z"


def _level(record: logging.LogRecord) -> str:
    return _LEVEL_NAMES.get(record.levelno, record.levelname.lower()[:4])


class LogfmtFormatter(logging.Formatter):
    """``t=<time> lvl=<level> msg="<message>" logger=<name>``."""

    def format(self, record: logging.LogRecord) -> str:
        """Format one record as a logfmt line."""
        msg = record.getMessage().replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        line = f't={_timestamp(record)} lvl={_level(record)} msg="{msg}" logger={record.name}'
        if record.exc_info:
            exc = self.formatException(record.exc_info).replace("\n", "\\n").replace('"', "'")
            line += f' err="{exc}"'
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ``t``, ``lvl``, ``msg``, ``logger`` (and ``err``)."""

    def format(self, record: logging.LogRecord) -> str:
        """Format one record as a JSON line."""
        obj = {"t": _timestamp(record), "lvl": _level(record), "msg": record.getMessage(),
               "logger": record.name}
        if record.exc_info:
            obj["err"] = self.formatException(record.exc_info)
        return json.dumps(obj)


class TextFormatter(logging.Formatter):
    """``LVL [time] message`` for people at a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        """Format one record as a human-readable line."""
        line = f"{_level(record).upper()} [{_timestamp(record)}] {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def setup_logging(level: str = "info", fmt: str = "text", stream: TextIO | None = None) -> None:
    """Configure the root logger once for this process."""
    logging.addLevelName(5, "TRACE")
    handler = logging.StreamHandler(stream or sys.stderr)
    formatter: logging.Formatter
    if fmt == "json":
        formatter = JsonFormatter()
    elif fmt == "logfmt":
        formatter = LogfmtFormatter()
    else:
        formatter = TextFormatter()
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(_LEVEL_VALUES.get(level.lower(), logging.INFO))
