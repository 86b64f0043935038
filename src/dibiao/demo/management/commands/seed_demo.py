from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

from dibiao.demo.seed import DEMO_PASSWORD, seed


class Command(BaseCommand):
    help = "Builds the demo data (idempotent) and prints the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("zh-hans"):
            report = seed()
            if report.created:
                self.stdout.write("Created: " + ", ".join(report.created))
            else:
                self.stdout.write("Demo data already in place; nothing changed.")
            self.stdout.write("")
            self.stdout.write(
                "Demo logins at http://127.0.0.1:8000 (password for all: " + DEMO_PASSWORD + ")"
            )
            for username, role, org in report.logins:
                self.stdout.write(f"  {username:<10} {role:<14} {org}")
            self.stdout.write("")
