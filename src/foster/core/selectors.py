from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from foster.core.models import Job, Notification, NotificationPreference


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


def notification_preferences_of(user: Any) -> dict[str, tuple[bool, bool]]:
    """``user``'s stored choices, ``{kind: (by_email, in_app)}``; a kind not listed has both on."""
    return {
        kind: (by_email, in_app)
        for kind, by_email, in_app in NotificationPreference.objects.filter(user=user).values_list(
            "kind", "by_email", "in_app"
        )
    }
