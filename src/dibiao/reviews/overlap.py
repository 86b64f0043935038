"""The overlap check: which other projects share a project's GIs or nearly the same texts.

Applications copied from one another are a real problem; this makes them visible to the
reviewers and the administrator. For a project P it finds

(a) the other projects, of P's round or an earlier one, with a GI of the same name
    (names compared after NFKC, without spaces, punctuation and book-title marks);
(b) the other projects whose long texts (项目介绍, 工作成果, 主要做法, 保障措施) share most
    of P's text, with the share and the shared passages.

How (b) works, and why it stays fast for a round of ~2,000 texts:

1. A text is reduced to its letters and digits (NFKC, lower case; spaces, punctuation and
   symbols dropped), remembering where each kept character stood in the original.
2. Its shingles are its 5-character substrings. A 64-bit hash (BLAKE2b) of each is kept
   when it is 0 modulo 4: a fixed sample of about a quarter of them, the same for every
   text, so that two texts sharing a passage share its sampled hashes.
3. The sampled hashes are stored per project (OverlapShingle, indexed by hash): the inverted
   index. A project is (re)indexed when it has no index or its revision changed: by the task
   `task_index_round` (queued when the review starts; `manage.py index_overlap YEAR`), or on
   demand by the check itself, which indexes up to SYNC_LIMIT stale projects in place.
4. For P, one grouped query counts, per other project, the sampled hashes it shares with P.
   Projects sharing at least CANDIDATE_SHARE of P's sample (and MIN_SAMPLES hashes) are the
   candidates; no pair of texts is compared unless the index points at it.
5. Each candidate is then compared exactly: every position of P whose shingle occurs in the
   candidate is marked; marked runs of at least MIN_PASSAGE characters are the shared
   passages, and the share is the part of P's characters that lie in them. Candidates
   whose share reaches REPORT_SHARE are reported, the largest share first.
"""

import hashlib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import pgettext_lazy

from dibiao.recommendations.choices import HOLDS_QUOTA
from dibiao.recommendations.models import Recommendation
from dibiao.recommendations.schema import LONG_TEXTS
from dibiao.reviews.models import OverlapIndex, OverlapName, OverlapShingle
from dibiao.rounds.models import Round

SHINGLE = 5
SAMPLE_MODULUS = 4
CANDIDATE_SHARE = 0.1
MIN_SAMPLES = 3
MIN_PASSAGE = 20
REPORT_SHARE = 0.2
CONTEXT = 12  # characters of context shown on each side of a passage
QUERY_CHUNK = 2000  # hashes per IN (...) query
# A page indexes at most this many stale projects itself; more (a round's first check before
# its task ran) are left to the task, and the report says that it is incomplete.
SYNC_LIMIT = 200

# The labels of 三 as the recommendation's pages name them.
SECTION_LABELS = {
    "introduction": pgettext_lazy("attachment 1", "Project introduction"),
    "achievements": pgettext_lazy("attachment 1", "Results"),
    "practices": pgettext_lazy("attachment 1", "Main measures"),
    "safeguards": pgettext_lazy("attachment 1", "Safeguards"),
}
BOOK_MARKS = "《》〈〉「」『』“”‘’\"'"


# --- text ---------------------------------------------------------------------------------------


def _kept(char: str) -> bool:
    return unicodedata.category(char)[0] in "LN"


def normalise(text: str) -> tuple[str, list[int]]:
    """`text` reduced to its letters and digits (NFKC, lower case), with the position in
    `text` of each kept character. NFKC may expand a character; each part keeps its origin."""
    chars: list[str] = []
    positions: list[int] = []
    for index, original in enumerate(text or ""):
        for char in unicodedata.normalize("NFKC", original).lower():
            if _kept(char):
                chars.append(char)
                positions.append(index)
    return "".join(chars), positions


def normalise_name(name: Any) -> str:
    """A GI name for comparison: NFKC, lower case, letters and digits only."""
    if not isinstance(name, str):
        return ""
    return normalise(name.strip(BOOK_MARKS))[0][:200]


def shingle_hash(shingle: str) -> int:
    """A stable signed 64-bit hash of a shingle (Python's hash() changes between processes)."""
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big", signed=True)


def shingles(text: str) -> set[str]:
    return {text[i : i + SHINGLE] for i in range(len(text) - SHINGLE + 1)}


def sampled(hashes: Iterable[int]) -> set[int]:
    return {h for h in hashes if h % SAMPLE_MODULUS == 0}


@dataclass
class Texts:
    """A project's long texts: original and normalised, section by section."""

    sections: list[tuple[str, str, str, list[int]]]  # (key, original, normalised, positions)

    @classmethod
    def of(cls, data: dict[str, Any] | None) -> "Texts":
        data = data or {}
        sections = []
        for key in LONG_TEXTS:
            value = data.get(key)
            original = value if isinstance(value, str) else ""
            normal, positions = normalise(original)
            sections.append((key, original, normal, positions))
        return cls(sections)

    @property
    def length(self) -> int:
        return sum(len(normal) for _key, _original, normal, _positions in self.sections)

    def shingle_set(self) -> set[str]:
        found: set[str] = set()
        for _key, _original, normal, _positions in self.sections:
            found |= shingles(normal)
        return found

    def sample(self) -> set[int]:
        return sampled(shingle_hash(s) for s in self.shingle_set())


def gi_names(data: dict[str, Any] | None) -> list[str]:
    gis = (data or {}).get("geographical_indications")
    names = []
    for gi in gis if isinstance(gis, list) else []:
        name = normalise_name(gi.get("name") if isinstance(gi, dict) else None)
        if name and name not in names:
            names.append(name)
    return names


# --- the index ----------------------------------------------------------------------------------


def comparable(round: Round) -> QuerySet[Recommendation]:
    """The projects a project of `round` is compared with: those that reached CNIPA (recommended
    and every later state) in `round` and in the rounds before it."""
    return Recommendation.objects.filter(round__year__lte=round.year, state__in=HOLDS_QUOTA)


def stale(recs: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    """Those of `recs` without an index of their current revision."""
    return recs.filter(Q(overlap_index__isnull=True) | ~Q(overlap_index__revision=F("revision")))


def index(recs: Iterable[Recommendation]) -> int:
    """(Re)build the index of `recs`: their sampled shingle hashes and GI names. Returns how
    many were indexed."""
    recs = list(recs)
    if not recs:
        return 0
    ids = [rec.pk for rec in recs]
    with transaction.atomic():
        OverlapShingle.objects.filter(recommendation_id__in=ids).delete()
        OverlapName.objects.filter(recommendation_id__in=ids).delete()
        OverlapIndex.objects.filter(recommendation_id__in=ids).delete()
        shingle_rows: list[OverlapShingle] = []
        name_rows: list[OverlapName] = []
        index_rows: list[OverlapIndex] = []
        for rec in recs:
            texts = Texts.of(rec.data)
            sample = texts.sample()
            shingle_rows.extend(OverlapShingle(recommendation_id=rec.pk, hash=h) for h in sorted(sample))
            name_rows.extend(OverlapName(recommendation_id=rec.pk, name=name) for name in gi_names(rec.data))
            index_rows.append(
                OverlapIndex(recommendation_id=rec.pk, revision=rec.revision, shingle_count=len(sample))
            )
        OverlapShingle.objects.bulk_create(shingle_rows, batch_size=5000)
        OverlapName.objects.bulk_create(name_rows, batch_size=1000)
        OverlapIndex.objects.bulk_create(index_rows, batch_size=1000)
    return len(recs)


def refresh(recs: QuerySet[Recommendation], *, batch: int = 200) -> int:
    """Index those of `recs` whose index is missing or stale, `batch` at a time. A batch that
    another process indexed at the same moment is left to it (its index is as good)."""
    done = 0
    ids = list(stale(recs).values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        chunk = Recommendation.objects.filter(pk__in=ids[start : start + batch]).only(
            "pk", "revision", "data"
        )
        try:
            done += index(chunk)
        except IntegrityError:
            continue
    return done


def index_round(round: Round) -> int:
    """Bring the index of everything a project of `round` is compared with up to date."""
    return refresh(comparable(round))


# --- the check ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Passage:
    """A passage of the project's text found in the other project, with some context."""

    section: str
    label: str
    before: str
    text: str
    after: str


@dataclass
class TextMatch:
    other: Recommendation
    share: float  # the part of the project's text found in the other one
    passages: list[Passage] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(self.share * 100)


@dataclass
class NameMatch:
    name: str  # as the project writes it
    others: list[Recommendation]


@dataclass
class OverlapReport:
    names: list[NameMatch]
    texts: list[TextMatch]
    pending: int = 0  # projects not indexed yet (their task is queued): not compared

    @property
    def is_empty(self) -> bool:
        return not self.names and not self.texts and not self.pending


def _candidates(rec: Recommendation, sample: set[int], scope: QuerySet[Recommendation]) -> list[int]:
    if not sample:
        return []
    counts: dict[int, int] = defaultdict(int)
    hashes = sorted(sample)
    scope_ids = scope.exclude(pk=rec.pk).values("pk")
    for start in range(0, len(hashes), QUERY_CHUNK):
        rows = (
            OverlapShingle.objects.filter(
                hash__in=hashes[start : start + QUERY_CHUNK], recommendation_id__in=scope_ids
            )
            .values("recommendation_id")
            .annotate(shared=Count("pk"))
            .values_list("recommendation_id", "shared")
        )
        for other_id, shared in rows:
            counts[other_id] += shared
    needed = max(MIN_SAMPLES, CANDIDATE_SHARE * len(sample))
    return sorted((pk for pk, shared in counts.items() if shared >= needed), key=lambda pk: (-counts[pk], pk))


def compare(texts: Texts, other: Texts) -> tuple[float, list[Passage]]:
    """The share of `texts` found in `other` and the shared passages (at least MIN_PASSAGE
    characters of `texts` covered by shingles that `other` contains)."""
    theirs = other.shingle_set()
    total = texts.length
    if not total or not theirs:
        return 0.0, []
    covered_total = 0
    passages: list[Passage] = []
    for key, original, normal, positions in texts.sections:
        covered = [False] * len(normal)
        for i in range(len(normal) - SHINGLE + 1):
            if normal[i : i + SHINGLE] in theirs:
                for j in range(i, i + SHINGLE):
                    covered[j] = True
        start = None
        for i in range(len(normal) + 1):
            if i < len(normal) and covered[i]:
                if start is None:
                    start = i
                continue
            if start is not None and i - start >= MIN_PASSAGE:
                covered_total += i - start
                begin, end = positions[start], positions[i - 1] + 1
                passages.append(
                    Passage(
                        section=key,
                        label=str(SECTION_LABELS[key]),
                        before=original[max(0, begin - CONTEXT) : begin],
                        text=original[begin:end],
                        after=original[end : end + CONTEXT],
                    )
                )
            start = None
    return covered_total / total, passages


def check(rec: Recommendation) -> OverlapReport:
    """The overlap report of `rec` against the projects of its round and the earlier ones
    (see the module's docstring). Indexes whatever of them is not indexed yet first."""
    scope = comparable(rec.round)
    pending = stale(scope).count()
    if pending > SYNC_LIMIT:
        refresh(Recommendation.objects.filter(pk=rec.pk))
        _queue_round(rec.round_id)
        pending = stale(scope).count()
    else:
        refresh(scope)
        pending = 0
    names = gi_names(rec.data)
    written: dict[str, str] = {}
    gis = (rec.data or {}).get("geographical_indications")
    for gi in gis if isinstance(gis, list) else []:
        if isinstance(gi, dict) and normalise_name(gi.get("name")):
            written.setdefault(normalise_name(gi.get("name")), str(gi.get("name")).strip())
    name_matches: list[NameMatch] = []
    if names:
        rows = (
            OverlapName.objects.filter(
                name__in=names, recommendation_id__in=scope.exclude(pk=rec.pk).values("pk")
            )
            .values_list("name", "recommendation_id")
            .order_by("name", "recommendation_id")
        )
        by_name: dict[str, list[int]] = defaultdict(list)
        for name, other_id in rows:
            if other_id not in by_name[name]:
                by_name[name].append(other_id)
        others = _load({pk for ids in by_name.values() for pk in ids}, with_data=False)
        for name in names:
            if by_name.get(name):
                name_matches.append(NameMatch(written.get(name, name), [others[pk] for pk in by_name[name]]))

    texts = Texts.of(rec.data)
    candidates = _candidates(rec, texts.sample(), scope)
    loaded = _load(set(candidates), with_data=True)
    text_matches = []
    for pk in candidates:
        other = loaded[pk]
        share, passages = compare(texts, Texts.of(other.data))
        if share >= REPORT_SHARE and passages:
            text_matches.append(TextMatch(other, share, passages))
    text_matches.sort(key=lambda m: (-m.share, m.other.pk))
    return OverlapReport(name_matches, text_matches, pending)


def _queue_round(round_id: int) -> None:
    from dibiao.reviews.tasks import task_index_round

    transaction.on_commit(lambda: task_index_round.enqueue(round_id), robust=True)


def _load(ids: set[int], *, with_data: bool) -> dict[int, Recommendation]:
    if not ids:
        return {}
    recs = Recommendation.objects.filter(pk__in=ids).select_related("round", "province")
    if not with_data:
        recs = recs.defer("data")
    return {rec.pk: rec for rec in recs}
