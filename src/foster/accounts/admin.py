from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from foster.accounts.models import Agency, AgencyMembership, TwoFactorDevice, User
from foster.accounts.two_factor import two_factor_reset


class AgencyMembershipInline(admin.TabularInline[AgencyMembership, User]):
    model = AgencyMembership
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "is_staff", "is_active"]
    list_filter = ["role", "is_staff", "is_active"]
    search_fields = ["email", "full_name"]
    inlines = [AgencyMembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("full_name", "role", "preferred_language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "role", "password1", "password2")}),)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    list_display = ["code", "name_ko", "name_en", "kind"]
    search_fields = ["code", "name_ko", "name_en"]


@admin.register(TwoFactorDevice)
class TwoFactorDeviceAdmin(admin.ModelAdmin[TwoFactorDevice]):
    """Staff reset a user's second factor (a lost phone) by deleting the device; the user enrols
    again at their next log-in. The secret is never shown; nothing else can be changed here."""

    list_display = ["user", "confirmed_at", "created_at"]
    search_fields = ["user__email"]
    fields = ["user", "confirmed_at", "created_at"]
    readonly_fields = ["user", "confirmed_at", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: TwoFactorDevice | None = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: TwoFactorDevice) -> None:
        two_factor_reset(actor=request.user, user=obj.user)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for device in queryset.select_related("user"):
            two_factor_reset(actor=request.user, user=device.user)
