import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dibiao.core.errors import DomainError, ImportProblems
from dibiao.organisations.choices import CountyList
from dibiao.organisations.queries import DIVISIONS_AS_OF
from dibiao.organisations.services import import_county_list


class Command(BaseCommand):
    help = (
        "Replace one of the two county lists (脱贫县, 国家乡村振兴重点帮扶县) with the county codes "
        "in the first column of a .csv or .xlsx file. Nothing changes if any code is unknown."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", required=True, choices=CountyList.values, dest="county_list")
        parser.add_argument(
            "--as-of",
            type=dt.date.fromisoformat,
            default=DIVISIONS_AS_OF,
            help="Date whose division list the codes are checked against (default: 2020-12-31).",
        )
        parser.add_argument("file", type=Path)

    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["file"]  # type: ignore[assignment]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error}
            ) from error
        try:
            result = import_county_list(
                options["county_list"],  # type: ignore[arg-type]
                data=data,
                filename=path.name,
                as_of=options["as_of"],  # type: ignore[arg-type]
            )
        except ImportProblems as error:
            raise CommandError("\n".join([error.message, *error.problems])) from error
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            _("%(list)s: %(count)s counties (%(added)s added, %(removed)s removed).")
            % {
                "list": CountyList(result.county_list).label,
                "count": result.count,
                "added": result.added,
                "removed": result.removed,
            }
        )
