"""Names the admin shows from installed apps, given our own translations so the console reads as one.

DRF's token admin calls its app "Auth Token" and its model "Token"/"Tokens", translated in its own
catalogue as "驗證 Token" / "Tokens" (zh-Hant) and "认证令牌" / "令牌" (zh-Hans), and its "Created" as
"建立者" (creator); Django's admin leaves the table headings it gives screen readers untranslated.
Our catalogues (LOCALE_PATHS) come first, so the entries marked here win; marking
them in this module keeps them in our catalogues through `make messages`.
"""

from django.utils.translation import gettext_noop

THIRD_PARTY_NAMES = (
    gettext_noop("Auth Token"),
    gettext_noop("Token"),
    gettext_noop("Tokens"),
    gettext_noop("Key"),
    gettext_noop("Created"),
    # Django's admin, for screen readers and the add-user page, not yet in its Chinese catalogues
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
)
