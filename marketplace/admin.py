from django.contrib import admin

from .models import Contract, FreelancerProfile


@admin.register(FreelancerProfile)
class FreelancerProfileAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "headline",
        "timezone",
        "hourly_rate",
        "currency",
        "vetting_status",
        "vetting_score",
    ]
    list_filter = ["vetting_status", "currency", "country"]
    search_fields = ["user__email", "user__full_name", "headline"]
    list_select_related = ["user"]


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "freelancer", "status", "pay_rate", "bill_rate", "currency"]
    list_filter = ["status", "currency"]
    search_fields = ["title", "organization__name", "freelancer__user__email"]
    list_select_related = ["organization", "freelancer__user"]
