"""The Django admin's titles: the province's administration of the portal, not Django's."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Field report portal · Administration")
admin.site.site_title = _("Field report portal administration")
admin.site.index_title = _("Catalogue, accounts and reports")
# No navigation column beside every page: the report list needs the width for its columns and
# filters (the index and the breadcrumbs lead everywhere the column did).
admin.site.enable_nav_sidebar = False
