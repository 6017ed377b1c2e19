"""Structured personal identifiers in free text: each candidate is found by a cheap pattern and
then *validated*, so numbers in ordinary prose (years, quantities, ids of things) do not count.

Validation is delegated to maintained libraries: ``phonenumbers`` (Google's metadata, several
regions), ``python-stdnum`` (Luhn, IBAN, national identifiers with their check digits) and the
standard ``ipaddress`` module. Documentation values are not personal data and are not flagged:
RFC 2606/6761 domains (``example.com``, ``*.test``), RFC 5737/3849 address blocks, and numbers
``phonenumbers`` does not consider valid (e.g. Ofcom's drama ranges). Secrets live in
``secrets.py``. The masking, the check and ``fix`` all call ``find_all``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache

from tuneready.checks.privacy.span import Span as Span

#: every kind a span can have, in reporting order; ``secret`` and ``private_key`` are secrets
KINDS = ("email", "phone", "card", "iban", "national_id", "ip", "dob", "secret")
DEFAULT_REGIONS = ("US", "GB", "DE", "FR", "IN", "AU", "CA")


# --- e-mail -------------------------------------------------------------------------------
_EMAIL = re.compile(r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@"
                    r"((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+([A-Za-z]{2,24}))"
                    r"(?![\w-])")
#: RFC 2606 / RFC 6761 reserved names: placeholders in documentation, never a person
_DOC_TLDS = frozenset({"example", "test", "invalid", "localhost", "local"})
_DOC_DOMAINS = frozenset({"example.com", "example.net", "example.org", "example.edu"})
#: file names that look like addresses (``logo@2x.png``)
_FILE_TLDS = frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp", "js", "css", "py", "txt",
                        "md", "json", "html", "xml", "pdf", "zip", "gz"})


def is_documentation_domain(domain: str) -> bool:
    """RFC 2606/6761 names, and any domain with a label containing "example"
    (``example-domain.com``): written to show a format, not to reach anyone. Real providers
    used in examples (``email.com``) still count."""
    d = domain.lower().rstrip(".")
    return d.rsplit(".", 1)[-1] in _DOC_TLDS or any(
        d == x or d.endswith("." + x) for x in _DOC_DOMAINS) or any(
        "example" in label for label in d.split(".")[:-1])


def find_emails(text: str) -> Iterator[Span]:
    if "@" not in text:
        return
    for m in _EMAIL.finditer(text):
        domain, tld = m.group(1), m.group(2).lower()
        if tld in _FILE_TLDS or is_documentation_domain(domain):
            continue
        yield Span(m.start(), m.end(), "email", m.group(0))


# --- phone numbers --------------------------------------------------------------------------
DIGIT_RUN = re.compile(r"\+?\(?\d[\d\s()./-]{5,}\d")
#: a letter glued to a digit ("call09050000327"): ``phonenumbers`` rejects such candidates at
#: leniency VALID, so the matcher reads a same-length copy with those letters as spaces
_GLUED = re.compile(r"[A-Za-z](?=\d)|(?<=\d)[A-Za-z]")


def find_phones(text: str, regions: Sequence[str] = DEFAULT_REGIONS) -> Iterator[Span]:
    """``phonenumbers`` at leniency VALID on each run of digits and separators, once per
    region; the first region to accept a span wins. Runs repeat across rows (a hotline in a
    thousand messages), so each distinct run is matched once (``_match_run``). Prose numbers
    are refused: fewer than 9 digits without a ``+`` (year ranges such as 1642-1649), a decimal
    (0.3571428571) or digits continuing one, or an address (1.2.3.4 56)."""
    scanned = _GLUED.sub(" ", text)
    for run in DIGIT_RUN.finditer(scanned):
        seen: list[tuple[int, int]] = []
        for start, end, region in _match_run(run.group(0), tuple(regions)):
            a, b = run.start() + start, run.start() + end
            if any(s < b and a < e for s, e in seen) or not _phone_like(text, a, b):
                continue
            seen.append((a, b))
            yield Span(a, b, "phone", text[a:b], region)


@lru_cache(maxsize=65536)
def _match_run(run: str, regions: tuple[str, ...]) -> tuple[tuple[int, int, str], ...]:
    import phonenumbers

    found = []
    for region in regions:
        for m in phonenumbers.PhoneNumberMatcher(run, region,
                                                 leniency=phonenumbers.Leniency.VALID):
            found.append((m.start, m.end, region))
    return tuple(found)


_DOTTED_QUAD = re.compile(r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}")
_DECIMAL = re.compile(r"\(?-?\d+[.,]\d+\)?")


def _phone_like(text: str, start: int, end: int) -> bool:
    raw = text[start:end]
    if ("+" not in raw and sum(c.isdigit() for c in raw) < 9) or _DECIMAL.fullmatch(raw) \
            or _DOTTED_QUAD.match(raw):
        return False
    before = text[max(0, start - 2):start]
    return not (before[-1:] in (".", ",") and before[:1].isdigit()) and not (
        text[end:end + 1] in (".", ",") and text[end + 1:end + 2].isdigit())


# --- payment cards, IBAN, national ids ----------------------------------------------------------
_CARD = re.compile(r"(?<![\d-])[2-6]\d{3}(?:[ -]?\d){9,15}(?![\d-])")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def find_cards(text: str) -> Iterator[Span]:
    from stdnum import luhn

    for m in _CARD.finditer(text):
        d = _digits(m.group(0))
        if 13 <= len(d) <= 19 and len(set(d)) > 1 and luhn.is_valid(d):
            yield Span(m.start(), m.end(), "card", m.group(0))


def find_ibans(text: str) -> Iterator[Span]:
    from stdnum import iban

    for m in _IBAN.finditer(text):
        value = m.group(0).rstrip()
        if iban.is_valid(value):
            yield Span(m.start(), m.start() + len(value), "iban", value)


def _national_patterns() -> list[tuple[re.Pattern[str], str, Callable[[str], bool]]]:
    """Formatted national identifiers whose check digit ``stdnum`` validates; bare digit runs
    of common lengths (9, 11 digits) are left alone: in prose they are mostly other numbers."""
    from stdnum.br import cpf
    from stdnum.es import dni
    from stdnum.fr import nir
    from stdnum.in_ import aadhaar
    from stdnum.it import codicefiscale
    from stdnum.us import ssn

    return [
        (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), "us.ssn", ssn.is_valid),
        (re.compile(r"\b\d{8}-?[A-Z]\b"), "es.dni", dni.is_valid),
        (re.compile(r"\b[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]\b"), "it.codicefiscale",
         codicefiscale.is_valid),
        (re.compile(r"\b\d{3}\.\d{3}\.\d{3}-\d{2}\b"), "br.cpf", cpf.is_valid),
        (re.compile(r"\b[2-9]\d{3} \d{4} \d{4}\b"), "in.aadhaar", aadhaar.is_valid),
        (re.compile(r"\b[12] ?\d{2} ?\d{2} ?\d{2} ?\d{3} ?\d{3} ?\d{2}\b"), "fr.nir",
         nir.is_valid),
    ]


_NATIONAL: list[tuple[re.Pattern[str], str, Callable[[str], bool]]] = []


def find_national_ids(text: str) -> Iterator[Span]:
    if not _NATIONAL:
        _NATIONAL.extend(_national_patterns())
    for pattern, name, valid in _NATIONAL:
        for m in pattern.finditer(text):
            if valid(m.group(0)):
                yield Span(m.start(), m.end(), "national_id", m.group(0), name)


# --- IP addresses ---------------------------------------------------------------------------
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.]|\.\d)")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
_DOC_NETS = tuple(ipaddress.ip_network(n) for n in (
    "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"))


def _personal_ip(value: str) -> bool:
    """Global unicast addresses only: private, loopback and RFC 5737/3849 documentation blocks
    identify no one outside a network."""
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return False
    return ip.is_global and not any(ip in net for net in _DOC_NETS)


def find_ips(text: str) -> Iterator[Span]:
    if "." in text:
        for m in _IPV4.finditer(text):
            if _personal_ip(m.group(0)):
                yield Span(m.start(), m.end(), "ip", m.group(0), "ipv4")
    if text.count(":") >= 2:
        for m in _IPV6.finditer(text):
            v = m.group(0)
            if sum(c.isalnum() for c in v) >= 4 and _personal_ip(v):
                yield Span(m.start(), m.end(), "ip", v, "ipv6")


# --- dates of birth, only in context ----------------------------------------------------------
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DATE = (r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}|(?:19|20)\d{2}-\d{1,2}-\d{1,2}|"
         rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?:19|20)\d{{2}}|"
         rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}})")
_DOB = re.compile(r"\b(?:d\.?o\.?b\.?|born|birth\s*date|birthday|date\s+of\s+birth|"
                  r"geboren|n[ée]e? le)\b[^\n\d]{0,24}?(" + _DATE + r")", re.IGNORECASE)


def find_dobs(text: str) -> Iterator[Span]:
    """A full date (day, month, year) within a few words after a birth word; a year alone
    ("born in 1930") or a date with no birth word is not a date of birth."""
    for m in _DOB.finditer(text):
        yield Span(m.start(1), m.end(1), "dob", m.group(1))


def finders(regions: Sequence[str] = DEFAULT_REGIONS
            ) -> dict[str, Callable[[str], Iterator[Span]]]:
    from tuneready.checks.privacy.secrets import find_secrets

    return {"email": find_emails, "phone": lambda t: find_phones(t, regions),
            "card": find_cards, "iban": find_ibans, "national_id": find_national_ids,
            "ip": find_ips, "dob": find_dobs, "secret": find_secrets}


def find_all(text: str, regions: Sequence[str] = DEFAULT_REGIONS,
             kinds: Sequence[str] = KINDS) -> list[Span]:
    """All spans in ``text`` of the asked kinds, overlaps resolved, in text order."""
    run = finders(regions)
    return resolve_overlaps([s for k in KINDS if k in kinds for s in run[k](text)])


def resolve_overlaps(spans: list[Span]) -> list[Span]:
    """Keep non-overlapping spans: a secret wins any overlap (the password of
    ``://user:pw@host`` is not an e-mail), then the longer span, then the more specific kind."""
    rank = {k: i for i, k in enumerate(("email", "iban", "card", "national_id", "ip", "dob",
                                        "phone"))}
    chosen: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.kind != "secret", -(s.end - s.start),
                                          rank.get(s.kind, 0), s.start)):
        if all(s.end <= c.start or s.start >= c.end for c in chosen):
            chosen.append(s)
    return sorted(chosen)
