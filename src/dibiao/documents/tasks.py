"""Background work of the documents: ids in, one service call each."""

import logging

from django.tasks import task

logger = logging.getLogger(__name__)


@task
def task_build_archive(generated_file_id: int) -> int | None:
    """Build a round's archive (documents.services.build_archive); returns its size in bytes."""
    from dibiao.documents import services

    try:
        generated = services.build_archive(generated_file_id)
    except Exception:
        logger.exception("generated file %s: building the archive failed", generated_file_id)
        raise
    return generated.size if generated is not None else None


@task
def task_prerender_pdf(recommendation_id: int) -> bool:
    """Render and keep the PDF of a recommendation's current frozen copy
    (documents.services.prerender_pdf); True when there was one."""
    from dibiao.documents import services

    try:
        return services.prerender_pdf(recommendation_id)
    except Exception:
        logger.exception("recommendation %s: rendering its PDF in advance failed", recommendation_id)
        raise
