"""Selecting the key projects (重点优势项目) and publishing a round's outcome (六、批准情况).

The national administrator decides, project by project, which reviewed projects are selected,
and may change a decision until the round is published. A decision is a `Decision` row only:
the project stays "reviewed", so that nobody but the national administrators learns of it
(the project's state is shown to its province and unit, and a step notifies them). Publishing
moves every decided project along SELECT or NOT_SELECT through the workflow, stamps the
panel's `published_at` and sets the round's state to published, which is what the provinces'
outcome pages and the public list of key projects read.

Both services take the round's row lock first, so a decision and a publication never interleave.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dibiao.accounts.permissions import ReviewAction, can
from dibiao.core.audit import record
from dibiao.core.errors import DomainError
from dibiao.recommendations import workflow
from dibiao.recommendations.choices import Action, State
from dibiao.recommendations.models import Recommendation
from dibiao.reviews.models import Decision, Panel
from dibiao.reviews.ranking import UNDER_REVIEW_STATES
from dibiao.rounds.choices import RoundState
from dibiao.rounds.models import Round
from dibiao.rounds.services import update_round

NOTE_MAX = 2000


@dataclass(frozen=True)
class Decided:
    """What `decide` wrote: decisions created, decisions changed, decisions left as they were."""

    created: int = 0
    changed: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class Published:
    selected: int
    not_selected: int


def _lock(round: Round) -> Round:
    locked = Round.objects.select_for_update().filter(pk=round.pk).first()
    if locked is None:
        raise DomainError(_("This round no longer exists."))
    return locked


def _check_admin(actor: Any) -> None:
    if not can(actor, ReviewAction.MANAGE):
        raise DomainError(_("Only the national administrator can decide on and publish the key projects."))


def _check_not_published(round: Round) -> None:
    if round.state == RoundState.PUBLISHED:
        raise DomainError(
            _("The results of this round have been published: its decisions can no longer change.")
        )


def _ids(values: Iterable[Any]) -> set[int]:
    ids = set()
    for value in values:
        try:
            ids.add(int(value))
        except (TypeError, ValueError):
            continue
    return ids


def decide(
    round: Round, *, actor: Any, shown: Iterable[Any], selected: Iterable[Any], note: str = ""
) -> Decided:
    """Record the decision on every project in `shown` (ids): selected if it is in `selected`
    too, not selected otherwise. Projects not in `shown` keep their decision, so a filtered
    table decides only what it shows.

    In one transaction, under the round's row lock: checks the actor (national administrator),
    that the round is not published, and that every shown project is a reviewed project of
    this round; then creates a Decision for each project without one (audit `review.decided`),
    changes those whose decision differs, with the actor, time and note of the change (audit
    `review.decision_changed`, old and new value), and leaves the others untouched.
    Raises DomainError.
    """
    _check_admin(actor)
    shown_ids = _ids(shown)
    chosen = _ids(selected) & shown_ids
    note = (note or "").strip()[:NOTE_MAX]
    if not shown_ids:
        raise DomainError(_("No project was shown for a decision."))
    with transaction.atomic():
        locked = _lock(round)
        _check_not_published(locked)
        recs = list(
            Recommendation.objects.filter(round=locked, pk__in=shown_ids)
            .select_related("decision")
            .order_by("pk")
        )
        found = {rec.pk for rec in recs}
        not_ready = [rec for rec in recs if rec.state != State.REVIEWED]
        if found != shown_ids or not_ready:
            raise DomainError(
                _(
                    "Only reviewed projects of this round can be decided on, and some of the projects "
                    "have changed meanwhile. Reload the ranking and decide again."
                )
            )
        now = timezone.now()
        created = changed = unchanged = 0
        for rec in recs:
            is_selected = rec.pk in chosen
            existing = rec.decision if _has_decision(rec) else None
            if existing is None:
                decision = Decision.objects.create(
                    recommendation=rec, is_selected=is_selected, note=note, decided_by=actor
                )
                record(
                    actor,
                    "review.decided",
                    decision,
                    f"{rec.number or rec.pk} {'selected' if is_selected else 'not selected'}",
                    recommendation=rec.pk,
                    is_selected=is_selected,
                    note=note,
                )
                created += 1
            elif existing.is_selected != is_selected:
                old = {
                    "is_selected": existing.is_selected,
                    "note": existing.note,
                    "decided_by": existing.decided_by_id,
                }
                existing.is_selected = is_selected
                existing.note = note
                existing.decided_by = actor
                existing.decided_at = now
                existing.save(update_fields=["is_selected", "note", "decided_by", "decided_at"])
                record(
                    actor,
                    "review.decision_changed",
                    existing,
                    f"{rec.number or rec.pk} {'selected' if is_selected else 'not selected'}",
                    recommendation=rec.pk,
                    old=old,
                    new={"is_selected": is_selected, "note": note, "decided_by": actor.pk},
                )
                changed += 1
            else:
                unchanged += 1
    return Decided(created=created, changed=changed, unchanged=unchanged)


def _has_decision(rec: Recommendation) -> bool:
    try:
        rec.decision  # noqa: B018  reading the reverse one-to-one is the test
    except Decision.DoesNotExist:
        return False
    return True


def publication_problems(round: Round) -> list[str]:
    """Why `round` cannot be published now, each reason a sentence; empty when it can."""
    if round.state == RoundState.PUBLISHED:
        return [_("The results of this round have already been published.")]
    recs = Recommendation.objects.filter(round=round)
    problems = []
    under_review = recs.filter(state__in=UNDER_REVIEW_STATES).count()
    if under_review:
        problems.append(
            ngettext(
                "%(count)d project of this round is still being reviewed.",
                "%(count)d projects of this round are still being reviewed.",
                under_review,
            )
            % {"count": under_review}
        )
    reviewed = recs.filter(state=State.REVIEWED)
    undecided = reviewed.filter(decision__isnull=True).count()
    if undecided:
        problems.append(
            ngettext(
                "%(count)d reviewed project has no decision yet.",
                "%(count)d reviewed projects have no decision yet.",
                undecided,
            )
            % {"count": undecided}
        )
    if not under_review and not reviewed.exists():
        problems.append(_("This round has no reviewed projects to publish."))
    return problems


def publish(round: Round, *, actor: Any) -> Published:
    """Publish the outcome of `round`.

    In one transaction, under the round's row lock: checks the actor (national administrator)
    and `publication_problems` (not published yet, nothing still in review, every reviewed
    project decided); moves each reviewed project along SELECT or NOT_SELECT as decided (the
    workflow records the transitions and notifies the province and the unit); sets the
    panel's `published_at` (creating the panel if the round has none); sets the round's state
    to published (rounds.services.update_round, which records its own audit event); records
    `review.published` with the counts. Raises DomainError (a WorkflowError is one); then
    nothing is written.
    """
    _check_admin(actor)
    with transaction.atomic():
        locked = _lock(round)
        problems = publication_problems(locked)
        if problems:
            raise DomainError(" ".join(problems))
        recs = list(
            Recommendation.objects.filter(round=locked, state=State.REVIEWED)
            .select_related("decision")
            .order_by("province__sort_key", "number_seq", "pk")
        )
        selected = 0
        for rec in recs:
            action = Action.SELECT if rec.decision.is_selected else Action.NOT_SELECT
            workflow.perform(rec, action, actor=actor)
            selected += rec.decision.is_selected
        now = timezone.now()
        panel, _created = Panel.objects.get_or_create(round=locked)
        panel.published_at = now
        panel.save(update_fields=["published_at"])
        update_round(locked, actor=actor, state=RoundState.PUBLISHED)
        result = Published(selected=selected, not_selected=len(recs) - selected)
        record(
            actor,
            "review.published",
            locked,
            f"{locked.year}: {result.selected} selected, {result.not_selected} not selected",
            selected=result.selected,
            not_selected=result.not_selected,
            published_at=now.isoformat(),
        )
    round.state = locked.state
    return result
