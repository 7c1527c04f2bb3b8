"""Admin bases for records that are looked at, never edited in the admin."""

from django.contrib import admin


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """A record of what happened: it can be looked at, searched and filtered, never added or edited here.

    `deletable`: whether the role's delete permission still applies (False: rows are never deleted here).
    """

    deletable = True

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.deletable and super().has_delete_permission(request, obj)


class ReadOnlyInline(admin.TabularInline):
    """Related records shown in a table under their parent, none added, changed or deleted there."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields or [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
