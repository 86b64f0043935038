"""Permission-matrix rows of the documents pages (tests/permission_matrix.py explains them).

The objects: Hefei's (Anhui) recommendation submitted to Anhui in the 2021 round, and a draft
of Hefei's that was never submitted; an archive that Anhui's officer asked for. Zhejiang's and
Hangzhou's officers must see nothing of them (404). Rounds' downloads are for the national
administrator and the provincial officers; the quota table and the paper check for the
national administrator alone.
"""

from tests.permission_matrix import for_roles

HIDDEN = {"zhejiang_officer": 404, "hangzhou_officer": 404, "expert_from_anhui": 404}
READERS_OF_SUBMITTED = {
    "anonymous": 302,
    "national_admin": 200,
    "hefei_officer": 200,
    "anhui_officer": 200,
    **HIDDEN,
}
READERS_OF_DRAFT = {
    "anonymous": 302,
    "national_admin": 200,
    "hefei_officer": 200,
    "anhui_officer": 404,
    **HIDDEN,
}
ROUND_EXPORTERS = {"anonymous": 302, "national_admin": 200, "anhui_officer": 200, "zhejiang_officer": 200}
ADMIN_ONLY = {"anonymous": 302, "national_admin": 200}
FILE_READERS = {"anonymous": 302, "national_admin": 200, "anhui_officer": 200, "hefei_officer": 404, **HIDDEN}


def _submitted(get):
    from dibiao.recommendations.choices import State
    from dibiao.recommendations.models import Recommendation
    from tests.factories import submitted_recommendation

    officer = get("hefei_officer")
    found = Recommendation.objects.filter(
        implementing_unit=officer.organisation, state=State.SUBMITTED
    ).first()
    return found or submitted_recommendation(officer, get("round_2021"))


def submitted(get):
    return {"pk": _submitted(get).pk}


def draft(get):
    from tests.factories import draft_recommendation

    return {"pk": draft_recommendation(get("hefei_officer"), get("round_2021")).pk}


def a_round(get):
    return {"round_pk": get("round_2021").pk}


def _archive(get, *, ready):
    import datetime as dt
    from pathlib import Path

    from django.conf import settings
    from django.utils import timezone

    from dibiao.documents.choices import FileKind, FileStatus
    from dibiao.documents.models import GeneratedFile

    officer = get("anhui_officer")
    path = ""
    if ready:
        path = "exports/matrix.zip"
        target = Path(settings.MEDIA_ROOT) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    generated = GeneratedFile.objects.create(
        kind=FileKind.ARCHIVE,
        round=get("round_2021"),
        province=officer.organisation,
        requested_by=officer,
        status=FileStatus.DONE if ready else FileStatus.RUNNING,
        progress=100 if ready else 40,
        path=path,
        filename="2021年推荐书-安徽省知识产权局.zip",
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    return {"pk": generated.pk}


def archive_being_built(get):
    return _archive(get, ready=False)


def archive_ready(get):
    return _archive(get, ready=True)


def made_of_a_word_file(get):
    """A draft of Hefei's made of a Word file (the import's report page)."""
    from dibiao.documents import content, word
    from dibiao.documents.word_import import create_draft_from_docx
    from tests.documents.factories import FULL_DATA

    officer = get("hefei_officer")
    form = content.build(FULL_DATA, rec_id=0, number=None, year=2021, state="draft", attachments=[])
    result = create_draft_from_docx(
        actor=officer, round=get("round_2021"), data=word.docx_bytes(form), filename="推荐书.docx"
    )
    return {"pk": result.recommendation.pk}


def with_round(data):
    def build(get):
        get("round_2021")
        return data

    return build


ROWS = [
    # One recommendation's copies: whoever may read it; a draft is its unit's (and CNIPA's).
    *for_roles("documents:word", kwargs=submitted, **READERS_OF_SUBMITTED),
    *for_roles("documents:word", kwargs=draft, label="draft", **READERS_OF_DRAFT),
    *for_roles("documents:pdf", kwargs=submitted, **READERS_OF_SUBMITTED),
    *for_roles("documents:print", kwargs=submitted, **READERS_OF_SUBMITTED),
    *for_roles("documents:print", kwargs=draft, label="draft", **READERS_OF_DRAFT),
    # The paper check: CNIPA's clerk. A code that matches nothing cannot be recorded.
    *for_roles("documents:paper_check", **ADMIN_ONLY, others=403),
    *for_roles(
        "documents:paper_check",
        method="POST",
        data={"code": "ffffffffffff"},
        anonymous=302,
        national_admin=400,
        others=403,
    ),
    # A round's downloads.
    *for_roles("documents:round_exports", kwargs=a_round, **ROUND_EXPORTERS, others=403),
    *for_roles("documents:summary_xlsx", kwargs=a_round, **ROUND_EXPORTERS, others=403),
    *for_roles(
        "documents:archive_start",
        kwargs=a_round,
        method="POST",
        anonymous=302,
        national_admin=302,
        anhui_officer=302,
        zhejiang_officer=302,
        others=403,
    ),
    *for_roles("documents:quota_xlsx", kwargs=a_round, **ADMIN_ONLY, others=403),
    *for_roles("documents:generated", kwargs=archive_being_built, **FILE_READERS),
    *for_roles("documents:generated_download", kwargs=archive_ready, **FILE_READERS),
    # Starting a draft from a Word file: implementing officers (documents/import_views.py).
    *for_roles(
        "documents:import_docx",
        data=with_round({}),
        anonymous=302,
        hefei_officer=200,
        hangzhou_officer=200,
        others=403,
    ),
    *for_roles(
        "documents:import_report",
        kwargs=made_of_a_word_file,
        anonymous=302,
        national_admin=403,
        hefei_officer=200,
        anhui_officer=404,
        **HIDDEN,
    ),
]
