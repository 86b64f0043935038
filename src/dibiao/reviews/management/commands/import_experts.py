"""Import the expert pool from an .xlsx file: `manage.py import_experts FILE --as USERNAME`."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dibiao.accounts.models import User
from dibiao.core.errors import DomainError, ImportProblems
from dibiao.reviews import services


class Command(BaseCommand):
    help = (
        "Add the experts of an .xlsx file (姓名, 单位, 专业领域, 省份, 手机, 电子邮箱, 回避单位) to the pool."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--as", dest="username", required=True, help="the national administrator importing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username__iexact=options["username"]).first()
        if actor is None:
            raise CommandError(f"No account {options['username']!r}.")
        try:
            experts = services.import_experts(options["file"].read_bytes(), actor=actor)
        except ImportProblems as error:
            raise CommandError("\n".join([error.message, *error.problems])) from None
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"{len(experts)} experts imported; their invitations are queued.")
