"""Chat channels in the admin (rules as checkboxes, refusals on the field, a test message), and their messages' log."""

from urllib.parse import urlsplit

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from common.admin import ReadOnlyModelAdmin
from webhooks.models import ChatChannel, ChatMessage
from webhooks.services.chat import ChannelRefused, chat_channel_check, chat_channel_test


class ChatChannelForm(forms.ModelForm):
    url = forms.URLField(
        label=ChatChannel._meta.get_field("url").verbose_name,
        help_text=ChatChannel._meta.get_field("url").help_text,
        max_length=2000,
        assume_scheme="https",
    )
    rules = forms.MultipleChoiceField(
        label=_("rules"),
        choices=ChatChannel.RULE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("What this channel is told about."),
    )

    class Meta:
        model = ChatChannel
        fields = ("name", "platform", "url", "secret", "locale", "rules", "include_comments", "active")
        widgets = {"secret": forms.PasswordInput(render_value=True)}

    def clean(self):
        cleaned_data = super().clean()
        platform, url = cleaned_data.get("platform"), cleaned_data.get("url")
        if platform and url:
            try:
                chat_channel_check(platform=platform, url=url, secret=cleaned_data.get("secret") or "")
            except ChannelRefused as refused:
                for field, message in refused.errors.items():
                    self.add_error(field, message)
        return cleaned_data


@admin.register(ChatChannel)
class ChatChannelAdmin(admin.ModelAdmin):
    form = ChatChannelForm
    list_display = ("name", "platform", "host", "locale", "rules_shown", "include_comments", "active")
    list_filter = ("platform", "locale", "active")
    search_fields = ("name",)
    actions = ["send_test"]

    @admin.display(description=_("host"))
    def host(self, channel: ChatChannel) -> str:
        return urlsplit(channel.url).hostname or ""  # the rest of the URL is the robot's key: not shown in a list

    @admin.display(description=_("rules"))
    def rules_shown(self, channel: ChatChannel) -> str:
        labels = dict(ChatChannel.RULE_CHOICES)
        return ", ".join(str(labels.get(rule, rule)) for rule in channel.rules) or "—"

    @admin.action(description=_("Send a test message"))
    def send_test(self, request, queryset):
        for channel in queryset:
            message = chat_channel_test(channel)
            if message.status == ChatMessage.Status.SENT:
                self.message_user(
                    request, _("%(name)s: the test message was sent.") % {"name": channel}, messages.SUCCESS
                )
            else:
                self.message_user(
                    request,
                    _("%(name)s: the test message failed (%(error)s).")
                    % {"name": channel, "error": message.last_error},
                    messages.ERROR,
                )


@admin.register(ChatMessage)
class ChatMessageAdmin(ReadOnlyModelAdmin):
    list_display = ("created_at", "channel", "kind", "title", "status", "attempts", "sent_at", "last_error")
    list_filter = ("status", "kind", "channel")
    search_fields = ("title",)
    list_select_related = ("channel",)
    date_hierarchy = "created_at"
