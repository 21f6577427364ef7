"""The data LAB in the administration site: read-only (every change goes through the services, which
check permissions and write the audit trail); the original file is not linked."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from foster.datalab.models import Dataset, DownloadRecord, SharingAgreement, SynthesisRun


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Dataset)
class DatasetAdmin(ReadOnlyAdmin):
    list_display = ["title", "owner_company", "row_count", "state", "retention_until", "created_at"]
    list_filter = ["state"]
    exclude = ["original", "pseudonym_key", "columns"]


@admin.register(SynthesisRun)
class SynthesisRunAdmin(ReadOnlyAdmin):
    list_display = ["pk", "dataset", "method", "rows", "seed", "state", "release_allowed", "created_at"]
    list_filter = ["method", "state", "release_allowed"]
    exclude = ["report"]


@admin.register(SharingAgreement)
class SharingAgreementAdmin(ReadOnlyAdmin):
    list_display = ["run", "owner_company", "recipient_company", "permitted_use", "starts_on", "ends_on", "revoked_at"]


@admin.register(DownloadRecord)
class DownloadRecordAdmin(ReadOnlyAdmin):
    list_display = ["run", "user", "company", "agreement", "downloaded_at"]
