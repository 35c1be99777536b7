"""Who is asking: the client's address, for rate limits and login lockouts."""

from django.conf import settings


def client_address(request) -> str:
    """The client's address. Behind a proxy, set TRUSTED_PROXY_HEADER (for example
    "HTTP_X_REAL_IP") to a header only the proxy can set; otherwise every client would share
    the proxy's address, or could forge its own."""
    if request is None:
        return ""
    header = settings.TRUSTED_PROXY_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")
