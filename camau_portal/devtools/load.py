"""A bounded load on the production-mode stack (``manage.py load_test``): N citizens browsing
and reporting at once for a while, then a check that nothing they were promised was lost.

The stack is the one the README deploys: gunicorn, a Celery worker for every queue and beat,
on a fresh PostgreSQL database with the reference data, Redis, and an SMTP server on loopback
standing in for the mail provider. Each simulated citizen is a thread with its own cookies and
its own address (``X-Forwarded-For``, read through IPWARE_META_PRECEDENCE_ORDER as behind
the README's proxy), so the per-client submission limit applies to each as to a phone; a
citizen files at most as many reports as that limit allows.

Each citizen loops over what people do: the home page, the map and its data, the list, a
report page, and now and then a report with photos through the real form (CSRF token from
the page, multipart upload). Once the time is up, the command waits for the worker, then
checks that every report the portal accepted (a redirect to its receipt) is stored with every
photo it was sent with, processed (its file in storage), and that its acknowledgement email
reached the SMTP server.
"""

from __future__ import annotations

import io
import random
import re
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from PIL import Image, ImageDraw

from camau_portal.devtools.stack import Browser

PROVINCE_BOX = "104.7,8.5,105.9,9.7"
RECEIPT = re.compile(r"/reports/(CM-[A-Z0-9-]+)/submitted/")
PUBLIC_CODE = re.compile(r'href="/reports/(CM-[A-Z0-9]{4}-[A-Z0-9]{4})/"')
# What a citizen does next, with its weight.
ACTIONS = [
    ("home", 20),
    ("map page", 8),
    ("map data", 20),
    ("list", 15),
    ("report page", 15),
    ("submit", 12),
]


def photo(seed: int) -> bytes:
    """A phone-sized JPEG (1600×1200) that differs for every seed."""
    rng = random.Random(seed)
    image = Image.new("RGB", (1600, 1200), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(1500), rng.randrange(1100)
        draw.rectangle(
            (x, y, x + rng.randrange(40, 400), y + rng.randrange(40, 300)),
            fill=tuple(rng.randrange(256) for _ in range(3)),
        )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _first_option(html: str, name: str, rng: random.Random) -> str:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    values = re.findall(r'<option value="([^"]+)"', select.group(0)) if select else []
    if not values:
        raise ValueError(f"the form offers no {name}")
    return rng.choice(values)


@dataclass
class Submission:
    code: str
    email: str
    photos: int


@dataclass
class Tally:
    """What every citizen saw, gathered under a lock."""

    times: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    submissions: list[Submission] = field(default_factory=list)
    refused: int = 0  # form answered with errors (not accepted, nothing promised)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, action: str, elapsed: float, status: int | str, ok: bool):
        with self.lock:
            self.times.setdefault(action, []).append(elapsed)
            self.statuses[status] += 1
            if not ok:
                self.errors[f"{action}: {status}"] += 1


class Citizen:
    def __init__(self, index: int, *, port: int, tally: Tally, submit_limit: int, seed: int):
        self.index = index
        self.rng = random.Random(f"{seed}-{index}")
        self.browser = Browser(port, timeout=120)
        self.address = f"10.{index // 250}.{index % 250}.{self.rng.randrange(1, 250)}"
        self.tally = tally
        self.submits_left = submit_limit
        self.codes: list[str] = []
        self.sent = 0

    def _get(self, action: str, path: str, expect=(200,)):
        started = time.perf_counter()
        try:
            response = self.browser.get(
                path, follow=False, headers={"X-Forwarded-For": self.address}
            )
        except OSError as error:
            self.tally.record(action, time.perf_counter() - started, type(error).__name__, False)
            return None
        ok = response.status in expect
        self.tally.record(action, time.perf_counter() - started, response.status, ok)
        return response if ok else None

    def act(self):
        names = [name for name, _ in ACTIONS]
        weights = [weight for _, weight in ACTIONS]
        action = self.rng.choices(names, weights)[0]
        if action == "submit" and self.submits_left <= 0:
            action = "report page"
        if action == "home":
            self._get(action, "/")
        elif action == "map page":
            self._get(action, "/map/")
        elif action == "map data":
            self._get(action, f"/map/data.json?bbox={PROVINCE_BOX}")
        elif action == "list":
            answer = self._get(action, "/reports/")
            if answer is not None:
                self.codes = PUBLIC_CODE.findall(answer.text)[:20] or self.codes
        elif action == "report page":
            if self.codes:
                self._get(action, f"/reports/{self.rng.choice(self.codes)}/")
            else:
                self._get(action, "/track/")
        else:
            self.submit()

    def submit(self):
        self.submits_left -= 1
        form = self._get("report form", "/reports/new/")
        if form is None:
            return
        count = self.rng.choice([1, 1, 2, 3])
        self.sent += 1
        email = f"load{self.index}-{self.sent}@example.org"
        fields = {
            "category": _first_option(form.text, "category", self.rng),
            "commune": _first_option(form.text, "commune", self.rng),
            "title": f"Ổ gà trên đường số {self.index}-{self.sent}",
            "description": "Ổ gà sâu giữa đường, xe máy dễ té ngã khi trời mưa.",
            "reporter_email": email,
            "name_hidden": "on",
        }
        photos = [
            (f"anh-{n}.jpg", photo(self.index * 1000 + self.sent * 10 + n), "image/jpeg")
            for n in range(count)
        ]
        started = time.perf_counter()
        try:
            answer = self.browser.post_form(
                "/reports/new/",
                fields,
                {"photos": photos},
                follow=False,
                headers={"X-Forwarded-For": self.address},
            )
        except OSError as error:
            self.tally.record("submit", time.perf_counter() - started, type(error).__name__, False)
            return
        elapsed = time.perf_counter() - started
        receipt = RECEIPT.search(answer.headers.get("Location") or "")
        if answer.status == 302 and receipt:
            self.tally.record("submit", elapsed, 302, True)
            with self.tally.lock:
                self.tally.submissions.append(Submission(receipt.group(1), email, count))
        elif answer.status in (200, 400):
            # The form came back with its errors: nothing was promised, but this load sends
            # only valid reports, so it counts as an error.
            self.tally.record("submit", elapsed, f"{answer.status} form", False)
            with self.tally.lock:
                self.tally.refused += 1
        else:
            self.tally.record("submit", elapsed, answer.status, False)


def drive(*, port: int, users: int, seconds: float, submit_limit: int, seed: int) -> Tally:
    """``users`` citizens act one after another, each as fast as the portal answers, with a
    short human pause, until ``seconds`` have passed."""
    tally = Tally()
    stop = time.monotonic() + seconds

    def run(citizen: Citizen):
        while time.monotonic() < stop:
            citizen.act()
            time.sleep(citizen.rng.uniform(0.2, 1.0))

    threads = [
        threading.Thread(
            target=run,
            args=(Citizen(n, port=port, tally=tally, submit_limit=submit_limit, seed=seed),),
        )
        for n in range(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


@dataclass
class Check:
    accepted: int
    stored: int
    with_photos: int
    acknowledged: int
    missing: list[str]


def stored_reports(database: str, media_root: Path, submissions: list[Submission]) -> dict:
    """For each accepted code: (is stored, photos stored and processed)."""
    codes = [s.code for s in submissions]
    found = {}
    with psycopg.connect(database) as conn:
        rows = conn.execute(
            "SELECT r.tracking_code, p.image FROM reports_report r"
            " LEFT JOIN reports_photo p ON p.report_id = r.id WHERE r.tracking_code = ANY(%s)",
            [codes],
        ).fetchall()
    for code, image in rows:
        photos = found.setdefault(code, 0)
        if image and (media_root / image).is_file():
            found[code] = photos + 1
    return found


def check_outcome(
    *, submissions, database: str, media_root: Path, smtp_subjects, timeout: float
) -> Check:
    """Waits (up to ``timeout``) for every accepted report's photos and email, then counts."""
    deadline = time.monotonic() + timeout
    while True:
        found = stored_reports(database, media_root, submissions)
        subjects = smtp_subjects()
        complete = [s for s in submissions if found.get(s.code, -1) >= s.photos]
        acknowledged = [s for s in submissions if any(s.code in subject for subject in subjects)]
        if (
            len(complete) == len(submissions) and len(acknowledged) == len(submissions)
        ) or time.monotonic() > deadline:
            break
        time.sleep(2)
    missing = [
        s.code
        for s in submissions
        if s.code not in found
        or found[s.code] < s.photos
        or not any(s.code in subject for subject in subjects)
    ]
    return Check(
        accepted=len(submissions),
        stored=sum(1 for s in submissions if s.code in found),
        with_photos=len(complete),
        acknowledged=len(acknowledged),
        missing=missing,
    )


def summary(tally: Tally, check: Check, *, users: int, seconds: float) -> list[str]:
    every = [t for times in tally.times.values() for t in times]
    total = len(every)

    def p(values, q):
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000

    lines = [
        f"{users} users for {seconds:.0f} s: {total} requests ({total / seconds:.1f}/s)",
        f"{'':20}{'requests':>10}{'p50 ms':>10}{'p95 ms':>10}",
    ]
    for action, times in sorted(tally.times.items()):
        lines.append(f"{action:20}{len(times):>10}{p(times, 0.5):>10.0f}{p(times, 0.95):>10.0f}")
    if every:
        lines.append(f"{'all':20}{total:>10}{p(every, 0.5):>10.0f}{p(every, 0.95):>10.0f}")
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(tally.statuses.items(), key=str))
    lines.append(f"answers by status: {statuses}")
    errors = sum(tally.errors.values())
    detail = ", ".join(f"{kind} ×{n}" for kind, n in tally.errors.most_common())
    lines.append(f"errors: {errors}" + (f" ({detail})" if detail else ""))
    lines.append(
        f"reports accepted {check.accepted}, stored {check.stored}, with all photos processed "
        f"{check.with_photos}, acknowledged by email {check.acknowledged}"
    )
    lost = check.accepted - min(check.stored, check.with_photos, check.acknowledged)
    lines.append(f"lost: {lost}" + (f" ({', '.join(check.missing[:10])})" if lost else ""))
    if every:
        lines.append(f"median of all requests {statistics.median(every) * 1000:.0f} ms")
    return lines
