"""The photo benchmark runs end to end, as a developer runs it (at toy sizes), and leaves
nothing behind in the working folders."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
LINE = re.compile(
    r"^(?P<label>[a-z-]+)\s+1 photos,.*request: total\s+(?P<request>[\d.]+) ms.*"
    r"peak RSS\s+(?P<worker>[\d.]+) MB.*decoder process peak\s+(?P<decoder>[\d.]+) MB \| processed$"
)


def test_benchmark_prints_request_time_and_worker_memory_per_set(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "REDIS_URL", "DJANGO_"))
    }
    env.update(PORTAL_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="camau_portal.settings")
    finished = subprocess.run(
        [
            sys.executable, "manage.py", "benchmark_photos",
            "--count", "1", "--jpeg-size", "400x300", "--png-size", "700x700", "--check",
        ],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr[-3000:]
    rows = [LINE.match(line) for line in finished.stdout.splitlines()]
    measured = {row["label"]: row for row in rows if row}
    assert set(measured) == {"jpeg-textured", "jpeg-one-colour", "png-textured", "png-one-colour"}
    for row in measured.values():
        assert 0 < float(row["request"]) < 300
        assert 0 < float(row["worker"]) < 300 and 0 < float(row["decoder"]) < 300
    assert "Goals: request <= 300 ms per submission" in finished.stdout
    # Its database and photo folders were temporary.
    assert not (tmp_path / "media").exists() and not (tmp_path / "photo-originals").exists()
