"""Uploading a filled Attachment 1: a new draft with what the file holds, and a report by field."""

import dataclasses

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, include, path, reverse

import dibiao.urls as project_urls
from dibiao.core.models import AuditEvent
from dibiao.documents import import_urls
from dibiao.documents import urls as documents_urls
from dibiao.recommendations.choices import Action, State
from dibiao.recommendations.models import Recommendation
from dibiao.rounds.choices import RoundState
from tests.documents.fixtures.attachment1 import OFFICIAL, WPS, build, full

# The project's URLs with the import's pages in the documents namespace, whether or not
# documents/urls.py includes them yet.
_names = {getattr(pattern, "name", None) for pattern in documents_urls.urlpatterns}
_documents = [*documents_urls.urlpatterns, *(p for p in import_urls.urlpatterns if p.name not in _names)]
urlpatterns = [
    *(
        pattern
        for pattern in project_urls.urlpatterns
        if not (isinstance(pattern, URLResolver) and pattern.namespace == "documents")
    ),
    path("documents/", include((_documents, "documents"))),
]

pytestmark = [pytest.mark.integration, pytest.mark.django_db, pytest.mark.urls(__name__)]

IMPORT_URL = "documents:import_docx"


def upload(client, data: bytes, name: str = "推荐书.docx"):
    return client.post(reverse(IMPORT_URL), {"file": SimpleUploadedFile(name, data)})


def expected_draft_data():
    """What a draft holds after importing full(): the unit's own parts; the cover's units are
    the organisations'; the number, the province's parts and the approval stay empty."""
    data = full()
    del data["number"], data["year"]
    data["implementing_unit"]["name"] = "合肥市市场监督管理局（知识产权局）"
    data["recommending_unit"]["name"] = "安徽省知识产权局"
    data["recommender_support"] = None
    data["recommending_opinion"] = {"text": None, "signer": None, "date": None}
    data["approval"] = None
    return data


@pytest.fixture
def anhui_named(anhui):
    anhui.name = "安徽省知识产权局"
    anhui.save(update_fields=["name"])
    return anhui


def test_the_upload_page_shows_the_open_round(client, round_2021, hefei_officer):
    client.force_login(hefei_officer)

    response = client.get(reverse(IMPORT_URL))

    assert response.status_code == 200
    assert round_2021.title in response.content.decode()


def test_a_uploaded_form_becomes_a_new_draft_with_every_field_read(
    client, round_2021, anhui_named, hefei_officer
):
    client.force_login(hefei_officer)

    response = upload(client, build(style=WPS))

    rec = Recommendation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:import_report", kwargs={"pk": rec.pk})
    assert (rec.round, rec.implementing_unit, rec.state) == (
        round_2021,
        hefei_officer.organisation,
        State.DRAFT,
    )
    assert rec.project_name == "长丰草莓地理标志助力乡村振兴项目"
    assert rec.data == expected_draft_data()
    assert [t.action for t in rec.transitions.all()] == [Action.CREATE]
    event = AuditEvent.objects.get(verb="recommendation.imported_from_docx")
    assert (event.actor, event.object_id) == (hefei_officer, str(rec.pk))
    assert event.data["problems"] == []
    assert event.data["not_imported"] == ["number", "recommender_support", "recommending_opinion"]
    assert event.data["filename"] == "推荐书.docx"


def test_the_report_lists_each_missing_or_invalid_field_with_its_label_and_a_link(
    client, round_2021, hefei_officer
):
    data = full()
    data["implementing_unit"]["contact"]["mobile"] = None
    data["geographical_indications"][1]["approvals"][0]["date"] = None
    style = dataclasses.replace(
        OFFICIAL, phone_formats={"implementing_unit.responsible.mobile": "1390551000"}
    )
    client.force_login(hefei_officer)
    rec_response = upload(client, build(data, style))
    rec = Recommendation.objects.get()

    response = client.get(rec_response["Location"])

    page = response.content.decode()
    edit = reverse("recommendations:edit", kwargs={"pk": rec.pk})
    assert response.status_code == 200
    assert [line.field for line in response.context["lines"]] == [
        "implementing_unit.responsible.mobile",
        "implementing_unit.contact.mobile",
        "geographical_indications.1.approvals.0.date",
    ]
    assert [line.label for line in response.context["lines"]] == [
        "实施单位 · 负责人 · 手机",
        "实施单位 · 联系人 · 手机",
        "二、地理标志 · 第2项 · 第1个批准机构 · 批准时间",
    ]
    assert f'href="{edit}#f-implementing_unit-contact-mobile"' in page
    assert "此项为必填项。" in page
    assert "有 3 项需要核对" in page
    # What could be read is in the draft; what is invalid is kept as written, to correct.
    assert rec.data["implementing_unit"]["responsible"]["mobile"] == "1390551000"
    assert rec.data["implementing_unit"]["contact"]["name"] == "张晓燕"


def test_a_refused_file_shows_its_reason_on_the_upload_page_and_creates_nothing(
    client, round_2021, hefei_officer
):
    client.force_login(hefei_officer)

    response = upload(client, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048, name="推荐书.doc")

    assert response.status_code == 200
    assert "这是 Word 97-2003（.doc）或旧版 WPS 文件" in response.content.decode()
    assert Recommendation.objects.count() == 0
    assert not AuditEvent.objects.filter(verb="recommendation.imported_from_docx").exists()


def test_after_the_deadline_nothing_is_created(client, round_2021, hefei_officer, time_machine):
    time_machine.move_to("2021-09-16 09:00:00+08:00")
    client.force_login(hefei_officer)

    response = upload(client, build())

    assert response.status_code == 200
    assert "截止" in response.content.decode() or "deadline" in response.content.decode()
    assert Recommendation.objects.count() == 0


def test_without_an_open_round_the_page_says_so(client, round_2021, hefei_officer):
    round_2021.state = RoundState.CLOSED
    round_2021.save(update_fields=["state"])
    client.force_login(hefei_officer)

    get = client.get(reverse(IMPORT_URL))
    post = upload(client, build())

    assert "目前没有正在征集的推荐批次。" in get.content.decode()
    assert "目前没有正在征集的推荐批次。" in post.content.decode()
    assert Recommendation.objects.count() == 0


@pytest.mark.parametrize("role", ["zhejiang_officer", "anhui_officer", "national_admin", "expert_from_anhui"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_only_implementing_officers_may_import(client, round_2021, request, role, method):
    client.force_login(request.getfixturevalue(role))

    response = client.get(reverse(IMPORT_URL)) if method == "get" else upload(client, build())

    assert response.status_code == 403
    assert Recommendation.objects.count() == 0


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(reverse(IMPORT_URL))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_report_is_for_the_units_officers_only(client, round_2021, hefei_officer, wuhu_officer):
    client.force_login(hefei_officer)
    upload(client, build())
    rec = Recommendation.objects.get()
    url = reverse("documents:import_report", kwargs={"pk": rec.pk})

    client.force_login(wuhu_officer)
    other_unit = client.get(url)

    assert other_unit.status_code == 404


def test_a_draft_not_made_of_a_word_file_has_no_report(client, round_2021, hefei_officer):
    from dibiao.recommendations import services

    rec = services.create_draft(actor=hefei_officer, round=round_2021)
    client.force_login(hefei_officer)

    response = client.get(reverse("documents:import_report", kwargs={"pk": rec.pk}))

    assert response.status_code == 404
