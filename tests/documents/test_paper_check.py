"""The paper check: the clerk scans or types what the paper's footer says, and learns whether
it is the version the province recommended; a matching paper is recorded with one button."""

import pytest
from django.urls import reverse

from dibiao.documents import paper
from dibiao.recommendations import workflow
from dibiao.recommendations.choices import Action
from tests.documents.factories import second_project_data
from tests.factories import received_recommendation, recommended_recommendation

# --- reading what was scanned or typed -----------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "number", "rec_id", "version", "fingerprint"),
    [
        ("DIBIAO:2021-34-01:v2:0123456789ab", "2021-34-01", None, 2, "0123456789ab"),
        ("DIBIAO:17:v1:0123456789ab", "", 17, 1, "0123456789ab"),
        # A scanner typing with caps lock on, or through a Chinese input method.
        ("dibiao:2021-34-01:V2:0123456789AB", "2021-34-01", None, 2, "0123456789ab"),
        (
            "ＤＩＢＩＡＯ：２０２１－３４－０１：ｖ２：０１２３４５６７８９ａｂ",
            "2021-34-01",
            None,
            2,
            "0123456789ab",
        ),
        ("  0123456789ab  ", "", None, None, "0123456789ab"),
        ("0123 4567 89ab", "", None, None, "0123456789ab"),
        ("2021-34-01 0123456789ab", "2021-34-01", None, None, "0123456789ab"),
        ("编号 2021-34-01　版本 v2　指纹 0123456789ab", "2021-34-01", None, 2, "0123456789ab"),
        ("2021-34-01", "2021-34-01", None, None, ""),
        ("not a code", "", None, None, ""),
    ],
)
def test_parse_reads_scanned_and_typed_codes(text, number, rec_id, version, fingerprint):
    query = paper.parse(text)

    assert (query.number, query.rec_id, query.version, query.fingerprint) == (
        number,
        rec_id,
        version,
        fingerprint,
    )


# --- checking ------------------------------------------------------------------------------------


def versions_of(rec):
    return list(rec.versions.order_by("number"))


@pytest.mark.integration
def test_the_recommended_version_matches(anhui_received, national_admin):
    _v1, v2 = versions_of(anhui_received)

    result = paper.check(national_admin, f"DIBIAO:2021-34-01:v2:{v2.fingerprint}")

    assert result.outcome == paper.Outcome.MATCH
    assert (result.rec, result.paper, result.recommended) == (anhui_received, v2, v2)
    assert paper.check(national_admin, v2.fingerprint.upper()).outcome == paper.Outcome.MATCH
    assert paper.check(national_admin, f"2021-34-01 {v2.fingerprint}").outcome == paper.Outcome.MATCH


@pytest.mark.integration
def test_the_submitted_version_is_an_older_one_and_the_differences_are_listed(anhui_received, national_admin):
    v1, v2 = versions_of(anhui_received)

    result = paper.check(national_admin, f"DIBIAO:{anhui_received.pk}:v1:{v1.fingerprint}")

    assert result.outcome == paper.Outcome.OLDER
    assert (result.paper, result.recommended) == (v1, v2)
    # The province's opinion and its sealed page came with the recommendation (v2).
    assert len(result.differences) >= 3
    assert all("推荐单位" in label for label in result.differences)


@pytest.mark.integration
def test_a_number_of_one_project_with_the_fingerprint_of_another_is_another_project(
    round_2021, anhui_received, wuhu_officer, anhui_officer, national_admin
):
    other = received_recommendation(
        wuhu_officer, anhui_officer, national_admin, round_2021, data=second_project_data()
    )
    other_fingerprint = versions_of(other)[-1].fingerprint

    result = paper.check(national_admin, f"2021-34-01 {other_fingerprint}")

    assert other.number == "2021-34-02"
    assert result.outcome == paper.Outcome.OTHER_PROJECT
    assert result.rec == other
    assert "2021-34-01" in result.message
    assert "2021-34-02" in result.message


@pytest.mark.integration
def test_an_unknown_fingerprint_and_an_unreadable_input(anhui_received, national_admin):
    assert paper.check(national_admin, "ffffffffffff").outcome == paper.Outcome.UNKNOWN
    assert paper.check(national_admin, "hello").outcome == paper.Outcome.UNREADABLE


@pytest.mark.integration
def test_a_withdrawn_project_is_not_recommended(anhui_recommended, anhui_officer, national_admin):
    v2 = versions_of(anhui_recommended)[-1]
    workflow.perform(anhui_recommended, Action.WITHDRAW, actor=anhui_officer, reason="名额调整")

    result = paper.check(national_admin, v2.fingerprint)

    assert result.outcome == paper.Outcome.NOT_RECOMMENDED


@pytest.mark.integration
def test_another_provinces_officer_finds_nothing(anhui_received, zhejiang_officer):
    v2 = versions_of(anhui_received)[-1]

    assert paper.check(zhejiang_officer, v2.fingerprint).outcome == paper.Outcome.UNKNOWN


# --- the page ------------------------------------------------------------------------------------


@pytest.mark.integration
def test_the_page_says_match_in_green_and_records_the_paper(client, anhui_received, national_admin):
    v2 = versions_of(anhui_received)[-1]
    code = f"DIBIAO:2021-34-01:v2:{v2.fingerprint}"
    client.force_login(national_admin)
    url = reverse("documents:paper_check")

    page = client.get(url, {"code": code})

    assert page.status_code == 200
    assert 'data-outcome="match"' in page.text
    assert "一致" in page.text
    assert "登记纸件已收到" in page.text

    response = client.post(url, {"code": code})

    anhui_received.refresh_from_db()
    assert response.status_code == 302
    assert anhui_received.paper_received_at is not None
    assert anhui_received.paper_received_by == national_admin
    after = client.get(response["Location"])
    assert 'data-outcome="match"' in after.text
    assert 'name="code" value=' not in after.text.split("paper-result", 1)[1]  # no second button


@pytest.mark.integration
def test_the_page_says_in_red_what_differs_and_records_nothing(client, anhui_received, national_admin):
    v1 = versions_of(anhui_received)[0]
    client.force_login(national_admin)
    url = reverse("documents:paper_check")

    page = client.get(url, {"code": v1.fingerprint})
    refused = client.post(url, {"code": v1.fingerprint})

    anhui_received.refresh_from_db()
    assert 'data-outcome="older"' in page.text
    assert "不一致" in page.text
    assert refused.status_code == 400
    assert anhui_received.paper_received_at is None


@pytest.mark.integration
def test_a_paper_of_a_project_not_yet_received_is_not_recorded(client, anhui_recommended, national_admin):
    v2 = versions_of(anhui_recommended)[-1]
    client.force_login(national_admin)

    response = client.post(reverse("documents:paper_check"), {"code": v2.fingerprint})

    anhui_recommended.refresh_from_db()
    assert response.status_code == 400
    assert anhui_recommended.paper_received_at is None


@pytest.mark.integration
def test_only_the_national_administrator_checks_papers(client, anhui_officer):
    client.force_login(anhui_officer)

    assert client.get(reverse("documents:paper_check")).status_code == 403


@pytest.mark.integration
def test_a_recommendation_recommended_twice_matches_its_latest_version(
    round_2021, hefei_officer, anhui_officer, national_admin
):
    rec = recommended_recommendation(hefei_officer, anhui_officer, round_2021)
    workflow.perform(rec, Action.WITHDRAW, actor=anhui_officer, reason="补充材料")
    workflow.perform(
        rec,
        Action.RECOMMEND,
        actor=anhui_officer,
        opinion={"text": "再次推荐。", "signer": "陈处长", "date": "2021-09-03"},
    )
    _v1, v2, v3 = versions_of(rec)

    assert paper.check(national_admin, v3.fingerprint).outcome == paper.Outcome.MATCH
    older = paper.check(national_admin, v2.fingerprint)
    assert older.outcome == paper.Outcome.OLDER
    assert older.recommended == v3
