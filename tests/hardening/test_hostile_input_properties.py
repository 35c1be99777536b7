"""No hostile input gets a server error or leaves anything half-stored.

Every endpoint of the URL conf (except Django's admin) is found by walking it, and every
parameter name by reading the project's forms and filters and the names views read from
``request.GET`` / ``request.POST`` themselves, so a new endpoint or field is covered without
touching this file. Hypothesis then sends NUL bytes, lone surrogates, right-to-left overrides,
huge integers, infinities, impossible dates and 10,000-character strings, encoded on the wire
as a hostile client would, through the query string and the form body (url-encoded or
multipart, with a photo), over otherwise valid requests so the bad value reaches deep code.
Staff endpoints are called by a signed-in intake officer.

After every request: the status is below 500, and the database and the photo folder hold only
whole things (each report has its submission event, each photo its report or its staging
session, each stored file its row and each row its file).
"""

from __future__ import annotations

import copy
import importlib
import pkgutil
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote_from_bytes

import django_filters
import pytest
from django import forms
from django.conf import settings
from django.db.models import F
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.models import StaffMembership
from reports.models import ApiKey, Photo, Report, ReportEvent
from reports.private_link import private_token
from reports.staff.workbench_views import ACTIONS
from reports.subscriptions import follow_confirm_token, report_follow_request
from services.models import Category, Commune, Department
from tests.factories import StaffFactory, jpeg_upload, submit_report
from tests.public_fixtures import public_report

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = ("accounts", "camau_portal", "reports", "services")
EXAMPLES_PER_ENDPOINT = 20

# --- What hostile clients send -----------------------------------------------------------

NASTY_SCALARS = [
    "\x00",
    "CM-\x00AB-CDEF",
    "\ud800",
    "abc\udfffdef",
    "\u202eevil\u202c",
    "\u200b" * 8,
    "9" * 40,
    "-" + "9" * 40,
    "99999999999999999999",
    "inf",
    "-inf",
    "nan",
    "1e999",
    "-1e999",
    "9999-99-99",
    "0000-00-00",
    "2026-02-30",
    "0001-01-01",
    "9999-12-31",
    "31/02/2026",
    "2026-02-30T25:61:00Z",
    "9999-12-31T23:59:59+14:00",
    "x" * 10_000,
    "Đ" * 10_000,
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "=HYPERLINK(1)",
    "",
    " ",
]
hostile_text = st.one_of(
    st.sampled_from(NASTY_SCALARS),
    st.text(
        alphabet=st.one_of(
            st.sampled_from("\x00\ud800\udc00\u202e\u200b\ufeff\uffff"),
            st.characters(codec="utf-8"),
        ),
        max_size=30,
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)


def wire(text: str) -> str:
    """Percent-encoded UTF-8, lone surrogates included: what reaches the server."""
    return quote_from_bytes(text.encode("utf-8", "surrogatepass"), safe="")


def urlencoded(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{wire(name)}={wire(value)}" for name, value in pairs)


BOUNDARY = "hostile-boundary-7MA4YWxkTrZu0gW"


def multipart(pairs: list[tuple[str, str]], photo: tuple[str, bytes] | None) -> bytes:
    chunks = []
    for name, value in pairs:
        chunks.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode("utf-8", "surrogatepass")
            + b"\r\n"
        )
    if photo is not None:
        filename, content = photo
        for field_name in ("photos", "media"):
            chunks.append(
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field_name}"; '.encode()
                + b'filename="'
                + filename.replace('"', "").encode("utf-8", "surrogatepass")
                + b'"\r\nContent-Type: image/jpeg\r\n\r\n'
                + content
                + b"\r\n"
            )
    chunks.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(chunks)


# --- Every parameter name ----------------------------------------------------------------


def _import_project_modules() -> None:
    for package_name in PROJECT_PACKAGES:
        package = importlib.import_module(package_name)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            if ".migrations" in module.name or module.name.endswith(".wsgi"):
                continue
            importlib.import_module(module.name)


def _subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def _field_names(name: str, form_field) -> list[str]:
    widget = form_field.widget
    if isinstance(widget, forms.MultiWidget):
        suffixes = getattr(widget, "suffixes", None)  # django-filter's range widgets
        if suffixes is not None:
            return [f"{name}_{suffix}" if suffix else name for suffix in suffixes]
        return [name + suffix for suffix in widget.widgets_names]
    return [name]


def form_parameter_names() -> set[str]:
    """Fields of every form and filter the project defines."""
    _import_project_modules()
    names = set()
    for form_class in _subclasses(forms.BaseForm):
        if form_class.__module__.split(".")[0] not in PROJECT_PACKAGES:
            continue
        for name, form_field in form_class.base_fields.items():
            names.update(_field_names(name, form_field))
    for filterset in _subclasses(django_filters.FilterSet):
        if filterset.__module__.split(".")[0] not in PROJECT_PACKAGES:
            continue
        for name, filter_ in filterset.base_filters.items():
            # A copy: a filter caches its form field, and the class's filters must stay as
            # they are for the filter sets made from them later.
            names.update(_field_names(name, copy.deepcopy(filter_).field))
    return names


_READ_IN_CODE = re.compile(
    r"""(?:request\.(?:GET|POST)|\bget|\bpost)\s*(?:\.get|\.getlist|\[)\(?\s*["']([^"']+)["']"""
    # ... and helpers handed the request and a parameter name: _photo_keys(request, "x").
    r"""|\w+\(request,\s*["']([^"']+)["']\)"""
)


def code_parameter_names() -> set[str]:
    """Names views read from the request themselves (request.GET.get("after"), ...)."""
    names = set()
    for package_name in PROJECT_PACKAGES:
        for path in (ROOT / package_name).rglob("*.py"):
            if "migrations" not in path.parts:
                for found in _READ_IN_CODE.findall(path.read_text(encoding="utf-8")):
                    names.update(name for name in found if name)
    return names


PARAMETERS = sorted(form_parameter_names() | code_parameter_names())


def test_the_parameter_list_is_found_from_forms_and_code():
    # A sample from each source: the report form, the staff filter's date range, the Open311
    # reader, the public list's cursors, the staged photo keys.
    for name in (
        "title",
        "reporter_email",
        "submitted_after",
        "submitted_before",
        "service_request_id",
        "start_date",
        "after",
        "before",
        "photo_keys",
        "remove_photo",
        "codes",
        "cursor",
        "bbox",
        "lat",
        "page",
    ):
        assert name in PARAMETERS, name


# --- Every endpoint ----------------------------------------------------------------------


@dataclass
class Endpoint:
    route: str  # the path with {name} placeholders
    name: str
    converters: dict[str, str] = field(default_factory=dict)  # name -> regex of the value

    @property
    def is_staff(self) -> bool:
        return self.route.startswith("/staff/")


_GROUP = re.compile(r"\(\?P<(\w+)>")


def _regex_route(regex: str) -> tuple[str, dict[str, str]]:
    """'^services/(?P<code>[A-Za-z0-9_\\-]+)\\.(?P<fmt>json|xml)$' -> 'services/{code}.{fmt}'."""
    route, converters, position = "", {}, 0
    regex = regex.lstrip("^").removesuffix("$").removesuffix(r"\Z")
    while (match := _GROUP.search(regex, position)) is not None:
        route += regex[position : match.start()]
        depth, end = 1, match.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(regex[end], 0)
            end += 1
        converters[match[1]] = regex[match.end() : end - 1]
        route += "{" + match[1] + "}"
        position = end
    route += regex[position:]
    return route.replace("\\", ""), converters


def _walk(patterns, prefix="", converters=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern) == "admin/":
                continue  # Django's own admin: not ours to fuzz
            part, found = _pattern_route(entry.pattern)
            yield from _walk(entry.url_patterns, prefix + part, {**(converters or {}), **found})
        elif isinstance(entry, URLPattern):
            part, found = _pattern_route(entry.pattern)
            yield Endpoint(
                route="/" + prefix + part,
                name=entry.name or entry.lookup_str,
                converters={**(converters or {}), **found},
            )


def _pattern_route(pattern) -> tuple[str, dict[str, str]]:
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        converters = {name: conv.regex for name, conv in pattern.converters.items()}
        return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route), converters
    if isinstance(pattern, RegexPattern):
        route, converters = _regex_route(pattern.regex.pattern)
        return route, converters
    raise AssertionError(f"Unknown URL pattern kind {pattern!r}: teach this test to fill it in")


ENDPOINTS = list(_walk(get_resolver().url_patterns))


def test_every_endpoint_is_found_from_the_url_conf():
    routes = {endpoint.route for endpoint in ENDPOINTS}
    for route in (
        "/reports/new/",
        "/reports/{code}/follow/",
        "/staff/bulk/",
        "/staff/r/{code}/{action}/",
        "/open311/v2/requests.{fmt}",
        "/open311/v2/services/{code}.{fmt}",
        "/map/reports/{code}.json",
        "/unsubscribe/{token}/",
        "/accounts/signup/",
    ):
        assert route in routes, route
    assert not any(route.startswith("/admin/") for route in routes)


# --- The world the requests act on -------------------------------------------------------


@dataclass
class World:
    anonymous: Client
    staff: Client
    staff_user: object
    values: dict[str, list[str]]  # path parameter name -> valid values
    baselines: dict[str, dict[str, str]]  # endpoint name -> a valid form body
    photo: bytes


@pytest.fixture
def world(catalogue):
    commune = Commune.objects.get(name="Phường An Xuyên")
    report = public_report()
    waiting = submit_report(reporter_email="cho@example.vn")
    follower = report_follow_request(report=report, email="hang@example.vn", language="vi")
    intake = StaffFactory(email="intake@camau.gov.vn")
    StaffMembership.objects.create(
        user=intake,
        role=StaffMembership.Role.INTAKE_OFFICER,
        department=Department.objects.get(code="IOC"),
    )
    _key, raw_key = ApiKey.objects.issue(name="Fuzz", requests_per_hour=100_000)
    staff = Client(raise_request_exception=False)
    staff.force_login(intake)
    category = Category.objects.get(code="ROAD_DAMAGE")
    report_form = {
        "category": str(category.pk),
        "title": "Ổ gà lớn trước chợ",
        "description": "Ổ gà sâu khoảng 20 cm, xe máy dễ té ngã.",
        "commune": str(commune.pk),
        "latitude": f"{commune.latitude:.6f}",
        "longitude": f"{commune.longitude:.6f}",
        "reporter_email": "fuzz@example.vn",
        "nearby_checked": "True",
    }
    return World(
        anonymous=Client(raise_request_exception=False),
        staff=staff,
        staff_user=intake,
        values={
            "code": [report.tracking_code, waiting.tracking_code, category.code],
            "token": [
                private_token(report.tracking_code),
                follower.unsubscribe_token,
                follow_confirm_token(follower),
            ],
            "action": sorted(ACTIONS),
            "fmt": ["json", "xml"],
            "name": ["missing.log"],
        },
        baselines={
            "reports:new": report_form,
            "reports:follow": {"email": "fuzz@example.vn"},
            "reports:track": {"code": report.tracking_code},
            "reports:provide_info": {"message": "Ổ gà ở ngay trước cổng chợ."},
            "reports:rate": {"value": "satisfied", "comment": "Tốt."},
            "open311:requests": {
                "api_key": raw_key,
                "service_code": category.code,
                "lat": report_form["latitude"],
                "long": report_form["longitude"],
                "description": report_form["description"],
            },
            "staff:bulk": {"action": "accept", "codes": waiting.tracking_code},
            "staff:action": {"reason": "Kiểm tra.", "text": "Ghi chú.", "message": "Cập nhật."},
            "staff:login": {"email": "intake@camau.gov.vn", "password": "sai"},
            "accounts:login": {"username": "hang@example.vn", "password": "sai"},
            "accounts:signup": {"email": "moi@example.vn", "full_name": "Người Mới"},
        },
        photo=jpeg_upload().read(),
    )


def _one_line(text: str) -> bool:
    return "\n" not in text


@st.composite
def hostile_requests(draw, world: World, endpoint: Endpoint, methods: list[str]):
    path = endpoint.route
    for name, regex in endpoint.converters.items():
        candidates = world.values.get(name, [])
        kind = draw(st.integers(0, 9))
        if candidates and kind < 6:  # mostly a real value, so the request goes deep
            choice = draw(st.sampled_from(candidates))
        elif kind < 8:
            choice = draw(st.from_regex(f"(?:{regex})", fullmatch=True).filter(_one_line))
        else:
            choice = draw(hostile_text.filter(lambda text: text and "/" not in text))
        path = path.replace("{" + name + "}", wire(choice))
    base = dict(world.baselines.get(endpoint.name, {})) if draw(st.booleans()) else {}
    overrides = draw(
        st.lists(st.tuples(st.sampled_from(PARAMETERS), hostile_text), min_size=1, max_size=6)
    )
    pairs = [*base.items(), *overrides] if base else overrides
    if draw(st.integers(0, 9)) == 0:  # now and then every parameter at once
        pairs = [(name, draw(hostile_text)) for name in PARAMETERS]
    method = draw(st.sampled_from(methods))
    body_kind = draw(st.sampled_from(["urlencoded", "multipart"]))
    photo = None
    if body_kind == "multipart" and draw(st.booleans()):
        content = world.photo if draw(st.booleans()) else b"\x00not an image" * 50
        photo = (draw(hostile_text) or "photo.jpg", content)
    return path, method, pairs, body_kind, photo


def _send(client: Client, path, method, pairs, body_kind, photo):
    if method == "GET":
        return client.get(f"{path}?{urlencoded(pairs)}")
    if body_kind == "multipart":
        return client.generic(
            "POST",
            path,
            multipart(pairs, photo),
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
        )
    return client.generic(
        "POST",
        path,
        urlencoded(pairs).encode("ascii"),
        content_type="application/x-www-form-urlencoded",
    )


def assert_nothing_half_stored():
    submitted = ReportEvent.objects.filter(kind=ReportEvent.Kind.SUBMITTED).values("report_id")
    assert not Report.objects.exclude(pk__in=submitted).exists(), "a report without its event"
    assert not Photo.objects.filter(report__isnull=True, staged_by="").exists(), (
        "a photo that belongs to neither a report nor a staging session"
    )
    assert not Photo.objects.filter(event__isnull=False).exclude(event__report_id=F("report_id")), (
        "a photo attached to another report's event"
    )
    rows = set(Photo.objects.values_list("image", flat=True))
    media = Path(settings.MEDIA_ROOT) / "photos"
    files = {str(path.relative_to(settings.MEDIA_ROOT)) for path in media.rglob("*.jpg")}
    assert files == rows, "photo files and rows differ"


def _allowed_methods(client: Client, world: World, endpoint: Endpoint) -> list[str]:
    """GET and POST, less those the endpoint answers with 405 (asked once, politely)."""
    path = endpoint.route
    for name in endpoint.converters:
        path = path.replace("{" + name + "}", wire((world.values.get(name) or ["x"])[0]))
    allowed = [
        method
        for method in ("GET", "POST")
        if _send(client, path, method, [], "urlencoded", None).status_code != 405
    ]
    return allowed or ["GET"]


def _fuzz(world: World, endpoints: list[Endpoint], django_capture_on_commit_callbacks):
    for endpoint in endpoints:
        _fuzz_endpoint(world, endpoint, django_capture_on_commit_callbacks)


def _fuzz_endpoint(world: World, endpoint: Endpoint, django_capture_on_commit_callbacks):
    client = world.staff if endpoint.is_staff else world.anonymous
    methods = _allowed_methods(client, world, endpoint)

    @given(request=hostile_requests(world, endpoint, methods))
    @hypothesis_settings(
        max_examples=EXAMPLES_PER_ENDPOINT,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def never_a_server_error(request):
        if endpoint.is_staff:
            client.force_login(world.staff_user)  # the logout endpoint is fuzzed too
        with django_capture_on_commit_callbacks(execute=True):
            response = _send(client, *request)
        assert response.status_code < 500, (endpoint.route, request[:4], response.status_code)
        assert_nothing_half_stored()

    never_a_server_error()


@pytest.fixture
def clean_media():
    media = Path(settings.MEDIA_ROOT)
    for path in media.rglob("*.jpg"):
        path.unlink()
    yield


def test_public_and_citizen_endpoints(world, clean_media, django_capture_on_commit_callbacks):
    endpoints = [e for e in ENDPOINTS if not e.is_staff and not e.route.startswith("/open311/")]
    _fuzz(world, endpoints, django_capture_on_commit_callbacks)


def test_staff_endpoints(world, clean_media, django_capture_on_commit_callbacks):
    _fuzz(world, [e for e in ENDPOINTS if e.is_staff], django_capture_on_commit_callbacks)


def test_open311_endpoints(world, clean_media, django_capture_on_commit_callbacks):
    endpoints = [e for e in ENDPOINTS if e.route.startswith("/open311/")]
    _fuzz(world, endpoints, django_capture_on_commit_callbacks)
