"""HTTP Basic with an API token as the user name, as Delighted's clients send it, and the rate limit per token."""

import base64
import binascii

from rest_framework.authentication import BaseAuthentication, TokenAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from surveys.api.throttling import FixedWindowThrottle


class TokenBasicAuthentication(BaseAuthentication):
    """`Authorization: Basic base64("<token>:")` (or without the colon): the token of a staff account."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"basic":
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("Give the API token in HTTP Basic: base64 of '<token>:'.")
        try:
            decoded = base64.b64decode(parts[1], validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise AuthenticationFailed("The Basic credentials are not base64 of '<token>:'.") from None
        key, _, password = decoded.partition(":")
        if password:
            raise AuthenticationFailed("Give the API token as the user name and leave the password empty.")
        return TokenAuthentication().authenticate_credentials(key)

    def authenticate_header(self, request) -> str:
        return 'Basic realm="cxplatform"'


class TokenThrottle(FixedWindowThrottle):
    """Requests per token and window (CX_THROTTLE_DELIGHTED, e.g. 600/min); over it, 429 with Retry-After."""

    scope = "delighted"

    def get_ident(self, request) -> str:
        user = request.user
        return f"user:{user.pk}" if user and user.is_authenticated else super().get_ident(request)
