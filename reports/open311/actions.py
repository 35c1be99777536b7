"""Writes on Open311 API keys: revoking a key, with who did it and when on the record."""

from __future__ import annotations

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override as translation_override

from reports.models import ApiKey


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey, acting_user) -> ApiKey:
    """Stops ``api_key`` working at once: the next request signed with it is refused.

    Only users allowed to change API keys may revoke one. The revocation is written to the
    admin's history of the key (``LogEntry``: who, when, what changed), next to the admin's
    own record of its issue and edits, so the key's whole story is on one page. Revoking is
    final; a partner that needs access again gets a new key. Revoking a revoked key changes
    and records nothing.
    """
    if (
        acting_user is None
        or not acting_user.is_active
        or not acting_user.has_perm("reports.change_apikey")
    ):
        raise PermissionDenied(_("You may not revoke API keys."))
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if not api_key.is_active:
        return api_key
    api_key.is_active = False
    api_key.save(update_fields=["is_active"])
    # Stored like the admin's own change messages: untranslated, so the history page shows
    # it in the reader's language.
    with translation_override(None):
        field_name = str(ApiKey._meta.get_field("is_active").verbose_name)
    LogEntry.objects.log_actions(
        user_id=acting_user.pk,
        queryset=[api_key],
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": [field_name]}}],
    )
    return api_key
