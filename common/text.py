"""Text-direction controls: refused in ids and names, removed from comments.

U+202A–U+202E (embeddings and overrides) and U+2066–U+2069 (isolates) change the order in which
the text after them is shown: "invoice‮fdp.exe" reads as "invoiceexe.pdf". An id or a name has no
use for them, so it is refused with a message naming the character. A customer's comment keeps
its words: the controls are removed before it is stored (they are invisible, so a customer could
not find them to take them out), and no stored comment can reorder what the admin, an email, an
export or the dashboard shows around it.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def bidi_controls_refused(value: str) -> None:
    """A validator for ids and names: refuse a text-direction control, naming it."""
    found = BIDI_CONTROLS.search(value or "")
    if found:
        raise ValidationError(
            _("Contains a text-direction control character (%(char)s), which ids and names may not contain."),
            code="bidi_control",
            params={"char": f"U+{ord(found.group()):04X}"},
        )


def bidi_controls_removed(text: str) -> str:
    """A comment without its text-direction controls (its words unchanged)."""
    return BIDI_CONTROLS.sub("", text)


def utf8_encodable(text: str) -> bool:
    """Whether a text can be stored as UTF-8: not when it holds an unpaired surrogate (from JSON's "\\ud800")."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
