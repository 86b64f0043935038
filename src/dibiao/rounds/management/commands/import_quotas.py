from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dibiao.core.errors import DomainError, ImportProblems
from dibiao.rounds.models import Round
from dibiao.rounds.services import import_quotas


class Command(BaseCommand):
    help = (
        "Replace a round's quotas with a .csv or .xlsx file (columns province_code,unit_name,quota), "
        "e.g. import_quotas --round 2021 data/quota-2021.csv. Nothing changes if any row is wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", type=int, required=True, metavar="YEAR", help="the round's year")
        parser.add_argument("file", type=Path, help="the .csv or .xlsx file")
        parser.add_argument("--basis", default="", help="text shown beside every imported quota")

    def handle(self, *args: Any, **options: Any) -> None:
        year, path = options["round"], options["file"]
        try:
            round = Round.objects.get(year=year)
        except Round.DoesNotExist:
            raise CommandError(_("There is no round for %(year)s.") % {"year": year}) from None
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}
            ) from None
        try:
            caps = import_quotas(round, data, actor=None, basis=options["basis"])
        except ImportProblems as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError(error.message) from None
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            _("%(year)s: %(count)s quotas imported, total %(total)s.")
            % {"year": year, "count": len(caps), "total": sum(caps.values())}
        )
