"""Build the overlap index of a round: `manage.py index_overlap 2021`."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dibiao.reviews import overlap
from dibiao.rounds.models import Round


class Command(BaseCommand):
    help = "Index the long texts and GI names of a round (and the rounds before it) for the overlap check."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int, help="the round's year, e.g. 2021")

    def handle(self, *args: Any, **options: Any) -> None:
        round = Round.objects.filter(year=options["year"]).first()
        if round is None:
            raise CommandError(f"There is no round for {options['year']}.")
        count = overlap.index_round(round)
        self.stdout.write(f"{count} recommendations indexed for the overlap check of {round.year}.")
