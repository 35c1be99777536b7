"""The service's statements: privacy and accessibility (linked from every page's footer)."""

from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def privacy(request):
    return render(request, "pages/privacy.html")


@require_safe
def accessibility(request):
    return render(request, "pages/accessibility.html")
