"""The path of a recommendation (DOMAIN §5) as data, and `perform`, the only place where a
recommendation's state changes.

    draft ──SUBMIT──▶ submitted ──RECOMMEND──▶ recommended ──RECEIVE──▶ received
      ▲                 │  ▲                     │                         │
      └────RETURN───────┘  └──────WITHDRAW───────┘                         │
                           ▲                                               │
                           └──────────────RETURN_TO_PROVINCE───────────────┘

`perform` checks, in this order and each with its own message: who (accounts.permissions),
where (the state), when (the province's deadline or extension), what (reason, opinion,
sealed page, a complete form), how many (the quota, under the quota row's lock). Then it
writes the step, freezes a Version where the step says so, records a Transition and the
notifications, and queues the e-mails for after the commit.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dibiao.accounts import permissions
from dibiao.accounts.models import User
from dibiao.accounts.permissions import RecommendationAction as Can
from dibiao.core.errors import DomainError
from dibiao.recommendations import notifications, queries, schema, services
from dibiao.recommendations.choices import Action, Section, State
from dibiao.recommendations.models import Recommendation, Transition
from dibiao.recommendations.schema import Problem
from dibiao.rounds.models import Quota


class WorkflowError(DomainError):
    """A step was refused. `message` says why; `problems` lists the form's problems, if any."""

    def __init__(
        self, message: str, *, field: str | None = None, problems: list[Problem] | None = None
    ) -> None:
        super().__init__(message, field=field)
        self.problems = list(problems or [])


@dataclass(frozen=True)
class Step:
    """One transition. `by` names the accounts.permissions rule for who may take it."""

    source: State
    target: State
    by: str
    refused: Promise  # when the actor may not take this step
    reason: bool = False  # a reason is required
    deadline: bool = False  # only until the province's deadline (or extension)
    late: Promise | None = None  # when the deadline has passed
    complete: bool = False  # the form must pass the full validation
    opinion: str = ""  # the opinion (五) the actor signs: a key of the form
    opinion_missing: Promise | None = None
    seal: Section | None = None  # the sealed page that must be attached
    seal_missing: Promise | None = None
    support: bool = False  # the step may carry 四, the recommending unit's support
    province_part: bool = False  # the step carries the recommending unit's half of 一
    quota: bool = False  # the province's quota must hold (counted under its lock)
    numbers: bool = False  # assigns the 编号
    freeze: bool = False  # freezes a new Version
    stamp: str = ""  # the *_at field set to now
    clears: tuple[str, ...] = ()  # *_at fields that no longer apply
    returns: bool = False  # a step back: shown as "returned"
    # A further condition, checked under the lock: returns the refusal message, or None.
    requires: Callable[[Recommendation], str | None] | None = None
    # Offered by available_actions (the recommendation page). The review steps are not:
    # the review pages offer them (reviews.views).
    offered: bool = True


def _review_condition(name: str) -> Callable[[Recommendation], str | None]:
    """The condition `name` of reviews.queries (imported when checked: reviews builds on this)."""

    def check(rec: Recommendation) -> str | None:
        from dibiao.reviews import queries as review_queries

        problem: str | None = getattr(review_queries, name)(rec)
        return problem

    return check


LATE = gettext_lazy(
    "The deadline for %(province)s was %(deadline)s: nothing can be submitted or recommended any more."
)

TRANSITIONS: dict[Action, Step] = {
    Action.SUBMIT: Step(
        State.DRAFT,
        State.SUBMITTED,
        by=Can.SUBMIT,
        refused=gettext_lazy("Only an officer of the implementing unit can submit this recommendation."),
        deadline=True,
        late=LATE,
        complete=True,
        opinion="implementing_opinion",
        opinion_missing=gettext_lazy("Give the implementing unit's opinion, the signer and the date."),
        seal=Section.IMPLEMENTING_SEAL,
        seal_missing=gettext_lazy("Upload the implementing unit's sealed page (a scan with its seal) first."),
        freeze=True,
        stamp="submitted_at",
    ),
    Action.RETURN: Step(
        State.SUBMITTED,
        State.DRAFT,
        by=Can.RETURN,
        refused=gettext_lazy(
            "Only an officer of the recommending provincial unit can return this recommendation."
        ),
        reason=True,
        returns=True,
    ),
    Action.RECOMMEND: Step(
        State.SUBMITTED,
        State.RECOMMENDED,
        by=Can.RECOMMEND,
        refused=gettext_lazy(
            "Only an officer of the recommending provincial unit can recommend this recommendation."
        ),
        deadline=True,
        late=LATE,
        complete=True,
        opinion="recommending_opinion",
        opinion_missing=gettext_lazy("Give the recommending unit's opinion, the signer and the date."),
        seal=Section.RECOMMENDING_SEAL,
        seal_missing=gettext_lazy("Upload the recommending unit's sealed page (a scan with its seal) first."),
        support=True,
        province_part=True,
        quota=True,
        freeze=True,
        stamp="recommended_at",
    ),
    Action.WITHDRAW: Step(
        State.RECOMMENDED,
        State.SUBMITTED,
        by=Can.WITHDRAW,
        refused=gettext_lazy(
            "Only an officer of the recommending provincial unit can withdraw this recommendation."
        ),
        reason=True,
        deadline=True,
        late=gettext_lazy(
            "The deadline for %(province)s was %(deadline)s: a recommendation can no longer be withdrawn."
        ),
        clears=("recommended_at",),
    ),
    Action.RECEIVE: Step(
        State.RECOMMENDED,
        State.RECEIVED,
        by=Can.RECEIVE,
        refused=gettext_lazy("Only the national administrator can receive recommendations."),
        numbers=True,
        stamp="received_at",
    ),
    Action.RETURN_TO_PROVINCE: Step(
        State.RECEIVED,
        State.SUBMITTED,
        by=Can.RETURN_TO_PROVINCE,
        refused=gettext_lazy("Only the national administrator can return a recommendation to its province."),
        reason=True,
        returns=True,
        clears=("recommended_at", "received_at"),
    ),
    # DOMAIN §6: expert review and selection. The conditions live in reviews.queries.
    Action.START_REVIEW: Step(
        State.RECEIVED,
        State.IN_REVIEW,
        by=Can.START_REVIEW,
        refused=gettext_lazy("Only the national administrator can send a recommendation to expert review."),
        requires=_review_condition("start_review_problem"),
        offered=False,
    ),
    Action.COMPLETE_REVIEW: Step(
        State.IN_REVIEW,
        State.REVIEWED,
        by=Can.COMPLETE_REVIEW,
        refused=gettext_lazy("Only the national administrator can complete the expert review."),
        requires=_review_condition("complete_review_problem"),
        offered=False,
    ),
    Action.SELECT: Step(
        State.REVIEWED,
        State.SELECTED,
        by=Can.SELECT,
        refused=gettext_lazy("Only the national administrator can select key projects."),
        offered=False,
    ),
    Action.NOT_SELECT: Step(
        State.REVIEWED,
        State.NOT_SELECTED,
        by=Can.NOT_SELECT,
        refused=gettext_lazy("Only the national administrator can decide on key projects."),
        offered=False,
    ),
}


def available_actions(user: Any, rec: Recommendation) -> list[Action]:
    """The steps the page may offer `user`: those from the current state that the user may
    take. The deadline, the quota and the form's completeness may still refuse, with a message."""
    return [
        action
        for action, step in TRANSITIONS.items()
        if step.offered and rec.state == step.source and permissions.can(user, step.by, rec)
    ]


def _state_label(state: str) -> str:
    return str(State(state).label)


def _copy_row(source: Recommendation, target: Recommendation) -> None:
    if source is target:
        return
    for field in Recommendation._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def _check_where(locked: Recommendation, seen: Recommendation, step: Step) -> None:
    if locked.state == step.source:
        return
    if seen.state == step.source:
        # The page showed the step, but somebody else moved the recommendation meanwhile.
        raise WorkflowError(
            _(
                "Someone else has already handled this recommendation meanwhile: it is now "
                "“%(state)s”. Reload the page to see its current state."
            )
            % {"state": _state_label(locked.state)}
        )
    raise WorkflowError(
        _("This step is not possible while the recommendation is “%(state)s”.")
        % {"state": _state_label(locked.state)}
    )


def _check_when(locked: Recommendation, step: Step, now: Any) -> None:
    if not step.deadline:
        return
    deadline = queries.deadline_for(locked.round, locked.province_id)
    if not queries.is_before_deadline(now, deadline):
        raise WorkflowError(
            str(step.late)
            % {
                "province": locked.province.name,
                "deadline": formats.date_format(timezone.localtime(deadline), "DATETIME_FORMAT"),
            }
        )


def _content_after(
    locked: Recommendation,
    step: Step,
    *,
    reason: str,
    opinion: dict[str, Any] | None,
    support: str | None,
    province_part: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The form's content after this step (with the opinion and support it brings), checked."""
    if step.reason and not reason:
        raise WorkflowError(_("Give a reason."), field="reason")
    data = schema.normalise(locked.data or {})
    data.pop("number", None)
    data.pop("year", None)
    if step.opinion:
        if opinion is not None:
            data[step.opinion] = schema.normalise_opinion(opinion)
        problems = schema.opinion_problems(data, step.opinion)
        if problems:
            raise WorkflowError(str(step.opinion_missing), field=step.opinion, problems=problems)
    if step.support and support is not None:
        data["recommender_support"] = schema.normalise_long_text(support)
    if step.province_part and province_part is not None:
        data = schema.with_province_part(data, province_part)
    if step.complete:
        problems = schema.validate(data, for_submission=True, for_recommendation=step.province_part)
        if problems:
            raise WorkflowError(
                _("The form is not complete or has errors (%(count)d). Correct them, then try again.")
                % {"count": len(problems)},
                problems=problems,
            )
    if step.seal and not queries.active_attachments(locked, step.seal).exists():
        raise WorkflowError(str(step.seal_missing), field=step.seal.value)
    return data


def _lock_quota(locked: Recommendation) -> Quota | None:
    return (
        Quota.objects.select_for_update()
        .filter(round_id=locked.round_id, province_id=locked.province_id)
        .first()
    )


def _check_quota(locked: Recommendation) -> None:
    """Lock the province's quota row, then count what it holds: concurrent recommendations
    of one province queue on that lock, so the count never exceeds the cap."""
    quota = _lock_quota(locked)
    if quota is None:
        raise WorkflowError(
            _("%(province)s has no quota in this round, so it cannot recommend projects.")
            % {"province": locked.province.name}
        )
    held = queries.quota_held(locked.round, locked.province_id)
    if held >= quota.cap:
        raise WorkflowError(
            _(
                "The quota is used up: %(province)s may recommend at most %(cap)d projects in this "
                "round and has already recommended %(held)d. Withdraw one first to recommend this one."
            )
            % {"province": locked.province.name, "cap": quota.cap, "held": held}
        )


def _assign_number(locked: Recommendation) -> list[str]:
    """Give the recommendation its 编号 (year-province code-sequence) unless it has one: the
    next sequence of its province in the round, counted under the province's quota row lock,
    so numbers are gapless and unique even when many are received at once."""
    if locked.number:
        return []
    if _lock_quota(locked) is None:
        # No quota row (it was deleted): the province's own row serialises numbering instead.
        type(locked.province).objects.select_for_update().filter(pk=locked.province_id).first()
    seq = queries.next_number_seq(locked.round, locked.province_id)
    locked.number_seq = seq
    locked.number = f"{locked.round.year}-{locked.province.province_code}-{seq:02d}"
    return ["number", "number_seq"]


def _queue_emails(transition_id: int) -> None:
    from dibiao.recommendations.tasks import task_send_notification_emails

    task_send_notification_emails.enqueue(transition_id)


def _queue_prerender(recommendation_id: int) -> None:
    from dibiao.documents.tasks import task_prerender_pdf

    task_prerender_pdf.enqueue(recommendation_id=recommendation_id)


def perform(
    rec: Recommendation,
    action: Action | str,
    *,
    actor: User,
    reason: str = "",
    opinion: dict[str, Any] | None = None,
    support: str | None = None,
    province_part: dict[str, Any] | None = None,
) -> Transition:
    """Move `rec` along `action`, or raise WorkflowError with a message for the user.

    In one transaction: re-read the recommendation under a row lock; check who, where, when,
    what and how many (locking the province's quota row for the count); save the new state
    with the opinion/support (and, to recommend, the province's half of 一) the step brings
    and its timestamps; assign the number (RECEIVE);
    freeze a Version (SUBMIT, RECOMMEND); record the Transition and the notifications. After
    the commit, the notice e-mails are queued. On return (or refusal) `rec` shows the row as
    it is now.
    """
    try:
        action = Action(action)
        step = TRANSITIONS[action]
    except (ValueError, KeyError):
        raise WorkflowError(_("This step does not exist.")) from None
    reason = (reason or "").strip()
    locked: Recommendation | None = None
    try:
        with transaction.atomic():
            locked = (
                Recommendation.objects.select_for_update(no_key=True, of=("self",))
                .select_related("round", "province", "implementing_unit")
                .filter(pk=rec.pk)
                .first()
            )
            if locked is None:
                raise WorkflowError(_("This recommendation no longer exists."))
            if not permissions.can(actor, step.by, locked):
                raise WorkflowError(str(step.refused))
            _check_where(locked, rec, step)
            now = timezone.now()
            _check_when(locked, step, now)
            if step.requires is not None and (problem := step.requires(locked)):
                raise WorkflowError(problem)
            data = _content_after(
                locked, step, reason=reason, opinion=opinion, support=support, province_part=province_part
            )
            if step.quota:
                _check_quota(locked)

            from_state = locked.state
            fields = ["state", "is_returned"]
            locked.state = step.target
            locked.is_returned = step.returns
            if (step.opinion or step.support or step.province_part) and data != locked.data:
                locked.data = data
                fields.append("data")
            if step.stamp:
                setattr(locked, step.stamp, now)
                fields.append(step.stamp)
            for name in step.clears:
                setattr(locked, name, None)
                fields.append(name)
            if step.numbers:
                fields += _assign_number(locked)
            locked.save(update_fields=fields)
            version = (
                services.freeze_version(locked, actor=actor)
                if step.freeze
                else locked.versions.order_by("-number").first()
            )
            transition = Transition.objects.create(
                recommendation=locked,
                action=action,
                from_state=from_state,
                to_state=step.target,
                actor=actor,
                reason=reason,
                version=version,
            )
            notifications.notify(transition)
            transaction.on_commit(partial(_queue_emails, transition.pk), robust=True)
            if step.numbers and settings.PRERENDER_PDFS:
                # CNIPA's archive of the round then finds this PDF ready (documents.tasks).
                transaction.on_commit(partial(_queue_prerender, locked.pk), robust=True)
    except WorkflowError:
        if locked is not None:
            # Nothing was written; the row as read under the lock is the current one.
            _copy_row(locked, rec)
        raise
    _copy_row(locked, rec)
    return transition
