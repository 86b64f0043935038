"""The overlap check on planted near-copies: a text copied with a few edits is found, with its
share and the passages highlighted; unrelated texts on the same subject are not; the same GI
is found in this and earlier rounds."""

import random

import pytest
from django.urls import reverse

from dibiao.accounts.choices import Role
from dibiao.recommendations.choices import State
from dibiao.reviews import overlap
from dibiao.reviews.models import OverlapIndex, OverlapShingle
from tests.factories import ImplementingUnitFactory, RecommendationFactory, RoundFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

# Words of the subject: unrelated texts share many of them, as real applications do.
WORDS = [
    "地理标志",
    "产业",
    "品牌",
    "农户",
    "合作社",
    "龙头企业",
    "标准化",
    "种植",
    "基地",
    "加工",
    "销售",
    "电商",
    "直播",
    "乡村振兴",
    "脱贫",
    "知识产权",
    "保护",
    "运用",
    "促进",
    "质量",
    "追溯",
    "包装",
    "商标",
    "协会",
    "政府",
    "资金",
    "培训",
    "技术",
    "专利",
    "文化",
    "旅游",
    "融合",
    "市场",
    "价格",
    "收入",
    "就业",
    "规模",
    "效益",
    "示范",
    "推广",
    "宣传",
    "展会",
    "渠道",
    "出口",
    "生态",
    "传统",
    "工艺",
    "历史",
    "特色",
    "优势",
]
SLOGAN = "围绕用好一件地理标志，打造一个品牌，发展一个产业，造福一方百姓，"


def chinese_text(seed, sentences=12):
    """Paragraphs of sentences made of the subject's words, different for every seed."""
    rng = random.Random(seed)
    paragraphs = []
    for _p in range(3):
        lines = []
        for _s in range(sentences // 3):
            words = rng.choices(WORDS, k=rng.randint(6, 10))
            lines.append("".join(words) + rng.choice("，。；") + str(rng.randint(10, 999)) + "万元。")
        paragraphs.append("　　" + "".join(lines))
    return "\n".join(paragraphs)


def texts(seed):
    return {
        "introduction": SLOGAN + chinese_text(seed),
        "achievements": chinese_text(seed + 1000),
        "practices": chinese_text(seed + 2000),
        "safeguards": chinese_text(seed + 3000),
    }


def edited(data):
    """A copy with a few edits: other numbers here and there, a sentence added, spaces."""
    copy = dict(data)
    copy["introduction"] = data["introduction"].replace("万元", "万 元", 2).replace("1", "7", 3)
    copy["achievements"] = "本县近年来高度重视。" + data["achievements"].replace("品牌", "牌子", 1)
    copy["practices"] = data["practices"][: len(data["practices"]) // 2] + "另有若干措施。"
    return copy


def project(round, name, data, gi="砀山酥梨", state=State.RECEIVED):
    unit = ImplementingUnitFactory()
    return RecommendationFactory(
        round=round,
        implementing_unit=unit,
        province=unit.province,
        created_by=UserFactory(role=Role.EXPERT),
        project_name=name,
        state=state,
        data={
            "project_name": name,
            "geographical_indications": [{"name": gi, "approvals": []}],
            **data,
        },
    )


@pytest.fixture
def round_2021(db):
    return RoundFactory(year=2021)


@pytest.fixture
def planted(round_2021):
    """An original, its near-copy and eight unrelated projects on the same subject."""
    original = project(round_2021, "原项目", texts(1), gi="黄山毛峰")
    copy = project(round_2021, "抄袭项目", edited(texts(1)), gi="太平猴魁")
    others = [project(round_2021, f"无关项目{n}", texts(100 + n), gi=f"某地特产{n}") for n in range(8)]
    return original, copy, others


def test_the_near_copy_is_found_with_its_share_and_passages(planted):
    original, copy, _others = planted

    report = overlap.check(copy)

    assert [match.other for match in report.texts] == [original]
    match = report.texts[0]
    assert match.share > 0.6
    assert all(len(passage.text) >= overlap.MIN_PASSAGE for passage in match.passages)
    assert {passage.section for passage in match.passages} == {
        "introduction",
        "achievements",
        "practices",
        "safeguards",
    }
    # Each passage is the copy's own text, as written (full-width spaces and punctuation kept).
    for passage in match.passages:
        assert passage.text in copy.data[passage.section]


def test_unrelated_texts_on_the_same_subject_are_not_reported(planted):
    _original, _copy, others = planted
    for rec in others:
        assert overlap.check(rec).texts == []


def test_the_original_sees_the_copy_too(planted):
    original, copy, _others = planted
    report = overlap.check(original)
    assert [match.other for match in report.texts] == [copy]


def test_only_the_candidates_from_the_index_are_compared(planted):
    original, copy, others = planted
    overlap.index_round(copy.round)
    texts_of_copy = overlap.Texts.of(copy.data)

    candidates = overlap._candidates(copy, texts_of_copy.sample(), overlap.comparable(copy.round))

    assert candidates == [original.pk]
    assert OverlapShingle.objects.filter(recommendation=others[0]).count() == (
        OverlapIndex.objects.get(recommendation=others[0]).shingle_count
    )


def test_the_same_gi_is_found_in_this_round_and_earlier_ones_not_later_ones(round_2021):
    earlier = project(RoundFactory(year=2020), "2020年项目", texts(7), gi="《砀山 酥梨》")
    same_round = project(round_2021, "同批项目", texts(8), gi="砀山酥梨")
    later = project(RoundFactory(year=2022), "2022年项目", texts(9), gi="砀山酥梨")
    draft = project(round_2021, "未推荐的草稿", texts(10), gi="砀山酥梨", state=State.DRAFT)
    rec = project(round_2021, "本项目", texts(11), gi="砀山酥梨")

    report = overlap.check(rec)

    assert [(match.name, match.others) for match in report.names] == [("砀山酥梨", [earlier, same_round])]
    assert later not in report.names[0].others
    assert draft not in report.names[0].others


def test_a_changed_project_is_indexed_again(planted):
    original, copy, _others = planted
    overlap.check(copy)
    original.data = {**original.data, **texts(55)}
    original.revision += 1
    original.save(update_fields=["data", "revision"])

    assert overlap.check(copy).texts == []
    assert OverlapIndex.objects.get(recommendation=original).revision == original.revision


def test_normalising_drops_spaces_and_punctuation_and_remembers_positions():
    text = "　　砀山酥梨，品质 优良。"
    normal, positions = overlap.normalise(text)
    assert normal == "砀山酥梨品质优良"
    assert [text[i] for i in positions] == list("砀山酥梨品质优良")


def test_the_review_page_highlights_the_passages(planted, national_admin, client):
    _original, copy, _others = planted
    client.force_login(national_admin)

    page = client.get(reverse("reviews:project", args=[copy.pk])).content.decode()

    assert "内容高度相似的项目" in page
    assert "原项目" in page
    first = overlap.check(copy).texts[0].passages[0].text
    assert f"<mark>{first}</mark>" in page


@pytest.mark.usefixtures("cold_pages")
def test_a_round_of_many_texts_is_indexed_once_and_checked_by_the_index(
    round_2021, django_assert_max_num_queries
):
    recs = [project(round_2021, f"项目{n}", texts(500 + n), gi=f"特产{n}") for n in range(60)]
    overlap.index_round(round_2021)

    # One project's check: the stale test, the candidates (one grouped query per 2,000
    # hashes), the GI names and the loading of the few candidates: a handful of queries.
    with django_assert_max_num_queries(8):
        report = overlap.check(recs[0])
    assert report.texts == []


def test_a_round_not_indexed_yet_is_left_to_the_task(
    planted, monkeypatch, django_capture_on_commit_callbacks
):
    original, copy, _others = planted
    monkeypatch.setattr(overlap, "SYNC_LIMIT", 3)

    with django_capture_on_commit_callbacks(execute=True):
        first = overlap.check(copy)

    assert (first.pending, first.texts) == (9, [])
    assert overlap.stale(overlap.comparable(copy.round)).count() == 0  # the task indexed the round
    assert [match.other for match in overlap.check(copy).texts] == [original]
