from django.contrib import admin

from foster.selection.models import SelectionScenario


@admin.register(SelectionScenario)
class SelectionScenarioAdmin(admin.ModelAdmin):
    list_display = ("name", "call", "status", "objective", "created_at")
    list_filter = ("status",)
    readonly_fields = ("problem", "result")
