"""The automatic assignment of experts to the received projects of a round."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dibiao.core import audit
from dibiao.recommendations.models import Recommendation
from dibiao.reviews import queries, services
from dibiao.reviews.models import Assignment, Expert, Tie
from dibiao.rounds.models import Round


@dataclass(frozen=True)
class Understaffed:
    """A project that could not get all its experts, and why."""

    recommendation: Recommendation
    assigned: int
    needed: int
    reason: str


@dataclass
class AssignmentReport:
    """What `auto_assign` did: the new (recommendation pk, expert pk) pairs, how many
    assignments it kept, the projects it could not fully staff (with the reason), and each
    active expert's number of projects in the round afterwards."""

    created: list[tuple[int, int]] = field(default_factory=list)
    kept: int = 0
    projects: int = 0
    understaffed: list[Understaffed] = field(default_factory=list)
    loads: dict[int, int] = field(default_factory=dict)

    @property
    def spread(self) -> int:
        """Most minus fewest projects per active expert."""
        return max(self.loads.values()) - min(self.loads.values()) if self.loads else 0


@dataclass
class _Project:
    rec: Recommendation
    assigned: set[int]  # expert pks, kept as they are
    eligible: list[int]  # active experts free of conflicts and not assigned yet
    own_province: int  # active experts from its province
    tied: int  # other active experts with a declared tie to its units


def _conflicts(expert: Expert, rec: Recommendation, ties: dict[int, set[int]]) -> tuple[bool, bool]:
    own = expert.province_id is not None and expert.province_id == rec.province_id
    tied = bool(ties.get(expert.pk, set()) & {rec.implementing_unit_id, rec.province_id})
    return own, tied


def _reason(project: _Project, available: int) -> str:
    if available == 0:
        return _(
            "No expert can review it: %(province)d active experts are from its province and "
            "%(tied)d declared a tie to its units."
        ) % {"province": project.own_province, "tied": project.tied}
    return ngettext(
        "Only %(count)d expert can review it: the others are from its province (%(province)d) or "
        "declared a tie to its units (%(tied)d).",
        "Only %(count)d experts can review it: the others are from its province (%(province)d) or "
        "declared a tie to its units (%(tied)d).",
        available,
    ) % {"count": available, "province": project.own_province, "tied": project.tied}


def _rebalance(
    new: list[tuple[int, int]], projects: dict[int, _Project], loads: dict[int, int], order: dict[int, int]
) -> list[tuple[int, int]]:
    """Move new assignments from the most to the least loaded experts while the difference is
    more than one and a move is possible (the least loaded expert eligible for a project that
    a most loaded one got in this run)."""
    taken = defaultdict(set)
    for rec_id, expert_id in new:
        taken[rec_id].add(expert_id)
    for _round in range(len(new) + 1):
        if not loads:
            break
        high, low = max(loads.values()), min(loads.values())
        if high - low <= 1:
            break
        moved = False
        heavy = sorted((e for e, n in loads.items() if n == high), key=order.__getitem__)
        light = sorted((e for e, n in loads.items() if n == low), key=order.__getitem__)
        for index, (rec_id, expert_id) in enumerate(new):
            if expert_id not in heavy:
                continue
            project = projects[rec_id]
            for candidate in light:
                if candidate in project.eligible and candidate not in taken[rec_id]:
                    new[index] = (rec_id, candidate)
                    taken[rec_id].discard(expert_id)
                    taken[rec_id].add(candidate)
                    loads[expert_id] -= 1
                    loads[candidate] += 1
                    moved = True
                    break
            if moved:
                break
        if not moved:
            break
    return new


def auto_assign(round: Round, *, actor: Any) -> AssignmentReport:
    """Give every received (or in review) project of `round` its experts_per_project experts.

    1. Lock the round's panel, so that no other assignment runs meanwhile.
    2. Keep every existing assignment (and its scores) as it is; a project only gets the
       experts it still lacks.
    3. For each project, the eligible experts are the active ones that are not assigned to
       it yet, not from its province and have declared no tie to its implementing or its
       recommending unit.
    4. Take the projects with the fewest eligible experts first (then by 编号, then pk), so
       the hardest to staff choose first.
    5. Each project takes the eligible experts with the fewest projects in the round so far;
       ties go to the expert added to the pool first (pk), so a rerun on the same data gives
       the same result.
    6. Rebalance: while the most and the least loaded experts differ by more than one, move
       one of this run's assignments from a most loaded expert to a least loaded one who is
       eligible for that project.
    7. Write the new assignments in one transaction and record `review.auto_assigned` with
       every new pair and every project that could not be fully staffed, with the reason.
    """
    services.require_manager(actor)
    report = AssignmentReport()
    with transaction.atomic():
        panel = services.lock_panel(round)
        needed = panel.experts_per_project
        recs = list(
            Recommendation.objects.filter(round=round, state__in=queries.ASSIGNABLE_STATES)
            .select_related("province")
            .order_by("number", "pk")
        )
        experts = list(queries.active_experts().order_by("pk"))
        order = {expert.pk: index for index, expert in enumerate(experts)}
        ties: dict[int, set[int]] = defaultdict(set)
        for expert_id, unit_id in Tie.objects.filter(expert__in=experts).values_list(
            "expert_id", "organisation_id"
        ):
            ties[expert_id].add(unit_id)
        existing: dict[int, set[int]] = defaultdict(set)
        for rec_id, expert_id in Assignment.objects.filter(recommendation__in=recs).values_list(
            "recommendation_id", "expert_id"
        ):
            existing[rec_id].add(expert_id)
        loads = {expert.pk: 0 for expert in experts}
        for expert_id, count in queries.loads_in_round(round).items():
            if expert_id in loads:
                loads[expert_id] = count

        projects: dict[int, _Project] = {}
        for rec in recs:
            own = tied = 0
            eligible = []
            for expert in experts:
                is_own, is_tied = _conflicts(expert, rec, ties)
                if is_own:
                    own += 1
                elif is_tied:
                    tied += 1
                elif expert.pk not in existing[rec.pk]:
                    eligible.append(expert.pk)
            projects[rec.pk] = _Project(rec, existing[rec.pk], eligible, own, tied)
        report.projects = len(recs)
        report.kept = sum(len(assigned) for assigned in existing.values())

        new: list[tuple[int, int]] = []
        queue = sorted(
            (p for p in projects.values() if len(p.assigned) < needed),
            key=lambda p: (len(p.eligible), p.rec.number or "", p.rec.pk),
        )
        for project in queue:
            lacking = needed - len(project.assigned)
            chosen = sorted(project.eligible, key=lambda pk: (loads[pk], order[pk]))[:lacking]
            for expert_id in chosen:
                loads[expert_id] += 1
                new.append((project.rec.pk, expert_id))
        new = _rebalance(new, projects, loads, order)

        per_project: dict[int, int] = defaultdict(int)
        for rec_id, _expert_id in new:
            per_project[rec_id] += 1
        for project in queue:
            have = len(project.assigned) + per_project[project.rec.pk]
            if have < needed:
                available = len(project.eligible) + len(project.assigned)
                report.understaffed.append(
                    Understaffed(project.rec, have, needed, _reason(project, available))
                )

        Assignment.objects.bulk_create(
            [
                Assignment(recommendation_id=rec_id, expert_id=expert_id, assigned_by=actor)
                for rec_id, expert_id in new
            ]
        )
        report.created = new
        report.loads = loads
        audit.record(
            actor,
            "review.auto_assigned",
            panel,
            f"{round.year}: {len(new)} new, {report.kept} kept, {len(report.understaffed)} short",
            created=[list(pair) for pair in new],
            understaffed=[[u.recommendation.pk, u.assigned, u.needed] for u in report.understaffed],
        )
    return report
