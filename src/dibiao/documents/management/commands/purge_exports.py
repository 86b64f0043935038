from typing import Any

from django.core.management.base import BaseCommand

from dibiao.documents import services


class Command(BaseCommand):
    help = (
        "Delete the round archives that have expired (after 7 days) and the cached PDFs that nobody "
        "used for 30 days. Safe to run at any time, e.g. daily from cron."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        removed = services.purge_expired()
        self.stdout.write(f"{removed} expired file(s) deleted")
