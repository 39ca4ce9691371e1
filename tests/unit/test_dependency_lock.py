"""pyproject's dependency ranges and the hash-locked requirement files agree (issue 10).

The package metadata keeps compatible ranges whose floor is the tested version; the installs use
requirements/*.txt, which pin the whole tree with hashes (scripts/lock regenerates them). A range
edited without relocking, or a lock drifting above a floor, fails here.
"""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)")


def locked(name: str) -> dict[str, str]:
    """Package -> version of ``requirements/NAME.txt``; every pin must carry hashes."""
    lines = (ROOT / "requirements" / f"{name}.txt").read_text().splitlines()
    pins: dict[str, str] = {}
    for number, line in enumerate(lines):
        match = PIN.match(line)
        if match:
            assert line.rstrip().endswith("\\") and "--hash=sha256:" in lines[number + 1], line
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def project() -> dict[str, list[str]]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {"runtime": data["dependencies"], "dev": data["optional-dependencies"]["dev"]}


@pytest.mark.parametrize("lock", ["runtime", "dev"])
def test_every_direct_dependency_is_locked_at_its_floor(lock: str) -> None:
    pins = locked(lock)
    wanted = project()["runtime"] + (project()["dev"] if lock == "dev" else [])
    assert len(wanted) >= 10
    for text in wanted:
        req = Requirement(text)
        version = pins.get(canonicalize_name(req.name))
        assert version is not None, f"{req.name} is not in requirements/{lock}.txt"
        assert req.specifier.contains(version, prereleases=True), (text, version)
        floors = [spec.version for spec in req.specifier if spec.operator in (">=", "==")]
        assert floors == [version], f"{text}: the floor must be the locked version {version}"


def test_runtime_lock_is_part_of_the_dev_lock() -> None:
    runtime, dev = locked("runtime"), locked("dev")
    assert len(runtime) >= 20
    assert {name: dev.get(name) for name in runtime} == runtime
