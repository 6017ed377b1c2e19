"""Secrets in free text, found by ``detect-secrets``' own plugins (not copies of their patterns).

Every regex-based plugin the installed ``detect-secrets`` registers runs (cloud and API keys,
tokens, JWTs, private key headers, passwords in URLs), except its public-IP plugin: addresses are
personal data here and ``detect.find_ips`` validates them. The entropy and keyword plugins stay
off: on prose they flag ordinary long words and "password: ..." instructions. A cheap generic
pre-filter (a 16+ character token with letters and digits, a key header, a URL with
credentials) keeps the plugins off texts that cannot hold a secret.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from tuneready.checks.privacy.span import Span

#: a text can hold a secret only if it has a long token, a key header or URL credentials
CANDIDATE = re.compile(r"\S{16,}|PRIVATE KEY|://[^\s/@]+:[^\s/@]+@")
#: a pattern that stops early (JWT's lazy signature) must not leave the token's tail visible
_TOKEN_TAIL = re.compile(r"[A-Za-z0-9_\-+/=]*(?:\.[A-Za-z0-9_\-+/=]+)*")
_KEY_BLOCK_END = re.compile(r"-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")


@cache
def plugins() -> tuple[Any, ...]:
    """Instances of the installed regex plugins, in a fixed order (deterministic output)."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.plugins.base import RegexBasedDetector
    from detect_secrets.plugins.ip_public import IPPublicDetector

    classes: list[Any] = list(get_mapping_from_secret_type_to_class().values())
    chosen = [c for c in classes
              if issubclass(c, RegexBasedDetector) and c is not IPPublicDetector]
    return tuple(c() for c in sorted(chosen, key=lambda c: c.__name__))


def find_secrets(text: str) -> Iterator[Span]:
    """Spans of each plugin's own patterns, kept when the plugin's ``analyze_string`` accepts
    the match (JWT decodes its header, for instance). Spans come from ``finditer`` because
    ``analyze_string`` returns ``findall`` groups: for a pattern whose group is a prefix
    (GitHub's ``(ghp|gho|...)_``) it yields ``"ghp"``, not the token."""
    if not CANDIDATE.search(text):
        return
    for plugin in plugins():
        for pattern in plugin.denylist:
            for m in pattern.finditer(text):
                if any(True for _ in plugin.analyze_string(m.group(0))):
                    yield _span(text, m, plugin.secret_type)


def _span(text: str, m: re.Match[str], subtype: str) -> Span:
    """The secret inside a match: its last group when that is the value itself (a password in
    a URL, an assigned key), else the whole match; a private key header grows to its block."""
    groups = [i for i in range(1, (m.re.groups or 0) + 1) if m.group(i) and len(m.group(i)) >= 4]
    start, end = (m.start(groups[-1]), m.end(groups[-1])) if groups else (m.start(), m.end())
    if subtype == "Private Key":
        start, end = _key_block(text, start)
    else:
        tail = _TOKEN_TAIL.match(text, end)
        end = tail.end() if tail else end
    return Span(start, end, "secret", text[start:end], subtype)


def _key_block(text: str, header: int) -> tuple[int, int]:
    """The whole ``-----BEGIN ... PRIVATE KEY----- ... -----END ...-----`` block around a header
    the plugin found (to the end of the text when the block is cut)."""
    begin = text.rfind("-----", 0, header)
    begin = begin if begin >= 0 and header - begin <= 8 else header
    end = _KEY_BLOCK_END.search(text, header)
    return begin, end.end() if end else len(text)
