"""POST requests: an Open311 service request becomes a report through the same form
validation and the same action as the web form."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language

from reports.intake.forms import ReportForm
from reports.intake.photos import photo_stage, photos_pixels, staged_photos_drop
from reports.models import Report
from reports.open311 import params
from reports.open311.actions import api_report_submit
from reports.open311.attributes import attributes_for, clean_attribute_answers
from reports.open311.auth import authenticate, within_rate_limit
from reports.open311.media import MediaError, check_media_url
from reports.search import fold_diacritics
from services.geo import province_geography
from services.models import Category, Commune

_ATTRIBUTE_RE = re.compile(r"^attribute\[(?P<code>[^\]]+)\](\[\])?$")
# FixMyStreet's upload mode: ``photo``, ``photo1``, ``photo2``… (ours and others': ``media``).
_PHOTO_FIELD_RE = re.compile(r"^photo(?P<number>\d{0,2})$")
# Values a sending system gives for its own bookkeeping (``attribute[fixmystreet_id]``) are
# kept for it within these bounds.
_SENDER_ATTRIBUTE_CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
MAX_SENDER_ATTRIBUTES = 20
MAX_SENDER_ATTRIBUTE_LENGTH = 200
TITLE_LENGTH = 80

# Form fields named as the Open311 parameters a client sent.
PARAMETER_NAMES = {
    "category": "service_code",
    "title": "description",
    "description": "description",
    "commune": "address_string",
    "latitude": "lat",
    "longitude": "long",
    "address": "address_string",
    "reporter_name": "first_name",
    "reporter_email": "email",
    "reporter_phone": "phone",
}


class SubmissionError(Exception):
    def __init__(self, status: int, *messages: str, retry_after: int | None = None):
        super().__init__(*messages)
        self.status = status
        self.messages = [str(m) for m in messages]
        self.retry_after = retry_after


class Open311ReportForm(ReportForm):
    """The web form's rules, except that the API may leave out contact details."""

    def clean(self):
        cleaned = super().clean()
        if not self.data.get("reporter_email") and not self.data.get("reporter_phone"):
            self.errors.pop("reporter_email", None)
            cleaned["reporter_email"] = ""
        return cleaned


def _attribute_answers(post) -> dict[str, list[str]]:
    answers: dict[str, list[str]] = {}
    for key in post:
        match = _ATTRIBUTE_RE.match(key)
        if match:
            answers.setdefault(match["code"], []).extend(post.getlist(key))
    return answers


def commune_from_address(address: str) -> Commune | None:
    """The commune or ward an address names ("… Phường An Xuyên, Cà Mau"), longest name
    first; None when it names none or several equally."""
    folded = fold_diacritics(address)
    best, best_length = None, 0
    for commune in Commune.objects.filter(is_active=True):
        name = fold_diacritics(commune.name)
        if name in folded and len(name) > best_length:
            best, best_length = commune, len(name)
    return best


def _title_from(description: str, category: Category) -> str:
    first_line = description.strip().splitlines()[0] if description.strip() else ""
    if len(first_line) > TITLE_LENGTH:
        first_line = first_line[:TITLE_LENGTH].rsplit(" ", 1)[0] + "…"
    return first_line if len(first_line) >= 5 else category.name


def _uploads(request) -> list:
    """The photo files of the request: every ``media`` file, then ``photo``, ``photo1``,
    ``photo2``… in their numbers' order."""
    numbered = []
    for name in request.FILES:
        match = _PHOTO_FIELD_RE.match(name)
        if match:
            numbered.append((int(match["number"] or 0), name))
    uploads = list(request.FILES.getlist("media"))
    for _number, name in sorted(numbered):
        uploads.extend(request.FILES.getlist(name))
    return uploads


def _media_urls(post) -> list[str]:
    urls = [url.strip() for url in post.getlist("media_url") if url.strip()]
    for url in urls:
        try:
            check_media_url(url)
        except MediaError as error:
            raise SubmissionError(400, str(error)) from None
    return list(dict.fromkeys(urls))


def _photos(uploads: list, staged_by: str) -> list:
    photos = []
    for upload in uploads:
        try:
            staged = photo_stage(
                upload=upload, staged_by=staged_by, pixels_before=photos_pixels(photos)
            )
        except ValidationError as error:
            staged_photos_drop(photos)  # the request fails: none of its photos stays behind
            raise SubmissionError(400, *(f"media: {m}" for m in error.messages)) from None
        photos.append(staged.photo)
    return photos


def sender_attributes(service_code: str, raw: dict[str, list[str]]) -> dict[str, str]:
    """The ``attribute[...]`` values the service does not ask about: the sending system's own
    (``fixmystreet_id``, ``report_url``…), kept to be echoed back to it."""
    asked = {attribute.code for attribute in attributes_for(service_code)}
    kept = {}
    for code, values in raw.items():
        if code in asked or not _SENDER_ATTRIBUTE_CODE_RE.match(code):
            continue
        value = next((v.strip() for v in values if v.strip()), "")
        if value and len(kept) < MAX_SENDER_ATTRIBUTES:
            kept[code] = value[:MAX_SENDER_ATTRIBUTE_LENGTH]
    return kept


def submit_request(request) -> Report:
    """Creates a report from a POST requests call; raises SubmissionError with the HTTP
    status (403 bad key, 429 over the key's rate, 404 unknown service, 400 bad input)."""
    post = request.POST
    api_key = authenticate(post.get("api_key"))
    if api_key is None:
        raise SubmissionError(403, "Invalid api_key")
    if not within_rate_limit(request, api_key):
        raise SubmissionError(
            429, "Too many requests with this api_key; try again later", retry_after=3600
        )
    code = post.get("service_code", "").strip()
    if not code:
        raise SubmissionError(400, "service_code is required")
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        raise SubmissionError(404, f"service_code {code} not found")

    try:
        latitude = params.parse_coordinate("lat", post.get("lat"), limit=90)
        longitude = params.parse_coordinate("long", post.get("long"), limit=180)
    except params.ParameterError as error:
        raise SubmissionError(400, str(error)) from None
    address = post.get("address_string", "").strip()
    if latitude is None and longitude is None and not address:
        raise SubmissionError(400, "a location is required: lat and long, or address_string")
    if (latitude is None) != (longitude is None):
        raise SubmissionError(400, "lat and long must be given together")
    commune = None
    if latitude is not None:
        commune_id = province_geography().suggest_commune(latitude, longitude)
        commune = Commune.objects.filter(pk=commune_id).first()
    elif address:
        commune = commune_from_address(address)
        if commune is None:
            raise SubmissionError(
                400,
                "address_string must name a commune or ward of Cà Mau province "
                "(or give lat and long)",
            )

    try:
        raw_answers = _attribute_answers(post)
        answers = clean_attribute_answers(code, raw_answers)
    except ValueError as error:
        raise SubmissionError(400, str(error)) from None
    description = post.get("description", "").strip()
    full_description = description
    if answers:
        lines = [f"{attribute.description} {answer}" for attribute, answer in answers]
        full_description = "\n".join([description, "", *lines]).strip()

    form = Open311ReportForm(
        data={
            "category": category.pk,
            "title": _title_from(description, category),
            "description": full_description if description else "",
            "commune": commune.pk if commune else "",
            "latitude": "" if latitude is None else latitude,
            "longitude": "" if longitude is None else longitude,
            "address": address,
            "reporter_name": " ".join(
                part.strip() for part in (post.get("first_name", ""), post.get("last_name", ""))
            ).strip(),
            "reporter_email": post.get("email", "").strip(),
            "reporter_phone": post.get("phone", "").strip(),
            "name_hidden": "on",
        }
    )
    if not form.is_valid():
        raise SubmissionError(
            400,
            *(
                f"{PARAMETER_NAMES.get(field, field)}: {message}"
                for field, messages in form.errors.items()
                for message in messages
            ),
        )
    uploads = _uploads(request)
    media_urls = _media_urls(post)
    if len(uploads) + len(media_urls) > settings.PHOTOS_PER_REPORT:
        raise SubmissionError(400, f"at most {settings.PHOTOS_PER_REPORT} media per request")
    photos = _photos(uploads, staged_by=f"open311:{api_key.pk}")
    try:
        report = api_report_submit(
            api_key=api_key,
            attributes=sender_attributes(code, raw_answers),
            media_urls=media_urls,
            **form.submitted_fields(),
            contact_allowed=False,
            name_hidden=True,
            language=get_language() or settings.LANGUAGE_CODE,
            photos=photos,
            source=Report.Source.API,
        )
    except BaseException as error:
        # Whatever refused the report (a point outside the province, a lost database
        # connection), the photos staged for it go too: a failed request leaves nothing.
        staged_photos_drop(photos)
        if not isinstance(error, ValidationError):
            raise
        if hasattr(error, "error_dict"):
            raise SubmissionError(
                400,
                *(
                    f"{PARAMETER_NAMES.get(field, field)}: {message}"
                    for field, messages in error.message_dict.items()
                    for message in messages
                ),
            ) from None
        raise SubmissionError(400, *error.messages) from None
    return report
