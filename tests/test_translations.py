"""Vietnamese is complete: every message has a reviewed translation, the compiled catalogue
matches the source catalogue, and no translatable string in the code is missing from it.

The last check runs Django's ``makemessages`` on a copy of the project, so it needs the GNU
gettext tools (``xgettext``, ``msgmerge``); it fails in CI when they are missing and is
skipped elsewhere.
"""

from __future__ import annotations

import ast
import gettext
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_SERVICES

ROOT = Path(__file__).resolve().parent.parent
PO_PATH = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
SKIPPED_DIRS = {".venv", "var", "node_modules", ".git", "staticfiles", "__pycache__", "media"}


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def label(self) -> str:
        return f"{self.msgctxt}|{self.msgid}" if self.msgctxt else self.msgid


def read_po(path: Path) -> list[Entry]:
    """A small reader for the gettext PO format (enough for Django's catalogues)."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, target = Entry(), None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry.obsolete = True
                continue
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
                continue
            if line.startswith("#") or not line.strip():
                continue
            keyword, _, rest = line.partition(" ")
            if line.startswith('"'):
                value = ast.literal_eval(line)
            else:
                value = ast.literal_eval(rest)
                target = keyword
            if target == "msgid":
                entry.msgid += value
            elif target == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + value
            elif target == "msgctxt":
                entry.msgctxt = (entry.msgctxt or "") + value
            elif target and target.startswith("msgstr"):
                if not line.startswith('"'):
                    entry.msgstrs.append("")
                entry.msgstrs[-1] += value
        if entry.msgstrs and not entry.obsolete:
            entries.append(entry)
    return entries


def problems(entries: list[Entry]) -> list[str]:
    found = []
    for entry in entries:
        if not entry.msgid:
            continue  # the header
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy: {entry.label!r}")
        elif not all(entry.msgstrs):
            found.append(f"untranslated: {entry.label!r}")
    return found


def test_every_message_has_a_reviewed_vietnamese_translation():
    entries = read_po(PO_PATH)
    assert len(entries) > 100
    assert problems(entries) == []


def test_compiled_catalogue_matches_the_source():
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in read_po(PO_PATH):
        if not entry.msgid or "fuzzy" in entry.flags or not all(entry.msgstrs):
            continue  # the header, and entries the first test reports
        msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural is None:
            if compiled.gettext(msgid) != entry.msgstrs[0]:
                stale.append(entry.label)
        elif compiled.ngettext(msgid, entry.msgid_plural, 1) != entry.msgstrs[0]:
            stale.append(entry.label)
    assert stale == [], "run: python manage.py compilemessages -l vi"


def _copy_project(target: Path) -> None:
    def ignore(directory, names):
        return [n for n in names if n in SKIPPED_DIRS or n.endswith((".pyc", ".sqlite3"))]

    for item in ROOT.iterdir():
        if item.name in SKIPPED_DIRS or item.name.startswith("."):
            continue
        if item.is_dir():
            shutil.copytree(item, target / item.name, ignore=ignore)
        else:
            shutil.copy2(item, target / item.name)


def test_no_translatable_string_is_missing_from_the_catalogue(tmp_path):
    if not (shutil.which("xgettext") and shutil.which("msgmerge")):
        if REQUIRE_SERVICES:
            pytest.fail("GNU gettext (xgettext, msgmerge) is required here")
        pytest.skip("GNU gettext is not installed")
    project = tmp_path / "project"
    project.mkdir()
    _copy_project(project)
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "camau_portal.settings_test",
        "PORTAL_VAR_DIR": str(tmp_path / "var"),
    }
    environment.pop("DATABASE_URL", None)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "vi",
            "--no-obsolete",
            "-i",
            "static/vendor/*",
        ],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    missing = problems(read_po(project / "locale" / "vi" / "LC_MESSAGES" / "django.po"))
    assert missing == [], (
        "Strings in the code lack a Vietnamese translation; run makemessages and translate them"
    )
