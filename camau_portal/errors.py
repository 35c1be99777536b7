"""The pages a person sees when something goes wrong (404, 403, 429, CSRF failure, 500), in the
portal's layout and the language they browse in.

The 500 page renders from the template alone, with no request context: no context processor
runs, so a broken database or session cannot break the page that reports the breakage.
"""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django_ratelimit.exceptions import Ratelimited

# How long a person is asked to wait after a rate limit (the limits count per hour).
RETRY_AFTER_SECONDS = 3600


@requires_csrf_token
def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


@requires_csrf_token
def permission_denied(request, exception=None):
    # django-ratelimit refuses with Ratelimited, a PermissionDenied: too many requests, not
    # a lack of rights, so the person is told to wait rather than that they may not.
    if isinstance(exception, Ratelimited):
        response = render(request, "errors/429.html", status=429)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return render(request, "errors/403.html", status=403)


def csrf_failure(request, reason=""):
    """The form was sent without its security token (an old tab, cookies blocked, a page kept
    open across a sign-in): the person is told how to send it again."""
    return render(request, "errors/403_csrf.html", status=403)


@requires_csrf_token
def server_error(request):
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
