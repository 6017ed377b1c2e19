from __future__ import annotations

import pytest

from tests.checks.privacy.fixtures import CLEAN, PLANTED
from tuneready.checks.privacy.detect import KINDS, find_all
from tuneready.checks.privacy.mask import PLACEHOLDER, mask_text, mask_value, redact_texts
from tuneready.checks.privacy.scan import scan


@pytest.mark.parametrize("kind", KINDS)
def test_each_planted_kind_is_found_whole(kind: str) -> None:
    text, value = PLANTED[kind]
    spans = find_all(text)
    assert [(s.kind, s.value) for s in spans] == [(kind, value)]


@pytest.mark.parametrize("text", CLEAN)
def test_prose_numbers_placeholders_and_private_addresses_are_not_flagged(text: str) -> None:
    assert find_all(text) == []


@pytest.mark.parametrize("text, kind, value", [
    ("token ghp_" + "aB3" * 12 + " end", "secret", "ghp_" + "aB3" * 12),
    ("jwt eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
     "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U ok", "secret",
     "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
     "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
    ("db https://admin:s3cretPass@db.corp.net/x", "secret", "s3cretPass"),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", "secret",
     "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----"),
    ("URGENT call09050000327 to claim", "phone", "09050000327"),
    ("ipv6 2606:4700:4700::1111 up", "ip", "2606:4700:4700::1111"),
    ("codice RSSMRA85T10A562S ok", "national_id", "RSSMRA85T10A562S"),
])
def test_secrets_and_harder_formats_cover_the_whole_value(text: str, kind: str,
                                                          value: str) -> None:
    """A plugin pattern that stops early (JWT) or returns a prefix group (GitHub) must still
    give the whole token, or the mask would leave part of it visible."""
    assert [(s.kind, s.value) for s in find_all(text)] == [(kind, value)]


def test_the_column_scan_finds_what_find_all_finds() -> None:
    texts = [t for t, _ in PLANTED.values()] + CLEAN + ["", "no digits here"]
    texts += [PLANTED["email"][0] + " " + PLANTED["secret"][0]] * 3
    assert scan(texts) == [find_all(t) for t in texts]


@pytest.mark.parametrize("kind", KINDS)
def test_masks_hide_the_value(kind: str) -> None:
    text, value = PLANTED[kind]
    masked = mask_text(text)
    assert value not in masked
    assert mask_value(kind, value) in masked
    digits = "".join(c for c in value if c.isdigit())
    assert len(digits) < 5 or digits not in "".join(c for c in masked if c.isdigit())


def test_mask_forms() -> None:
    assert mask_value("email", "john.smith@example.com") == "j***@e***.com"
    assert mask_value("card", "4539 1488 0343 6467") == "****6467"
    assert mask_value("secret", "AKIAZ7QWERTY12345XYZ") == "<SECRET>"


def test_redact_texts_placeholders_scan_clean_and_log_masked_values() -> None:
    texts = [t for t, _ in PLANTED.values()] + ["nothing to see"]
    new, log = redact_texts(texts)
    assert new[-1] == "nothing to see"
    assert scan(new) == [[] for _ in new]
    assert sorted(r.kind for r in log) == sorted(KINDS)
    for r, (kind, (text, value)) in zip(sorted(log, key=lambda r: r.index), PLANTED.items(),
                                        strict=True):
        assert r.kind == kind and r.placeholder == PLACEHOLDER[kind]
        assert value not in r.masked and PLACEHOLDER[kind] in new[r.index]
        assert new[r.index] == text.replace(value, PLACEHOLDER[kind])
