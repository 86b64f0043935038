"""The quota table (Attachment 2) as .csv and .xlsx, in the columns that `import_quotas` reads,
so that a file exported here imports unchanged."""

from django.utils.translation import gettext as _

from dibiao.rounds import tables
from dibiao.rounds.models import Round
from dibiao.rounds.queries import quotas_in_round
from dibiao.rounds.services import QUOTA_COLUMNS


def _quota_rows(round: Round) -> list[tuple[str, str, int]]:
    return [
        (quota.province.province_code, quota.province.name, quota.cap) for quota in quotas_in_round(round)
    ]


def quotas_csv(round: Round) -> tables.Rendered:
    return tables.Rendered(
        filename=f"quotas-{round.year}.csv",
        content_type=tables.CSV_CONTENT_TYPE,
        data=tables.csv_bytes(QUOTA_COLUMNS, _quota_rows(round)),
    )


def quotas_xlsx(round: Round) -> tables.Rendered:
    return tables.Rendered(
        filename=f"quotas-{round.year}.xlsx",
        content_type=tables.XLSX_CONTENT_TYPE,
        data=tables.xlsx_bytes(
            _("Quotas %(year)s") % {"year": round.year}, QUOTA_COLUMNS, _quota_rows(round)
        ),
    )


EXPORTERS = {"csv": quotas_csv, "xlsx": quotas_xlsx}
