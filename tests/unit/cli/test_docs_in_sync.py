"""docs/operators.md documents every host flag with its variable; no doc points outside the repo.

Issue 10: the repository is self-contained and its operator guide is written from
``cli/host_flags.py``; this keeps the guide from drifting when a flag is added or renamed.
"""

import re
from pathlib import Path

from op_program.cli.host_flags import ENV_PREFIX, FLAGS
from op_program.host.kvstore.base import DataFormat
from op_program.oplog import FORMATS
from op_program.oplog import LEVEL_NAMES as LEVELS

ROOT = Path(__file__).resolve().parents[3]
OPERATORS = ROOT / "docs" / "operators.md"


def _flag_rows() -> dict[str, str]:
    rows = {}
    for line in OPERATORS.read_text("utf-8").splitlines():
        match = re.match(r"\| `--([a-z0-9.]+)[^`]*` \| `([A-Z0-9_]+)` \|", line)
        if match:
            rows[match.group(1)] = match.group(2)
    return rows


def test_every_host_flag_is_documented_with_its_variable() -> None:
    rows = _flag_rows()
    for flag in FLAGS:
        assert rows.get(flag.name) == ENV_PREFIX + flag.env, flag.name


def test_no_documented_flag_is_invented() -> None:
    known = {flag.name for flag in FLAGS} | {"log.level", "log.format", "log.color", "log.pid"}
    assert set(_flag_rows()) == known


def test_log_levels_formats_and_data_formats_are_named() -> None:
    text = OPERATORS.read_text("utf-8")
    for word in (*LEVELS, *FORMATS, *(f.value for f in DataFormat)):
        assert f"`{word}`" in text, word


def test_docs_do_not_point_at_the_shared_workspace() -> None:
    for path in (ROOT / "README.md", OPERATORS, ROOT / "docs" / "architecture.md"):
        text = path.read_text("utf-8")
        assert "../shared" not in text and "/work/" not in text, path.name
