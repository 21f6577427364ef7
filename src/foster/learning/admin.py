from django.contrib import admin

from foster.learning.models import Consultant, ConsultingRequest, Course, CourseSession, Diagnostic, Enrolment


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("code", "title_ko", "agency", "area", "level", "audience", "delivery", "region")
    list_filter = ("agency", "area", "level", "audience", "delivery")
    search_fields = ("code", "title_ko", "title_en")


@admin.register(CourseSession)
class CourseSessionAdmin(admin.ModelAdmin):
    list_display = ("course", "starts_at", "capacity", "seated_count")
    readonly_fields = ("seated_count",)  # kept by the enrolment services under the row lock


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ("session", "user", "status", "certificate_code")
    list_filter = ("status",)
    readonly_fields = ("status", "certificate_code", "certificate_issued_at", "seated_at", "cancelled_at")


@admin.register(Diagnostic)
class DiagnosticAdmin(admin.ModelAdmin):
    list_display = ("company", "overall_level", "created_at")
    readonly_fields = ("answers", "area_levels", "area_means", "overall_level", "overall_mean")


@admin.register(Consultant)
class ConsultantAdmin(admin.ModelAdmin):
    list_display = ("user", "agency", "load_limit", "is_active")


@admin.register(ConsultingRequest)
class ConsultingRequestAdmin(admin.ModelAdmin):
    list_display = ("company", "agency", "topic", "status", "consultant", "satisfaction")
    list_filter = ("status", "topic")
