from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dibiao.documents import fonts


class Command(BaseCommand):
    help = (
        "Make the compact copies of the Noto CJK fonts that the PDFs use (under var/fonts), so that "
        "the first PDF after a deployment does not have to. Prints each copy."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        copies = fonts.available()
        if not copies:
            raise CommandError(
                "The compact fonts could not be made (is fonts-noto-cjk installed, with HarfBuzz?); "
                "PDFs will use the system fonts, more slowly."
            )
        for name, (path, _weight) in sorted(copies.items()):
            self.stdout.write(f"{name}: {path} ({path.stat().st_size // 1024} KiB)")
