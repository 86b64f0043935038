"""Every write to rounds, quotas, holdings and extensions.

Each service checks its input, raises `DomainError` (or `ImportProblems`, listing every problem
by row) with a message for the user, writes in one transaction and records an audit event.
Writes to one round's tables take the round's row lock first, so two administrators editing
the same table at once queue instead of interleaving.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dibiao.core.audit import record
from dibiao.core.errors import DomainError
from dibiao.organisations.choices import Kind
from dibiao.organisations.models import Organisation
from dibiao.rounds import tables
from dibiao.rounds.apportionment import check_bounds
from dibiao.rounds.choices import RoundState
from dibiao.rounds.models import Extension, Holding, Quota, Round
from dibiao.rounds.queries import proposal_for, provincial_units

QUOTA_COLUMNS = ("province_code", "unit_name", "quota")
HOLDING_COLUMNS = ("province_code", "gi_products", "gi_trademarks")
# Far above any real quota (the 2021 maximum is 10) and below the column's limit.
QUOTA_MAX = 999
# Far above any province's holdings (end 2020, nationally: 2,391 products, 6,085 trademarks).
HOLDING_MAX = 1_000_000
YEAR_MIN, YEAR_MAX = 2000, 2100
ROUND_FIELDS = ("year", "title", "notice_ref", "opens_at", "deadline_at", "state")


def local(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


# --- rounds ------------------------------------------------------------------------------------


def check_round(values: Mapping[str, Any], *, exclude: Round | None = None) -> None:
    """Raise DomainError (with the field at fault) unless `values` make a valid round."""
    year = values["year"]
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise DomainError(
            _("The year must be between %(min)s and %(max)s.") % {"min": YEAR_MIN, "max": YEAR_MAX},
            field="year",
        )
    others = Round.objects.filter(year=year)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        raise DomainError(_("There is already a round for %(year)s.") % {"year": year}, field="year")
    if not values["title"].strip():
        raise DomainError(_("Enter a title."), field="title")
    if values["state"] not in RoundState.values:
        raise DomainError(_("Choose a state from the list."), field="state")
    if values["deadline_at"] <= values["opens_at"]:
        raise DomainError(_("The deadline must be after the opening time."), field="deadline_at")


def create_round(
    *,
    actor: Any,
    year: int,
    title: str,
    opens_at: dt.datetime,
    deadline_at: dt.datetime,
    notice_ref: str = "",
    state: str = RoundState.DRAFT,
) -> Round:
    """Create a round (without quotas). Raises DomainError: year out of range or taken, no
    title, unknown state, deadline not after the opening time."""
    values = {
        "year": year,
        "title": title.strip(),
        "notice_ref": notice_ref.strip(),
        "opens_at": opens_at,
        "deadline_at": deadline_at,
        "state": state,
    }
    check_round(values)
    try:
        with transaction.atomic():
            round = Round.objects.create(**values)
            record(actor, "round.create", round, f"{year} {round.title}", **_audit_values(values))
    except IntegrityError:
        # Another administrator created the same year between our check and our insert.
        raise DomainError(
            _("There is already a round for %(year)s.") % {"year": year}, field="year"
        ) from None
    return round


def update_round(round: Round, *, actor: Any, **changes: Any) -> Round:
    """Change any of the round's fields (ROUND_FIELDS), checked as in `create_round`; records
    the old and new value of each field that changed. Raises DomainError, or
    Round.NotUpdated if the round was deleted meanwhile."""
    unknown = set(changes) - set(ROUND_FIELDS)
    if unknown:
        raise TypeError(f"update_round() cannot change {sorted(unknown)}")
    if "title" in changes:
        changes["title"] = changes["title"].strip()
    if "notice_ref" in changes:
        changes["notice_ref"] = changes["notice_ref"].strip()
    values = {field: changes.get(field, getattr(round, field)) for field in ROUND_FIELDS}
    check_round(values, exclude=round)
    changed = [field for field in ROUND_FIELDS if values[field] != getattr(round, field)]
    if not changed:
        return round
    old = {field: getattr(round, field) for field in changed}
    for field in changed:
        setattr(round, field, values[field])
    try:
        with transaction.atomic():
            round.save(update_fields=changed)
            record(
                actor,
                "round.update",
                round,
                f"{round.year} {', '.join(changed)}",
                old=_audit_values(old),
                new=_audit_values({field: values[field] for field in changed}),
            )
    except IntegrityError:
        raise DomainError(
            _("There is already a round for %(year)s.") % {"year": values["year"]}, field="year"
        ) from None
    return round


def _audit_values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, dt.datetime) else value for key, value in values.items()
    }


def _lock(round: Round) -> Round:
    return Round.objects.select_for_update().get(pk=round.pk)


# --- quotas ------------------------------------------------------------------------------------


def _write_quotas(
    round: Round, caps: Mapping[Organisation, int], *, basis: str, only_changed: bool
) -> dict[str, list[int | None]]:
    """Set each province's cap; give `basis` to every row written. Returns {code: [old, new]}.

    With `only_changed`, a row whose cap stays the same keeps its basis and is not written.
    """
    existing = {quota.province_id: quota for quota in Quota.objects.filter(round=round)}
    basis = basis.strip()[: Quota._meta.get_field("basis").max_length]
    created, updated = [], []
    changes: dict[str, list[int | None]] = {}
    for province, cap in caps.items():
        quota = existing.get(province.pk)
        if quota is None:
            created.append(Quota(round=round, province=province, cap=cap, basis=basis))
            changes[province.province_code] = [None, cap]
        elif quota.cap != cap or not only_changed:
            if quota.cap != cap:
                changes[province.province_code] = [quota.cap, cap]
            quota.cap, quota.basis = cap, basis
            updated.append(quota)
    Quota.objects.bulk_create(created)
    Quota.objects.bulk_update(updated, ["cap", "basis"])
    return changes


def set_quotas(round: Round, caps: Mapping[str, int], *, actor: Any, basis: str = "") -> dict[str, int]:
    """Set the caps of the provinces in `caps` (by province code), as entered by hand.

    A quota whose cap changes takes `basis` (or "set by hand"); the others keep theirs.
    Raises DomainError for an unknown province or a cap outside 0..QUOTA_MAX.
    Returns the new caps of every province that has a quota, by code.
    """
    provinces = {province.province_code: province for province in provincial_units()}
    for code, cap in caps.items():
        if code not in provinces:
            raise DomainError(_("%(code)s is not the code of a provincial unit.") % {"code": code})
        if not 0 <= cap <= QUOTA_MAX:
            raise DomainError(
                _("A quota must be between 0 and %(maximum)s.") % {"maximum": QUOTA_MAX}, field=code
            )
    with transaction.atomic():
        _lock(round)
        changes = _write_quotas(
            round,
            {provinces[code]: cap for code, cap in caps.items()},
            basis=basis or _("Set by hand"),
            only_changed=True,
        )
        if changes:
            record(actor, "quotas.set", round, f"{round.year}: {len(changes)}", changes=changes, basis=basis)
    return _caps(round)


def import_quotas(round: Round, data: bytes, *, actor: Any, basis: str = "") -> dict[str, int]:
    """Replace the round's quota table with the file's (.csv or .xlsx; columns QUOTA_COLUMNS).

    Every row is checked first: the province code must be a provincial unit's and the name
    must be that unit's; the quota a whole number 0..QUOTA_MAX; no province twice; every
    provincial unit present. Any problem raises ImportProblems listing all of them, row by
    row, and nothing is written. Otherwise every quota is written, with `basis`, in one
    transaction. Returns the new caps by province code.
    """
    rows = tables.read_rows(data, QUOTA_COLUMNS)
    provinces = {province.province_code: province for province in provincial_units()}
    problems: list[str] = []
    caps: dict[Organisation, int] = {}
    first_row: dict[str, int] = {}
    for row in rows:
        found: list[str] = []
        code, name = row.values["province_code"], row.values["unit_name"]
        province = _province_of_row(code, provinces, found)
        if province is not None:
            if code in first_row:
                found.append(
                    _("province %(code)s is already on row %(row)s.") % {"code": code, "row": first_row[code]}
                )
            else:
                first_row[code] = row.number
            if not name:
                found.append(
                    _("the unit name is empty; %(code)s is “%(expected)s”.")
                    % {"code": code, "expected": province.name}
                )
            elif _same_name(name) != _same_name(province.name):
                found.append(
                    _("the unit name “%(name)s” does not match %(code)s, which is “%(expected)s”.")
                    % {"name": name, "code": code, "expected": province.name}
                )
        cap, problem = tables.parse_count(row.values["quota"], _("The quota"), maximum=QUOTA_MAX)
        if problem:
            found.append(problem)
        if found:
            problems.extend(tables.row_problem(row.number, problem) for problem in found)
        elif province is not None and cap is not None:
            caps[province] = cap
    problems.extend(_missing_provinces(provinces, first_row))
    if problems:
        raise tables.refuse(problems)

    with transaction.atomic():
        _lock(round)
        changes = _write_quotas(round, caps, basis=basis or _("Imported from a file"), only_changed=False)
        record(
            actor,
            "quotas.import",
            round,
            f"{round.year}: {len(caps)}, {sum(caps.values())}",
            changes=changes,
            total=sum(caps.values()),
            basis=basis,
        )
    return _caps(round)


def _caps(round: Round) -> dict[str, int]:
    return dict(
        Quota.objects.filter(round=round)
        .order_by("province__province_code")
        .values_list("province__province_code", "cap")
    )


def _province_of_row(
    code: str, provinces: Mapping[str, Organisation], found: list[str]
) -> Organisation | None:
    if not code:
        found.append(_("the province code is empty."))
        return None
    province = provinces.get(code)
    if province is None:
        found.append(_("“%(code)s” is not the code of a provincial unit.") % {"code": code})
    return province


def _same_name(name: str) -> str:
    return "".join(name.split())


def _missing_provinces(provinces: Mapping[str, Organisation], seen: Mapping[str, int]) -> list[str]:
    missing = [province for code, province in provinces.items() if code not in seen]
    if not missing:
        return []
    return [
        _("The file has no row for: %(units)s. It must list every provincial unit.")
        % {"units": "、".join(f"{province.province_code} {province.name}" for province in missing)}
    ]


# --- holdings ----------------------------------------------------------------------------------


def set_holdings(round: Round, holdings: Mapping[str, tuple[int, int]], *, actor: Any) -> int:
    """Record (GI products, GI trademarks) per province code for `round`. Raises DomainError
    for an unknown province or a number outside 0..HOLDING_MAX. Returns how many changed."""
    provinces = {province.province_code: province for province in provincial_units()}
    for code, counts in holdings.items():
        if code not in provinces:
            raise DomainError(_("%(code)s is not the code of a provincial unit.") % {"code": code})
        if not all(0 <= count <= HOLDING_MAX for count in counts):
            raise DomainError(
                _("A number of GIs must be between 0 and %(maximum)s.") % {"maximum": HOLDING_MAX}, field=code
            )
    with transaction.atomic():
        _lock(round)
        existing = {holding.province_id: holding for holding in Holding.objects.filter(round=round)}
        created, updated = [], []
        changes: dict[str, list[Any]] = {}
        for code, (products, trademarks) in holdings.items():
            province = provinces[code]
            holding = existing.get(province.pk)
            if holding is None:
                created.append(
                    Holding(round=round, province=province, gi_products=products, gi_trademarks=trademarks)
                )
                changes[code] = [None, [products, trademarks]]
            elif (holding.gi_products, holding.gi_trademarks) != (products, trademarks):
                changes[code] = [[holding.gi_products, holding.gi_trademarks], [products, trademarks]]
                holding.gi_products, holding.gi_trademarks = products, trademarks
                updated.append(holding)
        Holding.objects.bulk_create(created)
        Holding.objects.bulk_update(updated, ["gi_products", "gi_trademarks"])
        if changes:
            record(actor, "holdings.set", round, f"{round.year}: {len(changes)}", changes=changes)
    return len(changes)


def import_holdings(round: Round, data: bytes, *, actor: Any) -> int:
    """Record holdings from a file (.csv or .xlsx; columns HOLDING_COLUMNS), checked like
    `import_quotas`: every problem listed by row, nothing written unless every row is valid
    and every provincial unit has a row. Returns how many provinces' holdings changed."""
    rows = tables.read_rows(data, HOLDING_COLUMNS)
    provinces = {province.province_code: province for province in provincial_units()}
    problems: list[str] = []
    holdings: dict[str, tuple[int, int]] = {}
    first_row: dict[str, int] = {}
    for row in rows:
        found: list[str] = []
        code = row.values["province_code"]
        province = _province_of_row(code, provinces, found)
        if province is not None:
            if code in first_row:
                found.append(
                    _("province %(code)s is already on row %(row)s.") % {"code": code, "row": first_row[code]}
                )
            else:
                first_row[code] = row.number
        products, problem = tables.parse_count(
            row.values["gi_products"], _("The number of GI products"), maximum=HOLDING_MAX
        )
        found += [problem] if problem else []
        trademarks, problem = tables.parse_count(
            row.values["gi_trademarks"], _("The number of GI trademarks"), maximum=HOLDING_MAX
        )
        found += [problem] if problem else []
        if found:
            problems.extend(tables.row_problem(row.number, problem) for problem in found)
        elif products is not None and trademarks is not None:
            holdings[code] = (products, trademarks)
    problems.extend(_missing_provinces(provinces, first_row))
    if problems:
        raise tables.refuse(problems)
    return set_holdings(round, holdings, actor=actor)


# --- the proposal ------------------------------------------------------------------------------


def check_proposal(count: int, *, total: int, floor: int, ceiling: int) -> None:
    """Raise DomainError (with the field at fault) unless `count` provinces can share `total`
    places, each between `floor` and `ceiling`."""
    if count == 0:
        raise DomainError(_("There are no provincial units yet."))
    if floor < 0 or total < 0:
        raise DomainError(_("The total and the floor cannot be negative."), field="floor")
    if floor > ceiling:
        raise DomainError(_("The floor cannot be above the ceiling."), field="ceiling")
    if total < floor * count:
        raise DomainError(
            _("With a floor of %(floor)s, the %(count)s provincial units need at least %(needed)s places.")
            % {"floor": floor, "count": count, "needed": floor * count},
            field="total",
        )
    if total > ceiling * count:
        raise DomainError(
            _(
                "With a ceiling of %(ceiling)s, the %(count)s provincial units can take at most %(most)s places."
            )
            % {"ceiling": ceiling, "count": count, "most": ceiling * count},
            field="total",
        )
    check_bounds(total, count, floor, ceiling)


def proposal_basis(round: Round, *, floor: int, ceiling: int) -> str:
    return _(
        "In proportion to GI holdings (products + trademarks) at the end of %(year)s; floor %(floor)s, ceiling %(ceiling)s"
    ) % {"year": round.year - 1, "floor": floor, "ceiling": ceiling}


def apply_proposal(
    round: Round,
    *,
    total: int,
    floor: int,
    ceiling: int,
    actor: Any,
    expected: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """Write the proposed quota table (`queries.proposal_for`) for `round`, every row with the
    proposal's basis, and record it.

    `expected` is the table the administrator saw: if the holdings changed since, the new
    proposal differs and DomainError asks them to look again; nothing is written. Also raises
    DomainError if the bounds cannot be met or no holdings are recorded.
    """
    with transaction.atomic():
        _lock(round)
        check_proposal(provincial_units().count(), total=total, floor=floor, ceiling=ceiling)
        if not Holding.objects.filter(round=round).exists():
            raise DomainError(_("Record the GI holdings first: the proposal is computed from them."))
        proposal = proposal_for(round, total=total, floor=floor, ceiling=ceiling)
        if expected is not None and dict(expected) != proposal.caps:
            raise DomainError(
                _(
                    "The GI holdings have changed since this proposal was shown. Review the new proposal and apply it again."
                )
            )
        changes = _write_quotas(
            round,
            {row.province: row.proposed for row in proposal.rows},
            basis=proposal_basis(round, floor=floor, ceiling=ceiling),
            only_changed=False,
        )
        record(
            actor,
            "quotas.apply_proposal",
            round,
            f"{round.year}: {total} ({floor}..{ceiling})",
            total=total,
            floor=floor,
            ceiling=ceiling,
            changes=changes,
        )
    return _caps(round)


# --- extensions --------------------------------------------------------------------------------


def grant_extension(
    round: Round, province: Organisation, until: dt.datetime, reason: str, actor: Any
) -> Extension:
    """Let `province` recommend in `round` until `until` (see `queries.deadline_for`), and
    record why. Raises DomainError: not a provincial unit, no reason, or `until` not after
    the round's deadline."""
    if province.kind != Kind.PROVINCIAL:
        raise DomainError(_("Extensions are granted to provincial units only."), field="province")
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for the extension."), field="reason")
    if timezone.is_naive(until):
        raise ValueError("until must be an aware datetime")
    if until <= round.deadline_at:
        raise DomainError(
            _("An extension must end after the round's deadline (%(deadline)s).")
            % {"deadline": local(round.deadline_at)},
            field="until",
        )
    with transaction.atomic():
        extension = Extension.objects.create(
            round=round, province=province, until=until, reason=reason, granted_by=actor
        )
        record(
            actor,
            "extension.grant",
            extension,
            f"{round.year} {province.province_code} → {local(until)}",
            round=round.pk,
            province=province.province_code,
            until=until.isoformat(),
        )
    return extension
