import re
from urllib.parse import urlparse

from django.core import mail


def link_in_last_email(to: str, path_prefix: str) -> str:
    """The path of the first link starting with ``path_prefix`` in the last email to ``to``."""
    message = [message for message in mail.outbox if to in message.to][-1]
    for url in re.findall(r"https?://\S+", message.body):
        path = urlparse(url).path
        if path.startswith(path_prefix):
            return path
    raise AssertionError(f"No {path_prefix} link in: {message.body}")
