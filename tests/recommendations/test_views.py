"""The recommendation pages as each role uses them: the form, the path, the lists."""

import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from dibiao.recommendations import schema
from dibiao.recommendations.choices import Action, Section, State
from dibiao.recommendations.models import Attachment, Notification, Recommendation, Transition
from dibiao.rounds.models import Quota
from tests.factories import (
    PDF_BYTES,
    PNG_BYTES,
    complete_recommendation_data,
    draft_recommendation,
    received_recommendation,
    recommended_recommendation,
    submitted_recommendation,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


# --- helpers -----------------------------------------------------------------------------------


def flatten(value, prefix=""):
    """A nested form as the page posts it: one field per dotted path, None as empty."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from flatten(item, f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from flatten(item, f"{prefix}.{index}")
    else:
        yield prefix, "" if value is None else value


UNIT_PARTS = (
    "project_name",
    "implementing_unit",
    "recommending_unit",
    "geographical_indications",
    "introduction",
    "achievements",
    "practices",
    "safeguards",
)


def form_post(data, revision, **extra):
    """What the edit page posts for `data` (the unit's parts of the form)."""
    fields = dict(flatten({key: data[key] for key in UNIT_PARTS if key in data}))
    fields.pop("implementing_unit.name", None)
    fields.pop("recommending_unit.name", None)
    return {**fields, "geographical_indications": "1", "revision": revision, **extra}


def errors_of(html, path):
    """The messages shown next to the input of `path`."""
    match = re.search(
        rf'<ul class="errorlist"[^>]*data-errors-for="{re.escape(path)}">(.*?)</ul>', html, re.S
    )
    assert match, f"no error list for {path}"
    return re.findall(r"<li>(.*?)</li>", match.group(1), re.S)


def zh(message):
    with translation.override("zh-hans"):
        return gettext(message)


def edit_url(rec):
    return reverse("recommendations:edit", args=[rec.pk])


def detail_url(rec):
    return reverse("recommendations:detail", args=[rec.pk])


@pytest.fixture
def draft(hefei_officer, round_2021):
    return draft_recommendation(hefei_officer, round_2021)


@pytest.fixture
def submitted(hefei_officer, round_2021):
    return submitted_recommendation(hefei_officer, round_2021)


# --- the pages each role gets ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "role"),
    [
        ("recommendations:mine", "hefei_officer"),
        ("recommendations:province", "anhui_officer"),
        ("recommendations:national", "national_admin"),
        ("recommendations:paper_missing", "national_admin"),
        ("recommendations:notifications", "hefei_officer"),
    ],
)
def test_each_list_renders_for_its_role(client, request, round_2021, submitted, url_name, role):
    client.force_login(request.getfixturevalue(role))

    response = client.get(reverse(url_name))

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("url_name", "role"),
    [
        ("recommendations:mine", "anhui_officer"),
        ("recommendations:province", "hefei_officer"),
        ("recommendations:national", "anhui_officer"),
        ("recommendations:paper_missing", "hefei_officer"),
    ],
)
def test_another_roles_list_is_forbidden(client, request, round_2021, url_name, role):
    client.force_login(request.getfixturevalue(role))

    assert client.get(reverse(url_name)).status_code == 403


def test_zhejiang_officer_gets_404_for_an_anhui_project(client, zhejiang_officer, submitted):
    client.force_login(zhejiang_officer)

    for url in (
        detail_url(submitted),
        reverse("recommendations:diff", args=[submitted.pk]),
        reverse("recommendations:attachment", args=[submitted.pk, submitted.attachments.get().pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "砀山酥梨" not in response.content.decode()
    response = client.post(reverse("recommendations:recommend", args=[submitted.pk]))
    assert response.status_code == 404
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_province_may_read_but_not_edit_a_submitted_project(client, anhui_officer, submitted):
    client.force_login(anhui_officer)

    assert client.get(detail_url(submitted)).status_code == 200
    assert client.get(edit_url(submitted)).status_code == 403
    assert client.post(edit_url(submitted), {"project_name": "改名", "revision": 99}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.project_name == "砀山酥梨地理标志运用促进工程"


def test_a_never_submitted_draft_is_hidden_from_the_province(client, anhui_officer, draft):
    client.force_login(anhui_officer)

    assert client.get(detail_url(draft)).status_code == 404


def test_mine_shows_state_next_step_and_deadline(client, hefei_officer, draft):
    client.force_login(hefei_officer)

    html = client.get(reverse("recommendations:mine")).content.decode()

    assert str(State.DRAFT.label) in html
    assert zh("Fill in the form and submit it to the province") in html
    assert "2021-09-15 23:59" in html
    assert reverse("recommendations:create") in html


def test_new_recommendation_button_creates_a_draft_and_opens_it(client, hefei_officer, round_2021):
    client.force_login(hefei_officer)

    response = client.post(reverse("recommendations:create"))

    rec = Recommendation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == edit_url(rec)
    assert (rec.implementing_unit, rec.state, rec.round) == (
        hefei_officer.organisation,
        State.DRAFT,
        round_2021,
    )


# --- the form ----------------------------------------------------------------------------------

PAPER_LABELS = [
    "编号",
    "项目名称",
    "实施单位",
    "推荐单位",
    "一、基本信息",
    "单位名称",
    "代表人",
    "联系电话",
    "传真号码",
    "负责人",
    "固定电话",
    "联系人",
    "通讯地址",
    "E-mail",
    "处室负责人",
    "工作联系人",
    "二、地理标志",
    "权利人",
    "批准机构",
    "批准时间",
    "产地范围",
    "三、项目有关情况",
    "项目介绍",
    "工作成果",
    "主要做法",
    "保障措施",
    "四、推荐单位指导支持事项",
    "五、实施和推荐单位意见",
    "六、批准情况",
    "专家组意见",
    "部门意见",
]


def test_the_form_has_every_label_of_attachment_1_in_the_paper_order(client, hefei_officer, draft):
    client.force_login(hefei_officer)

    html = client.get(edit_url(draft)).content.decode()

    paper = html[html.index('id="cover"') :]
    positions = [
        paper.find(f">{label}<") if label != "编号" else paper.find("编号") for label in PAPER_LABELS
    ]
    assert all(position >= 0 for position in positions), dict(zip(PAPER_LABELS, positions, strict=True))
    assert positions == sorted(positions)
    assert html.count(">职务<") == 2
    assert html.count(">手机<") >= 4
    # 填写说明 beside the fields they govern.
    for rule in ("由国家知识产权局填写", "省级知识产权局", "直接责任人", "审批机构和时间", "由省局填写"):
        assert rule in html


def test_the_cover_number_and_units_cannot_be_typed(client, hefei_officer, draft):
    client.force_login(hefei_officer)

    html = client.get(edit_url(draft)).content.decode()
    client.post(
        edit_url(draft),
        {
            **form_post(draft.data, draft.revision),
            "number": "2021-34-99",
            "implementing_unit.name": "冒名单位",
            "recommending_unit.name": "冒名省局",
        },
    )

    assert 'name="number"' not in html
    assert 'name="implementing_unit.name"' not in html
    draft.refresh_from_db()
    assert draft.number is None
    assert draft.data["implementing_unit"]["name"] == "合肥市市场监督管理局（知识产权局）"
    assert draft.data["recommending_unit"]["name"] == "安徽省知识产权局"


def test_form_round_trip_keeps_every_field_with_a_second_gi_and_second_approval(client, hefei_officer, draft):
    data = complete_recommendation_data()
    data["geographical_indications"].append(
        {
            "name": "砀山黄桃",
            "rights_holder": "砀山县果业协会",
            "approvals": [
                {"authority": "农业农村部", "date": "2015-03-02"},
                {"authority": "国家知识产权局", "date": "2019-11-20"},
            ],
            "production_area": "安徽省砀山县",
        }
    )
    client.force_login(hefei_officer)

    response = client.post(edit_url(draft), form_post(data, draft.revision))

    assert response.status_code == 302
    draft.refresh_from_db()
    expected = schema.normalise(data)
    for key in UNIT_PARTS:
        if key in ("implementing_unit", "recommending_unit"):
            expected[key]["name"] = draft.data[key]["name"]
        if key == "recommending_unit":
            # The province's half of 一 is the province's to fill when it recommends.
            expected[key]["division_head"] = expected[key]["contact"] = {"name": None, "mobile": None}
        assert draft.data[key] == expected[key], key
    assert draft.revision == 2
    html = client.get(edit_url(draft)).content.decode()
    assert 'name="geographical_indications.1.approvals.1.date" value="2019-11-20"' in html
    assert 'name="geographical_indications.1.approvals.1.authority" value="国家知识产权局"' in html
    assert 'name="implementing_unit.contact.landline" value="0557-8021237"' in html
    assert ">　　保障措施" not in html  # long texts are textareas, not shown as labels
    assert "县政府设立专项资金……</textarea>" in html


def test_phones_are_normalised_when_saved(client, hefei_officer, draft):
    client.force_login(hefei_officer)
    post = form_post(draft.data, draft.revision)
    post["implementing_unit.phone"] = "（０５５１）６５１２ ３４５６"
    post["implementing_unit.contact.mobile"] = "138 0013 8000"

    client.post(edit_url(draft), post)

    draft.refresh_from_db()
    assert draft.data["implementing_unit"]["phone"] == "0551-65123456"
    assert draft.data["implementing_unit"]["contact"]["mobile"] == "13800138000"


def test_a_bad_mobile_gets_a_chinese_error_next_to_it_and_is_kept_as_typed(client, hefei_officer, draft):
    client.force_login(hefei_officer)
    post = form_post(draft.data, draft.revision)
    post["implementing_unit.contact.mobile"] = "12345"
    post["introduction"] = "已经写好的项目介绍"

    response = client.post(edit_url(draft), post)

    html = response.content.decode()
    message = zh("Enter an 11-digit mobile number starting with 1, e.g. 13800138000.")
    assert re.search(r"[\u4e00-\u9fff]", message)
    assert response.status_code == 200
    assert errors_of(html, "implementing_unit.contact.mobile") == [message]
    assert errors_of(html, "implementing_unit.responsible.mobile") == []
    assert 'name="implementing_unit.contact.mobile" value="12345"' in html
    draft.refresh_from_db()
    assert draft.data["introduction"] == "已经写好的项目介绍"  # a draft saves even when incomplete


def test_an_impossible_date_gets_an_error_next_to_it(client, hefei_officer, draft):
    client.force_login(hefei_officer)
    post = form_post(complete_recommendation_data(), draft.revision)
    post["geographical_indications.0.approvals.1.date"] = "2021-02-30"

    html = client.post(edit_url(draft), post).content.decode()

    assert errors_of(html, "geographical_indications.0.approvals.1.date") == [zh("There is no such date.")]


def test_without_script_a_gi_and_an_approval_are_added_in_place_and_nothing_typed_is_lost(
    client, hefei_officer, draft
):
    client.force_login(hefei_officer)
    post = form_post(draft.data, draft.revision)
    post["geographical_indications.0.name"] = "砀山酥梨"
    post["practices"] = "刚刚输入的主要做法"

    response = client.post(edit_url(draft), {**post, "add_gi": "1"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="geographical_indications.1.name" value=""' in html
    assert 'name="geographical_indications.0.name" value="砀山酥梨"' in html
    assert "刚刚输入的主要做法</textarea>" in html
    draft.refresh_from_db()
    revision = draft.revision
    response = client.post(edit_url(draft), {**form_post(draft.data, revision), "add_approval": "0"})
    assert 'name="geographical_indications.0.approvals.1.authority"' in response.content.decode()


def test_without_script_a_gi_is_removed(client, hefei_officer, draft):
    data = complete_recommendation_data()
    data["geographical_indications"].append({"name": "砀山黄桃", "approvals": [{"authority": "商标局"}]})
    client.force_login(hefei_officer)

    client.post(edit_url(draft), {**form_post(data, draft.revision), "remove_gi": "0"})

    draft.refresh_from_db()
    assert [gi["name"] for gi in draft.data["geographical_indications"]] == ["砀山黄桃"]


def test_the_page_carries_templates_to_add_gis_and_approvals_with_script(client, hefei_officer, draft):
    client.force_login(hefei_officer)

    html = client.get(edit_url(draft)).content.decode()

    assert '<template id="gi-template">' in html
    assert 'name="geographical_indications.__gi__.approvals.0.date"' in html
    assert '<template id="approval-template">' in html
    assert "<script>" not in html
    assert " style=" not in html
    assert 'src="/static/js/recommendation-form.js"' in html


def test_a_stale_revision_is_refused_and_the_typed_text_stays_on_the_page(client, hefei_officer, draft):
    client.force_login(hefei_officer)
    loaded = draft.revision
    client.post(edit_url(draft), form_post({**draft.data, "project_name": "第一个标签页的名称"}, loaded))

    response = client.post(
        edit_url(draft), form_post({**draft.data, "project_name": "第二个标签页里输入的名称"}, loaded)
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert 'value="第二个标签页里输入的名称"' in html
    assert "data-stale" in html
    assert zh("Overwrite with this page") in html
    draft.refresh_from_db()
    assert draft.data["project_name"] == "第一个标签页的名称"
    # Overwriting is an explicit choice.
    response = client.post(
        edit_url(draft),
        form_post(
            {**draft.data, "project_name": "第二个标签页里输入的名称"}, loaded, overwrite=draft.revision
        ),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.data["project_name"] == "第二个标签页里输入的名称"


def test_a_submitted_recommendation_sends_its_unit_from_edit_to_the_page(client, hefei_officer, submitted):
    client.force_login(hefei_officer)

    response = client.get(edit_url(submitted))

    assert response.status_code == 302
    assert response["Location"] == detail_url(submitted)


# --- autosave ----------------------------------------------------------------------------------


def autosave(client, rec, **fields):
    return client.post(reverse("recommendations:autosave", args=[rec.pk]), fields)


def test_autosave_stores_the_draft_and_answers_the_new_revision(client, hefei_officer, draft):
    client.force_login(hefei_officer)

    response = autosave(
        client, draft, revision=draft.revision, project_name="自动保存的名称", introduction="写"
    )

    body = response.json()
    assert response.status_code == 200
    assert body["revision"] == 2
    assert re.fullmatch(r"\d\d:\d\d:\d\d", body["saved_at"])
    assert body["message"] == zh("Saved automatically at %(time)s") % {"time": body["saved_at"]}
    assert body["message"].startswith("已自动保存")
    assert body["problems"] == {}
    draft.refresh_from_db()
    assert (draft.project_name, draft.data["introduction"], draft.revision) == ("自动保存的名称", "写", 2)


def test_autosave_reports_problems_by_field(client, hefei_officer, draft):
    client.force_login(hefei_officer)

    body = autosave(client, draft, revision=draft.revision, **{"implementing_unit.email": "不是邮箱"}).json()

    assert body["problems"] == {"implementing_unit.email": [zh("Enter a valid e-mail address.")]}


def test_autosave_with_a_stale_revision_overwrites_nothing(client, hefei_officer, draft):
    client.force_login(hefei_officer)
    autosave(client, draft, revision=1, project_name="另一个标签页")

    response = autosave(client, draft, revision=1, project_name="本标签页")

    assert response.status_code == 409
    assert response.json()["error"] == "stale"
    assert response.json()["revision"] == 2
    draft.refresh_from_db()
    assert draft.project_name == "另一个标签页"


def test_autosave_after_the_session_expired_answers_401_with_the_message(client, draft):
    response = autosave(client, draft, revision=1, project_name="会话过期后输入")

    assert response.status_code == 401
    assert response.json()["message"] == "登录已过期，请在新标签页登录后再保存，本页内容不会丢失"
    draft.refresh_from_db()
    assert draft.project_name == ""


def test_autosave_of_another_units_draft_is_404(client, wuhu_officer, draft):
    client.force_login(wuhu_officer)

    assert autosave(client, draft, revision=1, project_name="x").status_code == 404


def test_the_page_gives_the_script_its_messages(client, hefei_officer, draft):
    client.force_login(hefei_officer)

    html = client.get(edit_url(draft)).content.decode()

    assert f'data-autosave-url="{reverse("recommendations:autosave", args=[draft.pk])}"' in html
    assert 'data-msg-expired="登录已过期，请在新标签页登录后再保存，本页内容不会丢失"' in html
    assert f'name="revision" value="{draft.revision}"' in html


# --- attached pages ----------------------------------------------------------------------------


def test_attached_pages_upload_list_download_and_remove(client, hefei_officer, draft):
    client.force_login(hefei_officer)
    post = form_post(draft.data, draft.revision)
    post["attachment.achievements"] = upload("成果附页.pdf", PDF_BYTES)

    response = client.post(edit_url(draft), {**post, "upload": "achievements"})

    attachment = Attachment.objects.get()
    assert response.status_code == 200
    assert (attachment.section, attachment.original_name) == (Section.ACHIEVEMENTS, "成果附页.pdf")
    url = reverse("recommendations:attachment", args=[draft.pk, attachment.pk])
    assert url in response.content.decode()
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == PDF_BYTES
    draft.refresh_from_db()
    client.post(
        edit_url(draft), {**form_post(draft.data, draft.revision), "remove_attachment": attachment.pk}
    )
    attachment.refresh_from_db()
    assert attachment.removed_at is not None


def test_a_file_whose_content_does_not_match_its_name_is_refused_next_to_its_section(
    client, hefei_officer, draft
):
    client.force_login(hefei_officer)
    post = form_post(draft.data, draft.revision)
    post["attachment.practices"] = upload("做法.pdf", PNG_BYTES)

    html = client.post(edit_url(draft), {**post, "upload": "practices"}).content.decode()

    assert Attachment.objects.count() == 0
    section = html[html.index('id="section-practices"') :]
    assert "做法.pdf" in section[: section.index("</tr>")]


def test_attachment_download_is_scoped(client, hefei_officer, wuhu_officer, anhui_officer, submitted):
    sealed = submitted.attachments.get()
    url = reverse("recommendations:attachment", args=[submitted.pk, sealed.pk])

    client.force_login(wuhu_officer)
    assert client.get(url).status_code == 404
    client.force_login(anhui_officer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename")
    # An attachment id of another recommendation, under this one's URL, is not served.
    other = submitted_recommendation(wuhu_officer, submitted.round)
    wrong = reverse("recommendations:attachment", args=[submitted.pk, other.attachments.get().pk])
    assert client.get(wrong).status_code == 404


# --- the path through the pages -----------------------------------------------------------------


def submit_post(**overrides):
    return {
        "submit-opinion_text": "同意推荐。",
        "submit-opinion_signer": "王建国",
        "submit-opinion_date": "2021-09-01",
        "submit-sealed_page": upload("实施单位盖章页.pdf"),
        **overrides,
    }


def recommend_post(**overrides):
    return {
        "recommending_unit.division_head.name": "陈处长",
        "recommending_unit.division_head.mobile": "139 5511 2345",
        "recommending_unit.contact.name": "赵经办",
        "recommending_unit.contact.mobile": "13855112345",
        "recommend-support": "省局将给予专项资金支持。",
        "recommend-opinion_text": "同意推荐。",
        "recommend-opinion_signer": "陈处长",
        "recommend-opinion_date": "2021-09-02",
        "recommend-sealed_page": upload("省局盖章页.pdf"),
        **overrides,
    }


def test_submitting_with_opinion_and_sealed_page(client, hefei_officer, anhui_officer, draft):
    client.force_login(hefei_officer)
    client.post(edit_url(draft), form_post(complete_recommendation_data(), draft.revision))

    response = client.post(reverse("recommendations:submit", args=[draft.pk]), submit_post())

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED
    assert draft.data["implementing_opinion"] == {
        "text": "同意推荐。",
        "signer": "王建国",
        "date": "2021-09-01",
    }
    assert draft.attachments.get(section=Section.IMPLEMENTING_SEAL).original_name == "实施单位盖章页.pdf"
    assert draft.versions.count() == 1
    assert Notification.objects.filter(user=anhui_officer, recommendation=draft).count() == 1


def test_submitting_an_incomplete_form_says_what_is_missing_and_keeps_the_opinion(
    client, hefei_officer, draft
):
    client.force_login(hefei_officer)

    response = client.post(
        reverse("recommendations:submit", args=[draft.pk]),
        submit_post(**{"submit-opinion_text": "本单位意见：同意"}),
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "本单位意见：同意</textarea>" in html
    assert f'{edit_url(draft)}#f-project_name"' in html
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_the_opinion_needs_signer_and_date(client, hefei_officer, draft):
    client.force_login(hefei_officer)

    response = client.post(
        reverse("recommendations:submit", args=[draft.pk]), submit_post(**{"submit-opinion_signer": ""})
    )

    assert response.status_code == 400
    assert zh("This field is required.") in response.content.decode()


def test_the_province_returns_with_a_reason_shown_in_the_history(
    client, anhui_officer, hefei_officer, submitted
):
    client.force_login(anhui_officer)

    refused = client.post(reverse("recommendations:return", args=[submitted.pk]), {"return-reason": ""})
    response = client.post(
        reverse("recommendations:return", args=[submitted.pk]), {"return-reason": "请补充产地范围"}
    )

    assert refused.status_code == 400
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.state, submitted.is_returned) == (State.DRAFT, True)
    client.force_login(hefei_officer)
    html = client.get(detail_url(submitted)).content.decode()
    assert "请补充产地范围" in html
    assert zh("Returned: change it as the reason says and submit it again") in html


def test_the_province_recommends_with_its_part_support_opinion_and_sealed_page(
    client, anhui_officer, submitted
):
    client.force_login(anhui_officer)

    response = client.post(
        reverse("recommendations:recommend", args=[submitted.pk]),
        recommend_post(**{"recommending_unit.contact.name": "钱联络"}),
    )

    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == State.RECOMMENDED
    assert submitted.data["recommending_unit"]["division_head"] == {"name": "陈处长", "mobile": "13955112345"}
    assert submitted.data["recommending_unit"]["contact"]["name"] == "钱联络"
    assert submitted.data["recommender_support"] == "省局将给予专项资金支持。"
    assert submitted.data["recommending_opinion"]["signer"] == "陈处长"
    assert submitted.attachments.filter(section=Section.RECOMMENDING_SEAL).count() == 1


def test_a_bad_province_mobile_refuses_the_step_and_changes_nothing(client, anhui_officer, submitted):
    client.force_login(anhui_officer)
    before = submitted.data

    response = client.post(
        reverse("recommendations:recommend", args=[submitted.pk]),
        recommend_post(**{"recommending_unit.contact.mobile": "1234"}),
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert errors_of(html, "recommending_unit.contact.mobile") == [
        zh("Enter an 11-digit mobile number starting with 1, e.g. 13800138000.")
    ]
    assert 'name="recommending_unit.contact.mobile" value="1234"' in html
    submitted.refresh_from_db()
    assert (submitted.state, submitted.data) == (State.SUBMITTED, before)


def test_beyond_the_quota_the_province_is_told_and_its_input_stays(
    client, anhui_officer, hefei_officer, wuhu_officer, submitted, round_2021
):
    Quota.objects.filter(round=round_2021, province=anhui_officer.organisation).update(cap=1)
    recommended_recommendation(wuhu_officer, anhui_officer, round_2021)
    client.force_login(anhui_officer)

    response = client.post(
        reverse("recommendations:recommend", args=[submitted.pk]),
        recommend_post(**{"recommend-opinion_text": "特别推荐，理由如下"}),
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "特别推荐，理由如下</textarea>" in html
    assert anhui_officer.organisation.name in html
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_receiving_assigns_the_number_shown_on_the_page(
    client, national_admin, hefei_officer, anhui_officer, round_2021
):
    rec = recommended_recommendation(hefei_officer, anhui_officer, round_2021)
    client.force_login(national_admin)

    response = client.post(reverse("recommendations:receive", args=[rec.pk]))

    assert response.status_code == 302
    html = client.get(detail_url(rec)).content.decode()
    assert "<strong data-number>2021-34-01</strong>" in html


def test_paper_copy_recorded_with_htmx_returns_the_status_panel(
    client, national_admin, hefei_officer, anhui_officer, round_2021
):
    rec = received_recommendation(hefei_officer, anhui_officer, national_admin, round_2021)
    client.force_login(national_admin)

    response = client.post(
        reverse("recommendations:paper_received", args=[rec.pk]), headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div class="card status-panel" id="status-panel">')
    assert "<html" not in html
    rec.refresh_from_db()
    assert rec.paper_received_by == national_admin


def test_the_status_panel_shows_the_deadline_in_beijing_time_with_a_countdown(client, hefei_officer, draft):
    client.force_login(hefei_officer)

    html = client.get(detail_url(draft)).content.decode()

    assert "2021-09-15 23:59:59（北京时间）" in html
    assert 'data-countdown="2021-09-15T23:59:59+08:00"' in html
    assert 'id="action-submit"' in html


def test_only_the_steps_the_user_may_take_are_offered(client, anhui_officer, national_admin, submitted):
    client.force_login(anhui_officer)
    html = client.get(detail_url(submitted)).content.decode()
    client.force_login(national_admin)
    admin_html = client.get(detail_url(submitted)).content.decode()

    assert 'id="action-recommend"' in html
    assert 'id="action-return"' in html
    assert 'id="action-receive"' not in html
    assert "<details id=" not in admin_html


def test_history_and_diff_between_two_submitted_versions(client, hefei_officer, anhui_officer, submitted):
    client.force_login(anhui_officer)
    client.post(reverse("recommendations:return", args=[submitted.pk]), {"return-reason": "请补充保障措施"})
    client.force_login(hefei_officer)
    submitted.refresh_from_db()
    data = dict(
        submitted.data, safeguards="县政府设立专项资金五百万元。", project_name=submitted.data["project_name"]
    )
    client.post(edit_url(submitted), form_post(data, submitted.revision))
    client.post(
        reverse("recommendations:submit", args=[submitted.pk]), submit_post(**{"submit-sealed_page": ""})
    )
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED

    response = client.get(reverse("recommendations:diff", args=[submitted.pk]), {"a": 1, "b": 2})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-changed="safeguards"' in html
    assert "<ins>" in html
    assert "<del>" in html
    assert 'data-changed="project_name"' not in html
    assert ">项目名称<" not in html  # unchanged fields are hidden unless asked for
    detail = client.get(detail_url(submitted)).content.decode()
    assert detail.count("请补充保障措施") == 1
    assert list(Transition.objects.filter(recommendation=submitted).values_list("action", flat=True)) == [
        Action.CREATE,
        Action.SUBMIT,
        Action.RETURN,
        Action.SUBMIT,
    ]


# --- lists -------------------------------------------------------------------------------------


def test_the_province_sees_quota_use_states_and_silent_units(
    client, anhui_officer, hefei_officer, wuhu_officer, round_2021
):
    recommended_recommendation(hefei_officer, anhui_officer, round_2021)
    client.force_login(anhui_officer)

    html = client.get(reverse("recommendations:province")).content.decode()

    assert '<span class="num" data-quota>1 / 7</span>' in html
    silent = html[html.index('id="silent"') :]
    assert "芜湖市市场监督管理局（知识产权局）" in silent
    assert "合肥市市场监督管理局（知识产权局）" not in silent


def test_the_national_page_counts_per_province_and_filters(
    client, national_admin, hefei_officer, anhui_officer, hangzhou_officer, round_2021
):
    received_recommendation(hefei_officer, anhui_officer, national_admin, round_2021)
    submitted_recommendation(hangzhou_officer, round_2021)
    client.force_login(national_admin)

    html = client.get(reverse("recommendations:national")).content.decode()
    filtered = client.get(reverse("recommendations:national"), {"province": "33"}).content.decode()

    anhui_row = re.search(r"安徽省知识产权局</a></td>(.*?)</tr>", html, re.S).group(1)
    numbers = re.findall(r'<td class="num">(\d+)', anhui_row)
    assert numbers[:5] == ["1", "1", "1", "0", "7"]
    listing = filtered[filtered.index('id="list"') :]
    assert "杭州市市场监督管理局（知识产权局）" in listing
    assert "合肥市市场监督管理局（知识产权局）" not in listing


def test_the_paper_missing_list_names_provinces_until_the_copy_arrives(
    client, national_admin, hefei_officer, anhui_officer, round_2021
):
    rec = received_recommendation(hefei_officer, anhui_officer, national_admin, round_2021)
    client.force_login(national_admin)
    url = reverse("recommendations:paper_missing")

    before = client.get(url).content.decode()
    client.post(reverse("recommendations:paper_received", args=[rec.pk]), {"next": url})
    after = client.get(url).content.decode()

    assert "安徽省知识产权局" in before
    assert "2021-34-01" in before
    assert "<td>2021-34-01</td>" in before
    assert "<td>2021-34-01</td>" not in after


def test_notifications_list_and_mark_read(client, anhui_officer, submitted):
    notice = Notification.objects.get(user=anhui_officer)
    client.force_login(anhui_officer)

    html = client.get(reverse("recommendations:notifications")).content.decode()
    response = client.post(reverse("recommendations:notifications"), {"read": notice.pk})

    assert notice.text in html
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_the_navigation_tag_shows_the_lists_and_the_unread_count(anhui_officer, submitted):
    request = RequestFactory().get("/")
    request.user = anhui_officer

    html = Template("{% load recommendation_tags %}{% recommendation_nav %}").render(
        Context({"request": request})
    )

    assert reverse("recommendations:province") in html
    assert reverse("recommendations:national") not in html
    assert '<span class="nav-count"' in html
    assert ">1</span>" in html


def test_english_pages_show_english_labels(client, hefei_officer, draft):
    client.force_login(hefei_officer)
    client.cookies["django_language"] = "en"

    html = client.get(edit_url(draft)).content.decode()

    assert ">Representative<" in html
    assert "代表人" not in html
