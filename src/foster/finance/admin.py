"""The ledger in the admin site: read only. Money moves only through the services (append-only
entries, running totals kept with them); exposure cap groups are the one thing staff edit here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from foster.finance.models import Account, Agreement, CompanyExposure, ExposureCapGroup, Transfer


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["code", "kind", "posted_krw", "pending_krw"]
    list_filter = ["kind"]
    search_fields = ["code"]


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "amount_krw", "company", "program", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["company", "program", "agreement", "pending_of", "reverses"]


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ["reference", "instrument", "company", "program", "amount_krw", "status"]
    list_filter = ["instrument", "status"]


@admin.register(CompanyExposure)
class CompanyExposureAdmin(ReadOnlyAdmin):
    list_display = ["company", "total_krw"]


@admin.register(ExposureCapGroup)
class ExposureCapGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ko", "cap_krw"]
    filter_horizontal = ["programs"]
