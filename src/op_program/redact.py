"""The one place URLs are shortened for logs and error messages: scheme and host only.

Why: operators pass RPC URLs that carry API keys in the path (``/v2/KEY``), the query
(``?apikey=KEY``) or the userinfo (``user:KEY@host``). DESIGN §7: secrets never reach a log or an
error message. Every place that formats an endpoint calls :func:`redact_url`; the log handler
also runs :func:`redact_urls_in` over each finished line, so a URL that slips into a message
(an exception text, a foreign library's log line) is shortened as well.
"""

import re
from urllib.parse import urlsplit

REDACTED = "<redacted-url>"
"""What a string that does not parse as ``scheme://host`` is replaced by (never echoed)."""

_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s\"'<>\\]+")


def redact_url(url: str) -> str:
    """Return ``scheme://host[:port]`` of ``url``: no userinfo, path, query or fragment.

    A string that is not a URL with a scheme and a host becomes :data:`REDACTED`, since
    anything in it could be a secret.
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        port = parts.port
    except ValueError:
        return REDACTED
    if not parts.scheme or not host:
        return REDACTED
    shown = f"[{host}]" if ":" in host else host
    return f"{parts.scheme.lower()}://{shown}" + (f":{port}" if port is not None else "")


def redact_urls_in(text: str) -> str:
    """Replace every ``scheme://…`` run in ``text`` with its :func:`redact_url` form."""
    if "://" not in text:
        return text
    return _URL_IN_TEXT.sub(_redact_match, text)


def _redact_match(match: "re.Match[str]") -> str:
    url = match.group(0)
    core = url.rstrip(".,;:!?)]}")  # sentence punctuation after a URL is not part of it
    return redact_url(core) + url[len(core):]
