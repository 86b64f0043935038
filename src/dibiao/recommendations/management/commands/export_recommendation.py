"""Print one recommendation as the schema's JSON (data/recommendation.schema.json)."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dibiao.recommendations.models import Recommendation
from dibiao.recommendations.schema import as_interchange


class Command(BaseCommand):
    help = (
        "Print a recommendation as JSON of data/recommendation.schema.json (UTF-8), with its number and year."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("id", type=int, help="the recommendation's id")

    def handle(self, *args: Any, **options: Any) -> None:
        rec = Recommendation.objects.select_related("round").filter(pk=options["id"]).first()
        if rec is None:
            raise CommandError(_("There is no recommendation %(id)s.") % {"id": options["id"]})
        self.stdout.write(json.dumps(as_interchange(rec), ensure_ascii=False, indent=2))
