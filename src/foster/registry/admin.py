from django.contrib import admin

from foster.registry.models import Company, CompanyMembership, ValuationRecord


class CompanyMembershipInline(admin.TabularInline[CompanyMembership, Company]):
    model = CompanyMembership
    extra = 0
    raw_id_fields = ["user"]


class ValuationRecordInline(admin.TabularInline[ValuationRecord, Company]):
    model = ValuationRecord
    extra = 0
    raw_id_fields = ["recorded_by"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin[Company]):
    list_display = ["name_ko", "business_registration_number", "region", "size_class", "ksic_division"]
    list_filter = ["region", "size_class", "ai_adoption", "ksic_section"]
    search_fields = ["name_ko", "name_en", "business_registration_number"]
    show_full_result_count = False
    inlines = [CompanyMembershipInline, ValuationRecordInline]
