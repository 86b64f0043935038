"""Read a filled Attachment 1 Word file and print what it holds, as JSON.

    manage.py import_docx --json FILE

prints {"recommendation": <data/recommendation.schema.json>, "problems": [{"field", "message"}]}
and exits 0 for a file it can read, problems or not. A file it refuses (not a Word file,
damaged, unsafe, too large, not the form) gets its reason on stderr and exit status 1.
Without --json it prints the problems, one a line, with the field's label. Nothing is
written to the database.
"""

import contextlib
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from dibiao.documents.word_import import MAX_FILE_BYTES, MAX_FILE_MB, DocxRefused, read_docx
from dibiao.recommendations.forms import label_for
from dibiao.recommendations.schema import Problem


class Command(BaseCommand):
    help = "Read a filled Attachment 1 (.docx) and print its recommendation and problems as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the filled Attachment 1, a .docx file")
        parser.add_argument(
            "--json",
            action="store_true",
            help="print the recommendation and the problems as JSON (without it: the problems, one a line)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("zh-hans"):
            data = self._read(options["file"])
            try:
                recommendation, problems = read_docx(data)
            except DocxRefused as error:
                raise CommandError(error.message) from None
            if not options["json"]:
                self._summary(recommendation, problems)
                return
        result = {
            "recommendation": recommendation,
            "problems": [{"field": problem.field, "message": problem.message} for problem in problems],
        }
        self.stdout.ending = ""
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")

    def _summary(self, recommendation: dict[str, Any], problems: list[Problem]) -> None:
        self.stdout.write(str(recommendation.get("project_name") or _("(no project name)")))
        for problem in problems:
            self.stdout.write(f"{label_for(problem.field)} ({problem.field}): {problem.message}")
        self.stdout.write(_("%(count)d problems.") % {"count": len(problems)})

    def _read(self, path: Path) -> bytes:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(
                    _("A Word file may be at most %(max)d MB; this one has %(size).1f MB.")
                    % {"max": MAX_FILE_MB, "size": path.stat().st_size / 1024 / 1024}
                )
            with path.open("rb") as file:
                return file.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}
            ) from None

    def execute(self, *args: Any, **options: Any) -> Any:
        # The JSON and the messages are UTF-8 whatever the terminal's locale says.
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(AttributeError, ValueError, OSError):
                stream.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
        return super().execute(*args, **options)
