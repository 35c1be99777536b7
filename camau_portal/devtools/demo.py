"""Demo data: staff accounts for every role and a realistic spread of reports.

Everything goes through the real actions, so demo reports have timelines, deadlines, photos and
emails exactly like real ones. Never run against production (the command refuses).
"""

from __future__ import annotations

import io
import random

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import StaffMembership
from camau_portal.devtools.demo_accounts import DEMO_COMMUNE
from camau_portal.devtools.demo_workflow import advance_demo_report, pick_demo_plan
from reports.intake.actions import report_submit
from reports.intake.photos import photo_stage
from services.models import Category, Commune, Department, ResponseTemplate

DEMO_RESPONSE_TEMPLATES = [
    (
        "Đã cử người kiểm tra",
        "Đơn vị đã tiếp nhận phản ánh và cử cán bộ kiểm tra hiện trường. "
        "Kết quả sẽ được cập nhật trên cổng.",
        "We have received the report and sent an officer to inspect the site. "
        "We will post the result here.",
    ),
    (
        "Đã khắc phục xong",
        "Đơn vị đã khắc phục xong vấn đề. Cảm ơn người dân đã phản ánh; đề nghị tiếp tục giám sát.",
        "The problem has been fixed. Thank you for reporting it; please tell us if it comes back.",
    ),
    (
        "Cần thêm vị trí",
        "Đề nghị người phản ánh cho biết thêm vị trí cụ thể (số nhà, điểm mốc gần nhất).",
        "Please tell us the exact place (house number or the nearest landmark).",
    ),
]


def create_demo_response_templates() -> int:
    """A few common answers for every agency that has demo staff, for the template picker."""
    created = 0
    departments = Department.objects.filter(memberships__isnull=False).distinct()
    for department in departments:
        for title, body_vi, body_en in DEMO_RESPONSE_TEMPLATES:
            _, was_created = ResponseTemplate.objects.get_or_create(
                department=department,
                title=title,
                defaults={"body_vi": body_vi, "body_en": body_en},
            )
            created += was_created
    return created


# Titles and descriptions by category, in Vietnamese as citizens write them.
SAMPLES = {
    "ROAD_DAMAGE": ("Ổ gà lớn giữa đường", "Ổ gà sâu, trời mưa đọng nước, xe máy dễ té ngã."),
    "STREETLIGHT": ("Đèn đường không sáng", "Cả dãy đèn đường tắt mấy đêm nay, đi lại rất tối."),
    "FLOODING": ("Ngập nước sau mưa", "Mưa xong nước ngập tới nửa bánh xe, cống bị nghẹt rác."),
    "GARBAGE": ("Rác thải tồn đọng", "Rác để ven đường nhiều ngày chưa được thu gom, bốc mùi hôi."),
    "NOISE": ("Karaoke ồn ào ban đêm", "Hát karaoke tới khuya, ảnh hưởng giấc ngủ của người dân."),
    "ILLEGAL_CONSTRUCTION": (
        "Xây dựng lấn ra kênh",
        "Công trình đang xây lấn ra bờ kênh, không thấy giấy phép.",
    ),
    "TREE": (
        "Cây xanh nghiêng sắp ngã",
        "Cây lớn bị nghiêng sau giông, có nguy cơ ngã vào nhà dân.",
    ),
    "POWER_HAZARD": ("Dây điện võng thấp", "Dây điện võng thấp ngang đầu người, rất nguy hiểm."),
    "WATER_SUPPLY": ("Ống nước bị bể", "Ống nước bể phun lên mặt đường, khu vực bị mất nước."),
    "ENCROACHMENT": (
        "Lấn chiếm vỉa hè",
        "Quán bày bàn ghế chiếm hết vỉa hè, người đi bộ phải xuống lòng đường.",
    ),
    "EROSION": ("Sạt lở bờ sông", "Bờ sông sạt lở vào sát nhà dân, cần kiểm tra gấp."),
    "TRAFFIC_SAFETY": (
        "Biển báo giao thông bị che khuất",
        "Cây che khuất biển báo tại ngã tư, dễ gây tai nạn.",
    ),
}
SCENE_COLOURS = {
    "ROAD_DAMAGE": ((120, 120, 120), (60, 50, 40)),
    "STREETLIGHT": ((20, 30, 60), (230, 200, 80)),
    "FLOODING": ((100, 140, 170), (60, 90, 120)),
    "GARBAGE": ((110, 130, 90), (150, 110, 60)),
}


def demo_photo(category_code: str, seed: int) -> SimpleUploadedFile:
    """A simple generated scene (sky, ground, the problem as a blob), different for each report."""
    rng = random.Random(seed)
    ground, blob = SCENE_COLOURS.get(category_code, ((90, 120, 80), (180, 60, 50)))
    image = Image.new("RGB", (960, 720), (150 + rng.randint(0, 60), 190, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 360, 960, 720], fill=ground)
    for _ in range(3):
        x, y = rng.randint(100, 800), rng.randint(420, 620)
        draw.ellipse([x, y, x + rng.randint(80, 200), y + rng.randint(40, 90)], fill=blob)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile(f"demo-{seed}.jpg", buffer.getvalue(), content_type="image/jpeg")


RESIDENTS_WITHOUT_EMAIL = ["Bà Nguyễn Thị Sáu", "Ông Trần Văn Bảy", "Cô Lê Thị Tám"]


def _demo_entry(index: int, rng: random.Random, *, commune: Commune) -> dict:
    """One report in four is entered for a resident: by the hotline desk (a call, a Zalo
    message, a visitor) or, in the demo ward, by its community helper. Residents who need
    help seldom have an email; they leave a phone number."""
    if index % 4 != 1:
        return {}
    # Helpers enter for their own ward only; the hotline desk for anywhere in the province.
    helper = StaffMembership.objects.filter(role=StaffMembership.Role.COMMUNITY_HELPER).first()
    operator = StaffMembership.objects.filter(role=StaffMembership.Role.HOTLINE_OPERATOR).first()
    if index % 8 == 1 and helper is not None:
        entered_by, source, commune = helper.user, "helper", helper.commune
    elif operator is not None:
        entered_by, source = operator.user, rng.choice(["hotline", "zalo", "walk_in"])
    else:
        return {}
    return {
        "entered_by": entered_by,
        "acting_user": entered_by,
        "source": source,
        "commune": commune,
        "reporter_name": rng.choice(RESIDENTS_WITHOUT_EMAIL),
        "reporter_email": "",
        "reporter_phone": f"09{rng.randint(10000000, 99999999)}",
        "contact_allowed": rng.random() < 0.8,
        "name_hidden": True,
    }


def seed_demo_reports(*, count: int, rng: random.Random, progress=None) -> list:
    communes = list(Commune.objects.filter(is_active=True))
    featured = Commune.objects.get(name=DEMO_COMMUNE)
    categories = {c.code: c for c in Category.objects.filter(code__in=SAMPLES)}
    reports = []
    now = timezone.now()
    for index in range(count):
        # A third of the reports in the demo ward, so its staff have a full inbox.
        commune = featured if index % 3 == 0 else rng.choice(communes)
        entry = _demo_entry(index, rng, commune=commune)
        code = rng.choice(list(categories))
        title, description = SAMPLES[code]
        plan = pick_demo_plan(rng, left=count - 1 - index)
        submitted_at = plan.received_at(now, rng, category=categories[code])
        with time_machine.travel(submitted_at, tick=False):
            # Staging commits on its own (no orphan file on failure), before the submission.
            photo = photo_stage(upload=demo_photo(code, index), staged_by="demo-seed").photo
            place = entry.get("commune", commune)
            report = report_submit(
                **{
                    "category": categories[code],
                    "title": title,
                    "description": description,
                    "latitude": place.latitude + rng.uniform(-0.015, 0.015),
                    "longitude": place.longitude + rng.uniform(-0.015, 0.015),
                    "address": f"Gần số {rng.randint(1, 300)}, đường số {rng.randint(1, 30)}",
                    "reporter_name": rng.choice(
                        ["Nguyễn Văn An", "Trần Thị Bích", "Lê Minh Châu", "Phạm Quốc Dũng"]
                    ),
                    "reporter_email": f"nguoidan{index}@example.vn",
                    "name_hidden": rng.random() < 0.7,
                    "language": "vi",
                    "photos": [photo],
                    **entry,
                    "commune": place,
                }
            )
        advance_demo_report(report, plan, rng=rng, now=now)
        reports.append(report)
        if progress:
            progress(index + 1)
    return reports
