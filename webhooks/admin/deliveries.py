"""The delivery log: every endpoint's deliveries, filtered by endpoint, status and event type, each with its attempts;
resend from it. The dead letters are this list filtered to status "failed". And the events, as they were recorded."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin import ReadOnlyInline, ReadOnlyModelAdmin
from webhooks.models import Attempt, Delivery, Event
from webhooks.services.replay import deliveries_resend


class AttemptInline(ReadOnlyInline):
    model = Attempt
    fields = ("at", "status_code", "latency_ms", "response_excerpt", "error", "succeeded")
    ordering = ("-at", "-id")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyModelAdmin):
    """A delivery's status and every attempt; never changed by hand, only sent again."""

    deletable = False
    list_display = (
        "id",
        "event_link",
        "endpoint",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "updated_at",
    )
    list_filter = ("status", "event__type", "endpoint")
    list_select_related = ("event", "endpoint")
    search_fields = ("=event__uid", "last_error")
    fields = (
        "endpoint",
        "event_link",
        "webhook_id",
        "status",
        "attempts",
        "next_attempt_at",
        "give_up_at",
        "last_status_code",
        "last_error",
        "created_at",
        "updated_at",
    )
    inlines = (AttemptInline,)
    actions = ("resend",)

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("event__data")

    def has_resend_permission(self, request) -> bool:
        return request.user.has_perm("webhooks.change_delivery")

    @admin.action(description=_("Resend the selected deliveries"), permissions=["resend"])
    def resend(self, request, queryset):
        queued = deliveries_resend(delivery_ids=list(queryset.values_list("pk", flat=True)))
        done = ngettext(
            "%(count)d delivery queued to be sent now.", "%(count)d deliveries queued to be sent now.", queued
        )
        self.message_user(request, done % {"count": queued}, messages.SUCCESS)

    @admin.display(description=_("event"), ordering="event_id")
    def event_link(self, delivery: Delivery) -> str:
        url = reverse("admin:webhooks_event_change", args=[delivery.event_id])
        return format_html('<a href="{}">{} #{}</a>', url, delivery.event.type, delivery.event_id)

    @admin.display(description=_("webhook-id"))
    def webhook_id(self, delivery: Delivery) -> str:
        return delivery.event.webhook_id


@admin.register(Event)
class EventAdmin(ReadOnlyModelAdmin):
    """The outbox as it was written: what changed, when, and the data every endpoint receives its share of."""

    deletable = False
    list_display = ("id", "type", "occurred_at", "object_id", "fanned_out", "delivery_log")
    list_filter = ("type", "fanned_out")
    search_fields = ("=uid",)
    date_hierarchy = "occurred_at"
    fields = ("uid", "type", "occurred_at", "object_id", "fanned_out", "data")

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    @admin.display(description=_("deliveries"))
    def delivery_log(self, event: Event) -> str:
        url = f"{reverse('admin:webhooks_delivery_changelist')}?{urlencode({'event__id__exact': event.pk})}"
        return format_html('<a href="{}">{}</a>', url, _("deliveries"))
