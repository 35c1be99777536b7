"""The lock files in requirements/ agree with pyproject.toml, so `make install` and the
production install get exactly the versions the project pins (run `make lock` after a change)."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

pytestmark = pytest.mark.deploy

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def locked(name: str) -> dict[str, set[str]]:
    """Package name to the versions the lock file pins (one per environment marker)."""
    versions: dict[str, set[str]] = {}
    entries = (ROOT / "requirements" / name).read_text().split("\n")
    for number, line in enumerate(entries):
        match = PIN.match(line)
        if not match:
            continue
        assert line.rstrip().endswith("\\") and "--hash=sha256:" in entries[number + 1], (
            f"{name}: {match[1]} has no hash"
        )
        versions.setdefault(canonicalize_name(match[1]), set()).add(match[2])
    return versions


def pinned(requirements: list[str]) -> dict[str, str]:
    pins = {}
    for text in requirements:
        requirement = Requirement(text)
        [specifier] = requirement.specifier
        assert specifier.operator == "==", f"pyproject.toml pins exactly: {text}"
        pins[canonicalize_name(requirement.name)] = specifier.version
    return pins


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_production_lock_has_every_main_dependency_and_the_s3_extra_at_its_pin():
    production = locked("production.txt")
    wanted = pinned(PROJECT["dependencies"] + PROJECT["optional-dependencies"]["s3"])
    for name, version in wanted.items():
        assert production.get(name) == {version}, f"{name}: run `make lock`"
    assert "pytest" not in production


def test_dev_lock_is_production_plus_the_dev_extra():
    production, dev = locked("production.txt"), locked("dev.txt")
    for name, versions in production.items():
        assert dev.get(name) == versions, f"{name} differs between the lock files"
    for name, version in pinned(PROJECT["optional-dependencies"]["dev"]).items():
        assert dev.get(name) == {version}, f"{name}: run `make lock`"
