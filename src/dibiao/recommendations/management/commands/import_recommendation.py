"""Create a draft recommendation from a JSON file of data/recommendation.schema.json.

The file is checked as a whole first: every invalid field is printed to stderr (dotted path
and message) and nothing is created. A valid file becomes a draft of the implementing unit
`--unit` (its division code) in the round of `--round` (its year).

Who creates it: the unit's first active implementing officer (the lowest id), or the one
named by `--actor`. The draft belongs to the unit, and the creator recorded on it and on its
CREATE transition must be a real account of that unit, so that the same rules apply as on
the page (only officers of the unit; the round open; its deadline for the province not
passed). A unit without an officer gets an account first, then the import.
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from dibiao.accounts.choices import Role
from dibiao.accounts.models import User
from dibiao.core.errors import DomainError
from dibiao.organisations.choices import Kind
from dibiao.organisations.models import Organisation
from dibiao.recommendations import schema, services
from dibiao.rounds.models import Round


class Command(BaseCommand):
    help = "Create a draft recommendation from JSON of data/recommendation.schema.json, or list every invalid field."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a UTF-8 JSON file")
        parser.add_argument(
            "--unit", required=True, help="the implementing unit's division code, e.g. 340100"
        )
        parser.add_argument("--round", required=True, type=int, help="the round's year, e.g. 2021")
        parser.add_argument(
            "--actor", help="user name of the unit's officer who creates it (default: the first)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("zh-hans"):
            self._import(options)

    def _import(self, options: dict[str, Any]) -> None:
        data = self._read(options["file"])
        unit = self._unit(options["unit"])
        round = Round.objects.filter(year=options["round"]).first()
        if round is None:
            raise CommandError(_("There is no round of %(year)s.") % {"year": options["round"]})
        actor = self._actor(unit, options.get("actor"))

        content = schema.normalise(data)
        problems = schema.validate(content, for_submission=False)
        if problems:
            for problem in problems:
                self.stderr.write(f"{problem.field}: {problem.message}")
            raise CommandError(_("%(count)d invalid fields; nothing was created.") % {"count": len(problems)})
        try:
            rec = services.create_draft(actor=actor, round=round, data=content)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(str(rec.pk))

    def _read(self, path: Path) -> dict[str, Any]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}
            ) from error
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(
                _("%(path)s is not UTF-8 JSON: %(error)s") % {"path": path, "error": error}
            ) from error
        if not isinstance(data, dict):
            raise CommandError(_("%(path)s does not hold a JSON object.") % {"path": path})
        return data

    def _unit(self, code: str) -> Organisation:
        units = list(Organisation.objects.filter(kind=Kind.IMPLEMENTING, code=code, is_active=True)[:2])
        if len(units) != 1:
            message = (
                _("No active implementing unit has the code %(code)s.")
                if not units
                else _("Several active implementing units have the code %(code)s.")
            )
            raise CommandError(message % {"code": code})
        return units[0]

    def _actor(self, unit: Organisation, username: str | None) -> User:
        officers = User.objects.filter(role=Role.IMPLEMENTING, organisation=unit, is_active=True).order_by(
            "pk"
        )
        if username:
            officers = officers.filter(username=username)
        actor = officers.first()
        if actor is None:
            message = (
                _("The unit %(code)s has no active implementing officer named %(username)s.")
                if username
                else _(
                    "The unit %(code)s has no active implementing officer; create an account for it first."
                )
            )
            raise CommandError(message % {"code": unit.code, "username": username})
        return actor
