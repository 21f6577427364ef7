from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from foster.core.models import Job, Notification


def job_queryset_for(user: Any) -> QuerySet[Job]:
    """A user sees only the background jobs they started."""
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    return Job.objects.filter(owner=user)


def notification_queryset_for(user: Any) -> QuerySet[Notification]:
    """A user sees only their own notifications."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=user)
