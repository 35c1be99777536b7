"""Who is asking: the client's address, for rate limits (django-ratelimit) and sign-in lockouts
(django-axes). django-ipware reads it from the request headers named in
IPWARE_META_PRECEDENCE_ORDER, so both libraries agree on who the client is."""

from ipware import get_client_ip

# A request with no usable address (a proxy on a Unix socket that sets no header) still needs
# a key: such clients share one allowance rather than escaping the limits.
UNKNOWN_ADDRESS = "0.0.0.0"


def client_ip(request) -> str:
    address, _publicly_routable = get_client_ip(request)
    return address or UNKNOWN_ADDRESS
