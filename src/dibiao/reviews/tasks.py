"""Background work of the expert review: ids in, one service call each."""

import logging

from django.tasks import task

logger = logging.getLogger(__name__)


@task
def task_index_round(round_id: int) -> int:
    """Bring the overlap index of a round (and the rounds before it) up to date."""
    from dibiao.reviews import overlap
    from dibiao.rounds.models import Round

    round = Round.objects.filter(pk=round_id).first()
    if round is None:
        logger.warning("round %s: gone before its overlap index was built", round_id)
        return 0
    try:
        return overlap.index_round(round)
    except Exception:
        logger.exception("round %s: building the overlap index failed", round_id)
        raise
