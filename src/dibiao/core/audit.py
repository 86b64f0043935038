from typing import Any

from django.db import models

from dibiao.core.models import AuditEvent


def record(
    actor: Any, verb: str, obj: models.Model | None = None, summary: str = "", **data: Any
) -> AuditEvent:
    """Write one AuditEvent. Call it inside the service's transaction."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        verb=verb,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300],
        data=data,
    )
