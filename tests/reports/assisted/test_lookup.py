"""Finding a category or commune from what was typed (reports.assisted.lookup)."""

import pytest

from reports.assisted.lookup import Candidate, matching

CATEGORIES = [
    Candidate("ROAD", names=["Hư hỏng mặt đường, ổ gà", "Road damage and potholes", "ROAD_DAMAGE"]),
    Candidate(
        "LIGHT",
        names=["Đèn đường hư hỏng", "Broken streetlight", "STREETLIGHT"],
        words="Điện – chiếu sáng",
    ),
    Candidate(
        "POWER",
        names=["Dây điện, trụ điện nguy hiểm", "Dangerous power line or pole", "POWER_HAZARD"],
        words="Điện – chiếu sáng",
    ),
    Candidate("NOISE", names=["Tiếng ồn, karaoke", "Noise and karaoke", "NOISE"], words="hát"),
]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Đèn đường hư hỏng", ["LIGHT"]),  # the name, as the list suggests it
        ("  đèn   ĐƯỜNG hư hỏng ", ["LIGHT"]),
        ("streetlight", ["LIGHT"]),  # the code, any case
        ("den duong", ["LIGHT"]),  # no accents
        ("o ga", ["ROAD"]),  # word beginnings, not any letters inside words
        ("pothole", ["ROAD"]),
        ("dien", ["POWER"]),  # in a name first...
        ("chieu sang", ["LIGHT", "POWER"]),  # ...then in the group and keywords
        ("hat", ["NOISE"]),
        ("hu hong", ["ROAD", "LIGHT"]),
        ("zzz", []),
        ("", []),
        ("…", []),
    ],
)
def test_matching(typed, found):
    assert matching(typed, CATEGORIES) == found
