from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dibiao.reviews.choices import ReviewState, TieKind


class Expert(models.Model):
    """A member of the expert pool. Their account (role expert) is how they log in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.PROTECT, related_name="expert"
    )
    affiliation = models.CharField(_("affiliation"), max_length=200)
    field = models.CharField(_("field of expertise"), max_length=200, blank=True)
    # The provincial unit of the province the expert comes from: they never review its projects.
    province = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="experts",
        limit_choices_to={"kind": "provincial"},
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["user__full_name", "pk"]

    def __str__(self) -> str:
        return self.user.full_name


class Tie(models.Model):
    """A declared tie between an expert and a unit: a conflict of interest."""

    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="ties"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="expert_ties",
    )
    kind = models.CharField(_("kind of tie"), max_length=16, choices=TieKind.choices, default=TieKind.OTHER)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("declared tie")
        verbose_name_plural = _("declared ties")
        constraints = [models.UniqueConstraint(fields=["expert", "organisation"], name="tie_unique")]

    def __str__(self) -> str:
        return f"{self.expert} – {self.organisation}"


class Panel(models.Model):
    """A round's review set-up: how many experts per project, the group leader (组长), and
    whether review has started (the rubric is frozen from then on)."""

    round = models.OneToOneField(
        "rounds.Round", verbose_name=_("round"), on_delete=models.CASCADE, related_name="panel"
    )
    experts_per_project = models.PositiveSmallIntegerField(_("experts per project"), default=3)
    leader = models.ForeignKey(
        Expert,
        verbose_name=_("group leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_started_at = models.DateTimeField(_("review started"), null=True, blank=True)
    published_at = models.DateTimeField(_("results published"), null=True, blank=True)

    class Meta:
        verbose_name = _("review panel")
        verbose_name_plural = _("review panels")

    def __str__(self) -> str:
        return str(self.round)


class Criterion(models.Model):
    """One line of a round's rubric: what is scored, out of how many points, and how."""

    round = models.ForeignKey(
        "rounds.Round", verbose_name=_("round"), on_delete=models.CASCADE, related_name="criteria"
    )
    position = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("criterion"), max_length=100)
    max_points = models.DecimalField(_("maximum points"), max_digits=5, decimal_places=1)
    guidance = models.TextField(_("guidance"), blank=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["round", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "position"], name="criterion_position_unique"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="criterion_max_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.max_points})"


class Assignment(models.Model):
    """An expert is to review a received project. Holds the expert's score sheet."""

    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        verbose_name=_("recommendation"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=16, choices=ReviewState.choices, default=ReviewState.DRAFT
    )
    comment = models.TextField(_("comment"), blank=True)
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=1, null=True, blank=True)
    saved_at = models.DateTimeField(_("last saved"), null=True, blank=True)
    submitted_at = models.DateTimeField(pgettext_lazy("review", "submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["recommendation", "expert"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "expert"], name="assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.expert} → {self.recommendation}"


class Score(models.Model):
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="scores"
    )
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="score_unique"),
            models.CheckConstraint(condition=Q(points__gte=0), name="score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.points}"


class Decision(models.Model):
    """The administrator's decision on a reviewed project: selected as key project or not."""

    recommendation = models.OneToOneField(
        "recommendations.Recommendation",
        verbose_name=_("recommendation"),
        on_delete=models.PROTECT,
        related_name="decision",
    )
    is_selected = models.BooleanField(_("selected as key project"))
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.recommendation}: {self.is_selected}"


class OverlapIndex(models.Model):
    """What the overlap check (reviews.overlap) knows of one recommendation: which revision of
    its long texts and GI names its shingles and names were taken from."""

    recommendation = models.OneToOneField(
        "recommendations.Recommendation",
        verbose_name=_("recommendation"),
        on_delete=models.CASCADE,
        related_name="overlap_index",
    )
    revision = models.PositiveIntegerField(_("revision indexed"))
    shingle_count = models.PositiveIntegerField(_("distinct shingles"))
    indexed_at = models.DateTimeField(_("indexed"), auto_now=True)

    class Meta:
        verbose_name = _("overlap index")
        verbose_name_plural = _("overlap indexes")

    def __str__(self) -> str:
        return f"{self.recommendation_id} r{self.revision}"


class OverlapShingle(models.Model):
    """One sampled shingle hash of a recommendation's long texts: the inverted index."""

    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        verbose_name=_("recommendation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    hash = models.BigIntegerField(_("hash"))

    class Meta:
        verbose_name = _("indexed shingle")
        verbose_name_plural = _("indexed shingles")
        indexes = [models.Index(fields=["hash"], name="overlap_shingle_hash")]

    def __str__(self) -> str:
        return f"{self.recommendation_id}: {self.hash}"


class OverlapName(models.Model):
    """A recommendation's GI name, normalised, for finding the same GI in other projects."""

    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        verbose_name=_("recommendation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    name = models.CharField(_("normalised name"), max_length=200)

    class Meta:
        verbose_name = _("indexed GI name")
        verbose_name_plural = _("indexed GI names")
        indexes = [models.Index(fields=["name"], name="overlap_name")]

    def __str__(self) -> str:
        return self.name
