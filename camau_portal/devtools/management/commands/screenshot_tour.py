from pathlib import Path

from django.core.management.base import BaseCommand

from camau_portal.devtools.screenshot_tour import LANGUAGES, SIZES, take_tour


class Command(BaseCommand):
    help = (
        "Screenshots of every key page of a running portal (phone and desktop, Vietnamese and "
        "English), signed in with the demo accounts, as full-page PNGs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")
        parser.add_argument("--out", type=Path, default=Path("var/screenshots"))
        parser.add_argument("--size", action="append", choices=list(SIZES), dest="sizes")
        parser.add_argument("--language", action="append", choices=LANGUAGES, dest="languages")
        parser.add_argument("--only", action="append", help="a stop's name (home, map, …)")

    def handle(self, *args, base_url, out, sizes, languages, only, **options):
        saved = take_tour(
            base_url=base_url.rstrip("/"),
            out_dir=out,
            sizes=tuple(sizes or SIZES),
            languages=tuple(languages or LANGUAGES),
            only=set(only) if only else None,
            progress=self.stdout.write,
        )
        self.stdout.write(f"{len(saved)} screenshots in {out}")
