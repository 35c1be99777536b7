"""Which characters the portal refuses in a request: NUL bytes and lone surrogates.

No person types either. PostgreSQL cannot store a NUL in text and UTF-8 cannot encode a lone
surrogate, so letting one reach a query or a template ends in a server error. Addresses and
query strings are checked here for every page before any view reads them. Form fields are
checked by their form (Django's text fields refuse NUL; values read without a form use
``is_usable_text``), so a form with a bad value comes back with everything else the person
typed still in it. Lone surrogates cannot arrive in a body: Django decodes it as UTF-8,
replacing what is not.
"""

from __future__ import annotations

import re

from django.shortcuts import render
from django.utils.translation import gettext as _

_UNUSABLE = re.compile("[\x00\ud800-\udfff]")
# The Open311 API answers in its own error format (reports.open311.formats), not with a page.
OPEN311_PREFIX = "/open311/"


def is_usable_text(text: str) -> bool:
    return not _UNUSABLE.search(text)


def _query_is_usable(query) -> bool:
    return all(
        is_usable_text(name) and all(is_usable_text(value) for value in values)
        for name, values in query.lists()
    )


def request_is_usable(request) -> bool:
    """The address and the query string; for the API (which has no form to keep) the body's
    fields too."""
    if not is_usable_text(request.path) or not _query_is_usable(request.GET):
        return False
    if request.method == "POST" and request.path.startswith(OPEN311_PREFIX):
        return _query_is_usable(request.POST)
    return True


def unusable_request_response(request):
    """400 in the portal's own words: the API's error document, or the portal's error page."""
    message = _(
        "The address or the data sent contains a character that cannot be used (a NUL byte "
        "or a broken character). Check the link or what you typed, and try again."
    )
    if request.path.startswith(OPEN311_PREFIX):
        # Imported here: the project package does not depend on the reports app at import time.
        from reports.open311.formats import render_errors

        fmt = "xml" if request.path.endswith(".xml") else "json"
        return render_errors(fmt, 400, message)
    return render(request, "400.html", {"message": message}, status=400)


class UnusableInputMiddleware:
    """Answers 400 before any view when the address or query string holds unusable text."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request_is_usable(request):
            return unusable_request_response(request)
        return self.get_response(request)
