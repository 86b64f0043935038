import datetime as dt
import unicodedata
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dibiao.core.errors import DomainError, ImportProblems
from dibiao.organisations.choices import DivisionLevel, Kind, Level
from dibiao.organisations.queries import DIVISIONS_AS_OF
from dibiao.organisations.services import LoadReport, load_divisions


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    space = " " * max(width - _width(text), 0)
    return space + text if right else text + space


def table(header: list[str], rows: list[list[str]], numeric_from: int = 1) -> list[str]:
    """Plain-text columns that stay aligned with Chinese (double-width) characters."""
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row: list[str]) -> str:
        return "  ".join(
            _pad(cell, widths[i], right=i >= numeric_from) for i, cell in enumerate(row)
        ).rstrip()

    return [line(header), "  ".join("-" * w for w in widths), *(line(row) for row in rows)]


class Command(BaseCommand):
    help = (
        "Load the GB/T 2260 division history from data/divisions and create the organisations "
        "of the list in force on the given date. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of",
            type=dt.date.fromisoformat,
            default=DIVISIONS_AS_OF,
            help="Date whose division list applies, YYYY-MM-DD (default: 2020-12-31).",
        )
        parser.add_argument("--data-dir", type=Path, default=None, help="Directory holding result.csv.")
        parser.add_argument(
            "--quota-file", type=Path, default=None, help="The quota CSV naming the provinces."
        )

    def handle(self, *args: object, **options: object) -> None:
        try:
            report = load_divisions(
                options["as_of"],  # type: ignore[arg-type]
                divisions_dir=options["data_dir"],  # type: ignore[arg-type]
                quota_file=options["quota_file"],  # type: ignore[arg-type]
            )
        except ImportProblems as error:
            raise CommandError("\n".join([error.message, *error.problems])) from error
        except DomainError as error:
            raise CommandError(error.message) from error
        for line in self.describe(report):
            self.stdout.write(line)

    def describe(self, report: LoadReport) -> list[str]:
        lines = [
            _("Divisions: %(rows)s rows in the file, %(created)s created, %(updated)s updated.")
            % {
                "rows": report.divisions_in_file,
                "created": report.divisions_created,
                "updated": report.divisions_updated,
            },
            _(
                "List in force on %(date)s (end of %(year)s): %(count)s divisions, of which "
                "%(provinces)s province-level, %(prefectures)s prefecture-level and %(counties)s county-level."
            )
            % {
                "date": report.as_of.isoformat(),
                "year": report.year,
                "count": report.divisions_in_force,
                "provinces": report.divisions_by_level.get(DivisionLevel.PROVINCE, 0),
                "prefectures": report.divisions_by_level.get(DivisionLevel.PREFECTURE, 0),
                "counties": report.divisions_by_level.get(DivisionLevel.COUNTY, 0),
            },
        ]
        if report.checked_against:
            lines.append(_("Checked against %(file)s: the same list.") % {"file": report.checked_against})
        lines.append(
            _("Organisations: %(created)s created, %(updated)s updated, %(deactivated)s made inactive.")
            % {
                "created": report.organisations_created,
                "updated": report.organisations_updated,
                "deactivated": report.organisations_deactivated,
            }
        )
        if not report.changed:
            lines.append(self.style.SUCCESS(_("Nothing changed: everything was already loaded.")))
        lines += ["", _("Active organisations by kind:")]
        kind_rows = [[str(kind.label), str(report.by_kind.get(kind.value, 0))] for kind in Kind]
        kind_rows += [
            ["  " + str(level.label), str(report.by_level.get(level.value, 0))]
            for level in Level
            if report.by_level.get(level.value)
        ]
        lines += table([_("Kind"), _("Count")], kind_rows)
        lines += ["", _("Implementing units by province:")]
        levels = list(Level)
        province_rows = [
            [code, name, *(str(counts.get(level.value, 0)) for level in levels), str(sum(counts.values()))]
            for code, name, counts in report.by_province
        ]
        totals = [str(report.by_level.get(level.value, 0)) for level in levels]
        province_rows.append(["", _("Total"), *totals, str(sum(report.by_level.values()))])
        header = [_("Code"), _("Provincial unit"), *(str(level.label) for level in levels), _("Total")]
        lines += table(header, province_rows, numeric_from=2)
        return lines
