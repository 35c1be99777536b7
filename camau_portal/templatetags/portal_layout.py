"""The portal's layout: menu links that mark the page the person is on."""

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def menu_link(context, view_name: str, label: str, *also_current: str):
    """One menu item; ``aria-current="page"`` on the link of the page being shown (or of one
    of ``also_current``, views that belong to the same menu entry).

    Error pages render without a request (500) or without a resolved view (404): no link is
    current there.
    """
    try:
        url = reverse(view_name)
    except NoReverseMatch:
        return ""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    current = match is not None and match.view_name in (view_name, *also_current)
    if current:
        return format_html('<li><a href="{}" aria-current="page">{}</a></li>', url, label)
    return format_html('<li><a href="{}">{}</a></li>', url, label)


@register.simple_tag
def portal_hotline() -> str:
    """The hotline the footer and the error pages show (``PORTAL_HOTLINE``)."""
    return settings.PORTAL_HOTLINE


@register.simple_tag
def portal_contact_email() -> str:
    return settings.PORTAL_CONTACT_EMAIL
