from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from camau_portal.devtools.app_icons import write_app_icons


class Command(BaseCommand):
    help = "Draw the installed app's icons into static/icons/ (PNG, from code; nothing fetched)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--folder", type=Path, default=Path(settings.BASE_DIR) / "static" / "icons"
        )

    def handle(self, *args, folder, **options):
        for path in write_app_icons(folder):
            self.stdout.write(f"{path} ({path.stat().st_size} bytes)")
