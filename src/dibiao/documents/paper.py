"""The paper check: is this sealed paper copy the version that the province recommended?

The clerk scans the QR code in the footer (a USB scanner types `DIBIAO:<编号 or id>:v<N>:<指纹>`
and Enter) or types the 12-character fingerprint, alone or after the 编号. `check` finds the
version with that fingerprint among the recommendations the clerk may see and compares it with
the version frozen when the province last recommended the project.
"""

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from dibiao.accounts.permissions import visible_recommendations
from dibiao.documents.qr import PREFIX
from dibiao.recommendations.choices import HOLDS_QUOTA, Action
from dibiao.recommendations.models import Recommendation, Transition, Version

FINGERPRINT = re.compile(r"(?<![0-9a-f])[0-9a-f]{12}(?![0-9a-f])")
NUMBER = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2,3})(?!\d)")
logger = logging.getLogger(__name__)

PAYLOAD = re.compile(rf"^{PREFIX.lower()}:([^:]+):v(\d+):([0-9a-f]{{12}})$")


class Outcome:
    MATCH = "match"  # the paper is the recommended version
    OLDER = "older"  # another version of the same project (usually an earlier one)
    OTHER_PROJECT = "other_project"  # the 编号 typed or printed belongs to another project
    NOT_RECOMMENDED = "not_recommended"  # the project is not (or no longer) recommended
    UNKNOWN = "unknown"  # no version has this fingerprint
    UNREADABLE = "unreadable"  # no fingerprint in the input


@dataclass
class Query:
    text: str
    fingerprint: str = ""
    number: str = ""  # 编号 as typed or scanned
    rec_id: int | None = None  # from a QR code printed before the 编号 was assigned
    version: int | None = None


@dataclass
class Result:
    query: Query
    outcome: str
    message: str
    rec: Recommendation | None = None
    paper: Version | None = None  # the version the paper shows
    recommended: Version | None = None  # the version the province recommended
    differences: list[str] = field(default_factory=list)

    @property
    def is_match(self) -> bool:
        return self.outcome == Outcome.MATCH


def parse(text: str) -> Query:
    """Read what a scanner or a clerk typed. Full-width characters (an input method left on),
    upper case (caps lock) and stray spaces are all accepted."""
    folded = unicodedata.normalize("NFKC", text or "").strip().lower()
    folded = re.sub(r"\s*:\s*", ":", folded)
    query = Query(text=(text or "").strip())
    if match := PAYLOAD.match(folded.replace(" ", "")):
        ref, version, fingerprint = match.groups()
        query.version, query.fingerprint = int(version), fingerprint
        if ref.isdigit():
            query.rec_id = int(ref)
        else:
            query.number = ref
        return query
    if match := NUMBER.search(folded):
        query.number = match.group(1)
        folded = folded.replace(query.number, " ")
    # A fingerprint typed in groups ("0123 4567 89ab") counts as well.
    match = FINGERPRINT.search(folded) or FINGERPRINT.search(re.sub(r"[\s\-]+", "", folded))
    if match:
        query.fingerprint = match.group(0)
    if match := re.search(r"(?<![0-9a-z])v(\d{1,4})(?![0-9])", folded):
        query.version = int(match.group(1))
    return query


def recommended_version(rec: Recommendation) -> Version | None:
    """The version frozen when the province last recommended `rec`, while it holds a place in
    the quota (recommended or later); None otherwise."""
    if rec.state not in HOLDS_QUOTA:
        return None
    transition = (
        Transition.objects.filter(recommendation=rec, action=Action.RECOMMEND, version__isnull=False)
        .select_related("version")
        .order_by("-at", "-pk")
        .first()
    )
    return transition.version if transition is not None else None


def _differences(paper: Version, recommended: Version) -> list[str]:
    """The form's fields in which the paper differs from the recommended version."""
    try:
        from dibiao.recommendations.forms import diff_rows

        return [row.label for row in diff_rows(paper, recommended) if row.changed]
    except Exception:  # the list is a help; the verdict stands without it
        logger.exception("paper check: comparing versions %s and %s failed", paper.pk, recommended.pk)
        return []


def _describe(rec: Recommendation) -> str:
    number = rec.number or _("(no number yet)")
    return f"{number} {rec.project_name or rec.pk}（{rec.province.name}）"


def check(user: Any, text: str) -> Result:
    """Compare the paper that `text` identifies with the recommended version (see Outcome)."""
    query = parse(text)
    if not query.fingerprint:
        return Result(
            query,
            Outcome.UNREADABLE,
            _(
                "No fingerprint found. Scan the QR code in the footer, or type the 12 characters after “指纹”."
            ),
        )
    recs = visible_recommendations(user)
    candidates = list(
        Version.objects.filter(fingerprint=query.fingerprint, recommendation__in=recs)
        .select_related("recommendation__province", "recommendation__round")
        .order_by("-number")
    )
    if not candidates:
        return Result(
            query,
            Outcome.UNKNOWN,
            _(
                "No version of any recommendation has the fingerprint %(fingerprint)s: this paper was not made by the product from a submitted version, or the fingerprint was mistyped."
            )
            % {"fingerprint": query.fingerprint},
        )
    rec = candidates[0].recommendation
    named = _named(query, recs)
    if named is not None and named.pk != rec.pk:
        return Result(
            query,
            Outcome.OTHER_PROJECT,
            _(
                "The number on this paper belongs to %(named)s, but its fingerprint to another project: %(other)s."
            )
            % {"named": _describe(named), "other": _describe(rec)},
            rec=rec,
            paper=candidates[0],
        )
    recommended = recommended_version(rec)
    # Identical content gives identical fingerprints: prefer the recommended version.
    paper = next((v for v in candidates if recommended and v.pk == recommended.pk), None)
    paper = paper or next((v for v in candidates if v.number == query.version), candidates[0])
    if recommended is None:
        return Result(
            query,
            Outcome.NOT_RECOMMENDED,
            _(
                "This paper is version v%(version)s of %(project)s, which is not recommended by its province at the moment (“%(state)s”)."
            )
            % {"version": paper.number, "project": _describe(rec), "state": rec.get_state_display()},
            rec=rec,
            paper=paper,
        )
    if paper.fingerprint == recommended.fingerprint:
        return Result(
            query,
            Outcome.MATCH,
            _("This paper is the version the province recommended: %(project)s, v%(version)s.")
            % {"project": _describe(rec), "version": recommended.number},
            rec=rec,
            paper=paper,
            recommended=recommended,
        )
    return Result(
        query,
        Outcome.OLDER,
        _(
            "This paper is version v%(paper)s of %(project)s, but the province recommended v%(recommended)s (fingerprint %(fingerprint)s)."
        )
        % {
            "paper": paper.number,
            "project": _describe(rec),
            "recommended": recommended.number,
            "fingerprint": recommended.fingerprint,
        },
        rec=rec,
        paper=paper,
        recommended=recommended,
        differences=_differences(paper, recommended),
    )


def _named(query: Query, recs: QuerySet[Recommendation]) -> Recommendation | None:
    """The recommendation the paper's 编号 (or the QR code's id) names, if any was given."""
    if query.number:
        return recs.filter(number=query.number).select_related("province").first()
    if query.rec_id is not None:
        return recs.filter(pk=query.rec_id).select_related("province").first()
    return None
