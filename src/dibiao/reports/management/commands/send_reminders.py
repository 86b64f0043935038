from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from dibiao.reports.reminders import send_summary_reminders
from dibiao.reports.tasks import schedule_next_run


class Command(BaseCommand):
    help = (
        "Send the annual-summary reminders that are due now (7 days and 1 day before 10 December) "
        "to the provinces that have not submitted. Each reminder goes out once, however often this "
        "runs: run it daily from cron, e.g. `0 9 * * * cd /srv/dibiao && .venv/bin/python manage.py "
        "send_reminders`, or start the task worker's daily run once with --schedule."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Also enqueue the daily run on the task worker (09:00 Beijing time), unless one is waiting.",
        )

    def handle(self, *args: object, **options: object) -> None:
        run = send_summary_reminders()
        if run.kind is None:
            self.stdout.write(_("No reminder is due now."))
        else:
            self.stdout.write(
                _("%(year)d, %(kind)s: %(provinces)d provinces reminded, %(emails)d e-mails sent.")
                % {"year": run.year, "kind": run.kind, "provinces": run.provinces, "emails": run.emails}
            )
            if run.failed:
                self.stderr.write(
                    _("Not sent: %(count)d e-mail(s); the next run tries them again.") % {"count": run.failed}
                )
            if run.interrupted:
                self.stderr.write(
                    _(
                        "Interrupted while being sent: %(count)d e-mail(s); they are not sent again. "
                        "Check the mail server's log whether they went out."
                    )
                    % {"count": run.interrupted}
                )
        if options["schedule"]:
            if schedule_next_run():
                self.stdout.write(_("The daily run is scheduled on the task worker."))
            else:
                self.stdout.write(
                    _(
                        "The daily run was not scheduled: one is waiting already, or the task backend cannot defer."
                    )
                )
