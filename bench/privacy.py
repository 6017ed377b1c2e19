"""Privacy detectors on public data: planted values (precision, recall per type), the flag
rate on the unplanted texts, SMS spam's real premium-rate numbers, and seconds per 100k rows.

    python bench/privacy.py            # seed 0, 150 plants per type
    python bench/privacy.py --seed 3 --per-type 300

Hosts are real texts (alpaca demo instructions and outputs, TREC questions, chatterbot
utterances). Each planted value is valid for its type (generated with the validators' own
check-digit functions, from several countries) and placed in its own host row in a short
phrase. A detected span counts as a true positive when it overlaps a planted value of its type;
any other span of that type is a false positive (so a real identifier already in the host text
lowers precision: none was found by reading the flags of the unplanted run).
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import re
import string
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.common import require_shared  # noqa: E402
from tuneready.checks.privacy.detect import KINDS, find_all  # noqa: E402
from tuneready.checks.privacy.scan import scan  # noqa: E402

PHRASES = {"email": "Write to {} for details.", "phone": "Call me on {} tonight.",
           "card": "My card number is {}.", "iban": "Pay to IBAN {} please.",
           "national_id": "ID number: {}.", "ip": "The server is at {} now.",
           "dob": "I was born on {} in Leeds.", "secret": "use this key {} to log in"}
PHONE_REGIONS = ("US", "GB", "DE", "FR", "IN", "AU", "CA")


def hosts() -> dict[str, list[str]]:
    root = require_shared()
    alpaca = json.loads((root / "llamafactory_demo" / "alpaca_en_demo.json").read_text())
    trec = (root / "trec_questions" / "question_labels.txt").read_text("latin-1").splitlines()
    chat: list[str] = []
    import yaml

    for f in sorted((root / "chatterbot_english").glob("*.yml")):
        doc = yaml.safe_load(f.read_text()) or {}
        for conv in doc.get("conversations") or []:
            chat.extend(u for u in (conv if isinstance(conv, list) else []) if isinstance(u, str))
    return {"alpaca": [r["instruction"] + "\n" + r.get("input", "") + "\n" + r["output"]
                       for r in alpaca],
            "trec": [ln.split(" ", 1)[1] for ln in trec if " " in ln],
            "chatterbot": chat}


def sms() -> list[str]:
    import csv

    with open(require_shared() / "sms_spam" / "sms-spam.csv", newline="",
              encoding="utf-8", errors="replace") as f:
        return [r["text"] for r in csv.DictReader(f)]


# --- generators: each returns one valid value --------------------------------------------------
def gen_email(rng: random.Random) -> str:
    first = rng.choice(["john", "maria", "li.wei", "a.kumar", "sophie_m", "o.brien", "k99"])
    dom = rng.choice(["gmail.com", "outlook.fr", "web.de", "uni-leeds.ac.uk", "mail.ru",
                      "proton.me", "company.io", "yahoo.co.in"])
    return f"{first}{rng.randrange(100)}@{dom}"


def gen_phone(rng: random.Random) -> str:
    import phonenumbers as pn

    region = rng.choice(PHONE_REGIONS)
    example = pn.example_number_for_type(region, rng.choice(
        [pn.PhoneNumberType.MOBILE, pn.PhoneNumberType.FIXED_LINE]))
    assert example is not None
    nsn = str(example.national_number)
    while True:
        digits = nsn[:3] + "".join(rng.choice(string.digits) for _ in nsn[3:])
        num = pn.parse(digits, region)
        if pn.is_valid_number(num):
            fmt = rng.choice([pn.PhoneNumberFormat.INTERNATIONAL, pn.PhoneNumberFormat.NATIONAL,
                              pn.PhoneNumberFormat.E164])
            return pn.format_number(num, fmt)


def gen_card(rng: random.Random) -> str:
    from stdnum import luhn

    prefix, length = rng.choice([("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("34", 15),
                                 ("37", 15), ("6011", 16), ("35", 16)])
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    num = body + luhn.calc_check_digit(body)
    if rng.random() < 0.5:
        return num
    sep = rng.choice([" ", "-"])
    return sep.join(num[i:i + 4] for i in range(0, len(num), 4))


def gen_iban(rng: random.Random) -> str:
    from stdnum import iban

    country, n = rng.choice([("DE", 18), ("GB", 18), ("FR", 23), ("NL", 14), ("ES", 20),
                             ("IT", 23), ("BE", 12)])
    letters = {"GB": 4, "NL": 4}
    bban = "".join(rng.choice(string.ascii_uppercase) for _ in range(letters.get(country, 0)))
    if country == "IT":
        bban = rng.choice(string.ascii_uppercase)
    bban += "".join(rng.choice(string.digits) for _ in range(n - len(bban)))
    value = country + iban.calc_check_digits(country + "00" + bban) + bban
    if not iban.is_valid(value):
        return gen_iban(rng)
    return iban.format(value) if rng.random() < 0.5 else value


def gen_national_id(rng: random.Random) -> str:
    from stdnum import verhoeff
    from stdnum.br import cpf
    from stdnum.es import dni
    from stdnum.in_ import aadhaar
    from stdnum.us import ssn

    kind = rng.choice(["ssn", "dni", "cpf", "aadhaar"])
    digits = "".join(rng.choice(string.digits) for _ in range(11))
    if kind == "ssn":
        v = f"{rng.randrange(1, 666):03d}-{rng.randrange(1, 99):02d}-{rng.randrange(1, 9999):04d}"
        return v if ssn.is_valid(v) else gen_national_id(rng)
    if kind == "dni":
        return digits[:8] + dni.calc_check_digit(digits[:8])
    if kind == "cpf":
        b = digits[:9]
        v = b + cpf._calc_check_digits(b)  # stdnum keeps it private
        return cpf.format(v) if cpf.is_valid(v) else gen_national_id(rng)
    b = str(rng.randrange(2, 10)) + digits[:10]
    v = b + verhoeff.calc_check_digit(b)
    return aadhaar.format(v) if aadhaar.is_valid(v) else gen_national_id(rng)


def gen_ip(rng: random.Random) -> str:
    import ipaddress

    while True:
        if rng.random() < 0.7:
            ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.IPv4Address(
                rng.getrandbits(32))
        else:
            ip = ipaddress.IPv6Address((0x2 << 124) | rng.getrandbits(112))
        if ip.is_global:
            return str(ip)


def gen_dob(rng: random.Random) -> str:
    y, m, d = rng.randrange(1930, 2010), rng.randrange(1, 13), rng.randrange(1, 29)
    months = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]
    return rng.choice([f"{d:02d}/{m:02d}/{y}", f"{y}-{m:02d}-{d:02d}", f"{d} {months[m - 1]} {y}",
                       f"{months[m - 1]} {d}, {y}"])


def _rand(rng: random.Random, n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def gen_secret(rng: random.Random) -> str:
    up = string.ascii_uppercase + string.digits
    kind = rng.randrange(8)
    if kind == 0:
        return "AKIA" + _rand(rng, 16, up)
    if kind == 1:
        return "ghp_" + _rand(rng, 36)
    if kind == 2:
        return f"xoxb-{rng.randrange(10**11)}-{rng.randrange(10**12)}-{_rand(rng, 24).lower()}"
    if kind == 3:
        return "sk_live_" + _rand(rng, 24)
    if kind == 4:
        head = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').decode().rstrip("=")
        body = base64.urlsafe_b64encode(json.dumps({"sub": _rand(rng, 8)}).encode())
        return f"{head}.{body.decode().rstrip('=')}.{_rand(rng, 43)}"
    if kind == 5:
        return f"https://admin:{_rand(rng, 12)}@db{rng.randrange(99)}.internal.net/prod"
    if kind == 6:
        return ("-----BEGIN RSA PRIVATE KEY-----\n" + _rand(rng, 64) + "\n" + _rand(rng, 64)
                + "\n-----END RSA PRIVATE KEY-----")
    return "SG." + _rand(rng, 22) + "." + _rand(rng, 43)


GENERATORS = {"email": gen_email, "phone": gen_phone, "card": gen_card, "iban": gen_iban,
              "national_id": gen_national_id, "ip": gen_ip, "dob": gen_dob,
              "secret": gen_secret}


def plant(pool: list[str], per_type: int, rng: random.Random
          ) -> tuple[list[str], list[tuple[str, int, int] | None]]:
    """Copies of host rows, each with one planted value; truth is (kind, start, end)."""
    texts, truth = [], []
    for kind in KINDS:
        for _ in range(per_type):
            host = pool[rng.randrange(len(pool))]
            value = GENERATORS[kind](rng)
            phrase = PHRASES[kind].format(value)
            at = len(host) + 1
            text = host + " " + phrase
            start = at + phrase.index(value)
            texts.append(text)
            truth.append((kind, start, start + len(value)))
    return texts, truth


def score(texts: list[str], truth: list[tuple[str, int, int] | None]) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter[str]] = {k: Counter() for k in KINDS}
    for t, spans in zip(truth, scan(texts), strict=True):
        hit = False
        for s in spans:
            ok = t is not None and s.kind == t[0] and s.start < t[2] and s.end > t[1]
            counts[s.kind]["tp" if ok else "fp"] += 1
            hit = hit or ok
        if t is not None:
            counts[t[0]]["planted"] += 1
            counts[t[0]]["found"] += int(hit)
    return {k: dict(v) for k, v in counts.items()}


def unplanted(pool: list[str]) -> tuple[int, Counter[str], list[tuple[str, str]]]:
    flagged, kinds, examples = 0, Counter[str](), []
    for spans in scan(pool):
        flagged += bool(spans)
        for s in spans:
            kinds[s.kind] += 1
            examples.append((s.kind, s.value))
    return flagged, kinds, examples


def premium_rate(texts: list[str]) -> tuple[int, int]:
    """UK premium-rate numbers (09 + 9 digits, written as one run) found as phones, counted
    independently of the detector by a plain pattern."""
    pattern = re.compile(r"(?<!\d)09\d{9}(?!\d)")
    total = found = 0
    for text in texts:
        want = [(m.start(), m.end()) for m in pattern.finditer(text)]
        if not want:
            continue
        spans = [s for s in find_all(text) if s.kind == "phone"]
        total += len(want)
        found += sum(any(s.start <= a and s.end >= b for s in spans) for a, b in want)
    return found, total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--per-type", type=int, default=150)
    ap.add_argument("--show", action="store_true", help="print the unplanted flags (masked)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    data = hosts()
    pool = [t for texts in data.values() for t in texts]
    texts, truth = plant(pool, args.per_type, rng)
    counts = score(texts, truth)
    print(f"planted: {args.per_type} per type into {len(pool):,} host rows "
          f"({', '.join(f'{k} {len(v):,}' for k, v in data.items())}), seed {args.seed}")
    print(f"{'type':12} {'precision':>9} {'recall':>7} {'tp':>5} {'fp':>4} {'found/planted':>14}")
    for k in KINDS:
        c = counts[k]
        tp, fp = c.get("tp", 0), c.get("fp", 0)
        prec = tp / (tp + fp) if tp + fp else float("nan")
        rec = c.get("found", 0) / max(1, c.get("planted", 0))
        print(f"{k:12} {prec:9.3f} {rec:7.3f} {tp:5} {fp:4} "
              f"{c.get('found', 0):>6}/{c.get('planted', 0)}")
    from tuneready.checks.privacy.mask import mask_value

    print("\nunplanted rows flagged (target <= 0.2 % on TREC and alpaca demo):")
    for name, rows in [*data.items(), ("sms_spam", sms())]:
        distinct = list(dict.fromkeys(rows))
        flagged, kinds, examples = unplanted(distinct)
        print(f"  {name:10} {flagged:5}/{len(distinct):,} distinct rows = "
              f"{flagged / len(distinct):.3%}  {dict(kinds)}")
        if args.show:
            for kind, value in examples[:30]:
                print(f"      {kind}: {mask_value(kind, value)}")
    found, total = premium_rate(sms())
    print(f"\nSMS spam premium-rate numbers (09xxxxxxxxx) found as phones: {found}/{total}")
    many = (pool * (100_000 // len(pool) + 1))[:100_000]
    t0 = time.perf_counter()
    scan(many)
    print(f"detectors on 100k host rows ({len(set(many)):,} distinct): "
          f"{time.perf_counter() - t0:.2f} s")
    from bench.common import build_rows

    audit_rows = [r["text"] for r in build_rows(100_000, seed=100_000)]  # bench/run.py's 100k
    t0 = time.perf_counter()
    scan(audit_rows)
    print(f"detectors on bench/run.py's 100k rows ({len(set(audit_rows)):,} distinct): "
          f"{time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
