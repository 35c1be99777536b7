from django.core.management.base import BaseCommand

from camau_portal.devtools.page_weight import measure_page


class Command(BaseCommand):
    help = "Print the bytes a page transfers (HTML and our static assets, gzip as served)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", default=["/reports/new/", "/"])

    def handle(self, *args, paths, **options):
        for path in paths:
            weight = measure_page(path)
            self.stdout.write(f"{path}: {weight.total_bytes / 1024:.1f} KiB transferred")
            self.stdout.write(f"  html {weight.html_bytes / 1024:.1f} KiB")
            for url, size in sorted(weight.assets.items(), key=lambda item: -item[1]):
                self.stdout.write(f"  {url} {size / 1024:.1f} KiB")
