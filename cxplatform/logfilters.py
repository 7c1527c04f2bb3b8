"""Keep secrets out of the logs: invitation tokens, unsubscribe tokens and referral codes travel in URLs."""

import logging
import re

# /s/<token>/, /u/<token>/, /r/<code>, and the same after a ?key= or a token= in a query
_SECRET_IN_PATH = re.compile(r"(/[sur]/)[A-Za-z0-9_\-]{6,}")
# a customer's external id (often an email) in the path of DELETE /api/v1/customers/<id>/
_CUSTOMER_IN_PATH = re.compile(r"(/api/v1/customers/)[^\s\"']+")
_SECRET_IN_QUERY = re.compile(r"((?:token|key|signature|password)=)[^&\s\"']+", re.IGNORECASE)
_AUTH_HEADER = re.compile(r"((?:Token|Bearer|Basic)\s+)[A-Za-z0-9+/=._\-]{8,}")


def redact(text: str) -> str:
    text = _SECRET_IN_PATH.sub(r"\1[redacted]", text)
    text = _CUSTOMER_IN_PATH.sub(r"\1[redacted]/", text)
    text = _SECRET_IN_QUERY.sub(r"\1[redacted]", text)
    return _AUTH_HEADER.sub(r"\1[redacted]", text)


class RedactSecrets(logging.Filter):
    """Rewrite a record's message with its tokens replaced by [redacted] (paths, queries, auth headers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
