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
