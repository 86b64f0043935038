from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dibiao.reports.notice import NoticeFormatError
from dibiao.reports.services import load_action_tasks

NOTICE_FILE = Path(settings.DATA_DIR) / "cnipa-2021-20-notice.txt"


class Command(BaseCommand):
    help = (
        "Load the four actions of notice 国知发运字〔2021〕20号 (section 二), their numbered tasks "
        "and the departments responsible, from the notice's text. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file", type=Path, default=NOTICE_FILE, help=f"The notice as text (default: {NOTICE_FILE})."
        )

    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["file"]  # type: ignore[assignment]
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error}
            ) from error
        try:
            result = load_action_tasks(text)
        except NoticeFormatError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("%(actions)d actions, %(tasks)d tasks, %(linked)d links to departments.")
            % {"actions": result.actions, "tasks": result.tasks, "linked": result.departments_linked}
        )
        if result.unknown_departments:
            self.stderr.write(
                _("No organisation found for: %(names)s (run load_divisions first).")
                % {"names": "、".join(result.unknown_departments)}
            )
