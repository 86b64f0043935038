"""Typical cases: a province proposes, CNIPA edits, accepts and publishes; photos by content."""

import pytest
from django.urls import reverse

from dibiao.core.errors import DomainError
from dibiao.reports import services
from dibiao.reports.choices import CaseState, Theme
from dibiao.reports.models import CasePhoto, TypicalCase
from tests.reports.helpers import (
    accepted_case,
    case_content,
    draft_case,
    image_bytes,
    photo,
    proposed_case,
    published_case,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def test_province_proposes_and_cnipa_edits_accepts_and_publishes(client, anhui_officer, national_admin):
    client.force_login(anhui_officer)
    created = client.post(
        reverse("reports:case_create"),
        {
            "title": "赣南脐橙：一个地理标志带富一方百姓",
            "gi_name": "赣南脐橙",
            "place": "江西省赣州市",
            "industry": "柑橘",
            "themes": [Theme.BRAND, Theme.INDUSTRY],
            "year": "2022",
            "summary": "以地理标志为纽带。",
            "full_text": "赣南脐橙种植面积达一百八十万亩。",
        },
    )
    case = TypicalCase.objects.get()
    assert created["Location"] == reverse("reports:case_detail", args=[case.pk])
    client.post(reverse("reports:case_photo_add", args=[case.pk]), {"file": photo(), "caption": "果园"})
    client.post(reverse("reports:case_propose", args=[case.pk]))

    client.force_login(national_admin)
    edited = client.post(
        reverse("reports:case_edit", args=[case.pk]),
        {
            "title": "赣南脐橙：小果子做成大产业",
            "gi_name": "赣南脐橙",
            "place": "江西省赣州市",
            "industry": "柑橘",
            "themes": [Theme.INDUSTRY],
            "year": "2022",
            "summary": "以地理标志为纽带。",
            "full_text": "赣南脐橙种植面积达一百八十万亩。",
        },
    )
    client.post(reverse("reports:case_accept", args=[case.pk]))
    client.post(reverse("reports:case_publish", args=[case.pk]))

    case.refresh_from_db()
    assert edited.status_code == 302
    assert (case.state, case.title, case.province_id) == (
        CaseState.PUBLISHED,
        "赣南脐橙：小果子做成大产业",
        anhui_officer.organisation_id,
    )
    assert [row.theme for row in case.theme_rows.all()] == [Theme.INDUSTRY]
    assert case.published_at is not None
    assert [(p.caption, p.content_type, p.width, p.height) for p in case.photos.all()] == [
        ("果园", "image/jpeg", 40, 30)
    ]


def test_a_case_needs_at_least_one_action(anhui_officer):
    with pytest.raises(DomainError):
        services.create_case(actor=anhui_officer, content=case_content(themes=[]))
    assert TypicalCase.objects.count() == 0


def test_implementing_officer_cannot_propose_cases(client, hefei_officer):
    with pytest.raises(DomainError):
        draft_case(hefei_officer)
    client.force_login(hefei_officer)
    assert client.get(reverse("reports:case_create")).status_code == 403


def test_cnipa_does_not_see_a_provinces_draft(client, anhui_officer, national_admin):
    case = draft_case(anhui_officer)
    client.force_login(national_admin)

    assert client.get(reverse("reports:case_detail", args=[case.pk])).status_code == 404
    assert case not in client.get(reverse("reports:case_list")).context["page_obj"].object_list


def test_another_province_does_not_see_a_case(client, anhui_officer, zhejiang_officer, national_admin):
    case = published_case(anhui_officer, national_admin)
    client.force_login(zhejiang_officer)

    assert client.get(reverse("reports:case_detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("reports:case_edit", args=[case.pk])).status_code == 404
    assert list(client.get(reverse("reports:case_list")).context["page_obj"].object_list) == []


def test_province_cannot_change_a_proposed_case(client, anhui_officer):
    case = proposed_case(anhui_officer)
    client.force_login(anhui_officer)

    assert client.get(reverse("reports:case_edit", args=[case.pk])).status_code == 403
    with pytest.raises(DomainError):
        services.update_case(case, actor=anhui_officer, content=case_content(title="改"))


def test_cnipa_returns_a_case_with_a_reason(client, anhui_officer, national_admin):
    case = proposed_case(anhui_officer)
    client.force_login(national_admin)

    without = client.post(reverse("reports:case_return", args=[case.pk]), {"reason": " "})
    case.refresh_from_db()
    assert case.state == CaseState.PROPOSED
    returned = client.post(reverse("reports:case_return", args=[case.pk]), {"reason": "请补充产值数据。"})

    case.refresh_from_db()
    assert (without.status_code, returned.status_code) == (302, 302)
    assert (case.state, case.return_reason) == (CaseState.DRAFT, "请补充产值数据。")
    client.force_login(anhui_officer)
    assert "请补充产值数据。" in client.get(reverse("reports:case_detail", args=[case.pk])).content.decode()


def test_publishing_twice_is_refused_the_second_time(anhui_officer, national_admin):
    case = accepted_case(anhui_officer, national_admin)
    stale = TypicalCase.objects.get(pk=case.pk)
    services.move_case(case, "publish", actor=national_admin)

    with pytest.raises(DomainError):
        services.move_case(stale, "publish", actor=national_admin)


def test_province_cannot_publish(client, anhui_officer, national_admin):
    case = accepted_case(anhui_officer, national_admin)
    client.force_login(anhui_officer)

    assert client.post(reverse("reports:case_publish", args=[case.pk])).status_code == 403
    assert TypicalCase.objects.get(pk=case.pk).state == CaseState.ACCEPTED


def test_unpublished_case_leaves_the_public_library(client, anhui_officer, national_admin):
    case = published_case(anhui_officer, national_admin)

    services.move_case(case, "unpublish", actor=national_admin)

    assert client.get(reverse("public:case_detail", args=[case.pk])).status_code == 404
    assert TypicalCase.objects.get(pk=case.pk).published_at is None


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("果园.jpg", image_bytes("PNG")),
        ("果园.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40),
        ("果园.pdf", b"%PDF-1.4 a document is no photo"),
        ("果园.gif", b"GIF89a"),
    ],
)
def test_photos_are_checked_by_content(anhui_officer, name, content):
    case = draft_case(anhui_officer)

    with pytest.raises(DomainError):
        services.add_case_photo(case, actor=anhui_officer, uploaded_file=upload(name, content, "image/jpeg"))

    assert CasePhoto.objects.count() == 0


def test_photo_served_to_those_who_see_the_case(client, anhui_officer, zhejiang_officer):
    case = draft_case(anhui_officer)
    added = services.add_case_photo(case, actor=anhui_officer, uploaded_file=photo("果园.png", "PNG"))
    url = reverse("reports:case_photo", args=[case.pk, added.pk])

    client.force_login(zhejiang_officer)
    other = client.get(url)
    client.force_login(anhui_officer)
    own = client.get(url)

    assert (other.status_code, own.status_code, own["Content-Type"]) == (404, 200, "image/png")
    assert b"".join(own.streaming_content) == image_bytes("PNG")


def test_photo_removed(client, anhui_officer):
    case = draft_case(anhui_officer)
    added = services.add_case_photo(case, actor=anhui_officer, uploaded_file=photo())
    client.force_login(anhui_officer)

    client.post(reverse("reports:case_photo_remove", args=[case.pk, added.pk]))

    assert CasePhoto.objects.count() == 0
