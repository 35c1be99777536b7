"""Admin list pages that stay fast on big tables.

Django's paginator counts every matching row; on a million reports that is a long scan for
each page view. This one counts at most ``CAP`` rows (``SELECT COUNT(*) FROM (... LIMIT)``),
so the cost is bounded; past the cap the admin offers the first ``CAP`` rows and a search or a
filter narrows the rest.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    CAP = 10_000

    @cached_property
    def count(self):
        try:
            return self.object_list.order_by()[: self.CAP].count()
        except (AttributeError, TypeError):
            return len(self.object_list)
