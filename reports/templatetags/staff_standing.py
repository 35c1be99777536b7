"""The staff member's standing for the dashboard's menu (read once per request and kept on
the user, see ``reports.permissions.staff_access``)."""

from django import template

from reports.permissions import staff_access

register = template.Library()


@register.simple_tag
def standing_of(user):
    return staff_access(user)
