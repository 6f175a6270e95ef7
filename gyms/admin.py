from django.contrib import admin

from gyms.models import Certification, Gym, GymMembership


@admin.register(Gym)
class GymAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "phone", "email", "created_at"]
    search_fields = ["name", "email"]


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0
    fields = ["body", "number", "expires_on"]


@admin.register(GymMembership)
class GymMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "gym", "role", "is_admin", "capacity"]
    list_filter = ["gym", "role", "is_admin"]
    search_fields = ["user__email", "user__name"]
    list_select_related = ["user", "gym"]
    raw_id_fields = ["user"]
    inlines = [CertificationInline]
