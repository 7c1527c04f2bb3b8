"""Every email the platform sends: one branded, phone-sized layout, an honest sender and reply-to.

The brand comes from settings: CX_BRAND_NAME, CX_BRAND_COLOUR and, optionally, CX_BRAND_LOGO_URL.
Mail comes from DEFAULT_FROM_EMAIL; replies go to CX_REPLY_TO_EMAIL when it is set. When it is
not, no email invites a reply: `replies_read()` tells the texts which sentence to use.

The HTML is tables and inline styles only (what email clients render alike), 560 px at most and
fluid below that, so it fits a 320 px phone without a media query.
"""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def replies_read() -> bool:
    """Whether someone reads replies (CX_REPLY_TO_EMAIL is set); if not, no text may ask for one."""
    return bool(settings.CX_REPLY_TO_EMAIL)


def brand() -> dict[str, str]:
    """The brand for the layout: name, colour, the text colour that reads on it, a link colour, the logo's address."""
    colour = settings.CX_BRAND_COLOUR
    text = on_colour(colour)
    return {
        "name": settings.CX_BRAND_NAME,
        "colour": colour,
        "on_colour": text,
        "link_colour": colour if text == "#ffffff" else "#1b1f24",  # a light brand colour would not read on white
        "logo_url": settings.CX_BRAND_LOGO_URL,
    }


def on_colour(colour: str) -> str:
    """Black or white, whichever contrasts more with a #rrggbb colour (WCAG relative luminance)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#ffffff"


def branded_email(
    *,
    subject: str,
    text: str,
    html_template: str,
    context: Mapping[str, Any],
    to: list[str],
    locale: str = "en",
    headers: Mapping[str, str] | None = None,
) -> EmailMultiAlternatives:
    """A plain-text email with its HTML alternative: `html_template` extends common/email/base.html.

    Render it inside the language the email is in (translation.override), so the layout's words are too.
    """
    html = render_to_string(
        html_template,
        {**context, "brand": brand(), "replies_read": replies_read(), "locale": locale, "subject": subject},
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=[settings.CX_REPLY_TO_EMAIL] if settings.CX_REPLY_TO_EMAIL else None,
        headers=dict(headers or {}),
    )
    message.attach_alternative(html, "text/html")
    return message
