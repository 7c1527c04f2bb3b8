"""Endpoints in the console: created and changed through the services, the secret shown once after creation and
after each rotation (never on a page of its own), links to the delivery log and dead letters, resend and replay."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from webhooks import catalogue, selectors
from webhooks.admin.forms import EndpointForm, ReplayForm
from webhooks.models import Delivery, Endpoint
from webhooks.services.endpoints import endpoint_create, endpoint_secret_rotate, endpoint_update
from webhooks.services.replay import deliveries_resend_failed, events_replay

_LABELS = dict(catalogue.EVENT_CHOICES)


def delivery_log_url(endpoint_id: int, *, status: str | None = None) -> str:
    """The delivery changelist of one endpoint (its dead letters with status "failed")."""
    query = {"endpoint__id__exact": endpoint_id}
    if status:
        query["status__exact"] = status
    return f"{reverse('admin:webhooks_delivery_changelist')}?{urlencode(query)}"


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ("url", "description", "event_list", "active", "failing_since", "dead_letters")
    list_filter = ("active",)
    search_fields = ("url", "description")
    readonly_fields = ("failing_since", "disabled_reason", "secret_rotated_until", "created_at", "updated_at")
    actions = ("resend_failed",)
    change_form_template = "admin/webhooks/endpoint/change_form.html"

    def get_queryset(self, request):
        return selectors.endpoint_list().select_related("owner")

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ()

    # --- columns

    @admin.display(description=_("events"))
    def event_list(self, endpoint: Endpoint) -> str:
        return ", ".join(endpoint.events)

    @admin.display(description=_("dead letters"), ordering="failed_count")
    def dead_letters(self, endpoint: Endpoint) -> str:
        count = getattr(endpoint, "failed_count", 0)
        if not count:
            return "0"
        return format_html('<a href="{}">{}</a>', delivery_log_url(endpoint.pk, status=Delivery.Status.FAILED), count)

    @admin.display(description=_("previous secret valid until"))
    def secret_rotated_until(self, endpoint: Endpoint):
        return endpoint.previous_secret_until if endpoint.previous_secret else self.get_empty_value_display()

    # --- writes go through the services

    def save_model(self, request, obj, form, change):
        if change:
            changes = form.service_values()
            if changes:
                endpoint_update(endpoint_id=obj.pk, **changes)
            return
        values = form.service_values()
        values["owner"] = values.get("owner") or request.user
        created = endpoint_create(**values)
        obj.pk, obj.secret, obj.owner = created.pk, created.secret, created.owner
        self.message_user(
            request,
            format_html(
                "{} <code>{}</code>",
                _("The endpoint's signing secret, shown this once (store it now; rotate it if it is lost):"),
                created.secret,
            ),
            messages.WARNING,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {**(extra_context or {})}
        if object_id and str(object_id).isdigit():
            extra.update(
                delivery_log_url=delivery_log_url(int(object_id)),
                dead_letters_url=delivery_log_url(int(object_id), status=Delivery.Status.FAILED),
                can_send=self.has_change_permission(request) and request.user.has_perm("webhooks.change_delivery"),
            )
        return super().change_view(request, object_id, form_url, extra)

    # --- actions and pages of an endpoint

    def has_resend_permission(self, request) -> bool:
        return request.user.has_perm("webhooks.change_delivery")

    @admin.action(description=_("Resend every failed delivery of the selected endpoints"), permissions=["resend"])
    def resend_failed(self, request, queryset):
        queued = sum(deliveries_resend_failed(endpoint_id=pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(request, _resent(queued), messages.SUCCESS)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/rotate-secret/", view(self.rotate_view), name="webhooks_endpoint_rotate"),
            path("<int:pk>/resend-failed/", view(self.resend_failed_view), name="webhooks_endpoint_resend_failed"),
            path("<int:pk>/replay/", view(self.replay_view), name="webhooks_endpoint_replay"),
            *super().get_urls(),
        ]

    def _endpoint(self, request, pk: int, *, sends: bool = False) -> Endpoint:
        endpoint = get_object_or_404(Endpoint, pk=pk)
        if not self.has_change_permission(request, endpoint) or (sends and not self.has_resend_permission(request)):
            raise PermissionDenied
        return endpoint

    def _back(self, endpoint: Endpoint) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:webhooks_endpoint_change", args=[endpoint.pk]))

    def _page(self, request, endpoint: Endpoint, template: str, title, **context) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": endpoint,
            "title": title,
            **context,
        }
        return TemplateResponse(request, f"admin/webhooks/endpoint/{template}", context)

    def rotate_view(self, request, pk: int):
        """Confirm, then give the endpoint a new secret, shown this once; the old one signs too for 24 hours."""
        endpoint = self._endpoint(request, pk)
        if request.method != "POST":
            text = _(
                "A new secret replaces this endpoint's. For 24 hours every delivery is signed with both, so that the "
                "receiver can switch over; then only the new one signs."
            )
            return self._page(
                request, endpoint, "confirm.html", _("Rotate the secret"), text=text, button=_("Rotate the secret")
            )
        try:
            rotated = endpoint_secret_rotate(endpoint_id=endpoint.pk)
        except ValidationError as refused:
            for problem in refused.message_dict.get("secret", []):
                self.message_user(request, problem, messages.ERROR)
            return self._back(endpoint)
        self.log_change(request, rotated, [{"changed": {"fields": [str(_("secret"))]}}])
        self.message_user(
            request,
            format_html(
                "{} <code>{}</code>",
                _("The new signing secret, shown this once (the old one signs too for 24 hours):"),
                rotated.secret,
            ),
            messages.WARNING,
        )
        return self._back(endpoint)

    def resend_failed_view(self, request, pk: int):
        """Confirm, then queue every failed delivery of the endpoint again."""
        endpoint = self._endpoint(request, pk, sends=True)
        if request.method != "POST":
            failed = selectors.failed_count(endpoint)
            text = ngettext(
                "%(count)d failed delivery is sent again now, with the same webhook-id, and retried for 3 more days.",
                "%(count)d failed deliveries are sent again now, with the same webhook-id, and retried for 3 more "
                "days.",
                failed,
            ) % {"count": failed}
            return self._page(
                request, endpoint, "confirm.html", _("Resend failed deliveries"), text=text, button=_("Resend")
            )
        self.message_user(request, _resent(deliveries_resend_failed(endpoint_id=endpoint.pk)), messages.SUCCESS)
        return HttpResponseRedirect(delivery_log_url(endpoint.pk))

    def replay_view(self, request, pk: int):
        """Send the endpoint a range of events again: those it had under the same webhook-id, older ones anew."""
        endpoint = self._endpoint(request, pk, sends=True)
        form = ReplayForm(request.POST if request.method == "POST" else None, subscribed=endpoint.events)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            queued = events_replay(
                endpoint_id=endpoint.pk, since=data["since"], until=data["until"], types=data["types"]
            )
            self.message_user(request, _resent(queued), messages.SUCCESS)
            return HttpResponseRedirect(delivery_log_url(endpoint.pk))
        response = self._page(request, endpoint, "replay.html", _("Replay events"), form=form)
        if request.method == "POST":
            response.status_code = 400
        return response


def _resent(queued: int) -> str:
    return ngettext(
        "%(count)d delivery queued to be sent now.", "%(count)d deliveries queued to be sent now.", queued
    ) % {"count": queued}
