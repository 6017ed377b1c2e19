"""Signals on English-only resources, on data in other languages: before and after.

    python bench/languages.py               # every set: language mix, signals, before/after
    python bench/languages.py alpaca_zh cb_japanese
    python bench/languages.py --openings    # what opening_chars was chosen on, and reported on
    python bench/languages.py --shares      # English share of the English sets (english_min_share)

Data (``../shared/data``, never committed): the llamafactory 0.9.5 demo sets (PyPI sdist
``llamafactory==0.9.5``, ``data/``): alpaca_zh_demo, glaive_toolcall_zh_demo, dpo_zh_demo,
identity (Chinese and English) and alpaca_en_demo, the English control; the chatterbot-corpus
1.3.3 conversations in 11 languages (PyPI ``chatterbot-corpus==1.3.3``,
``chatterbot_corpus/data/<language>/``), each conversation one OpenAI-messages record
(turns alternate user / assistant), written to ``bench/out/languages/``.

Per set it runs the domain, duplicates and bias checks and the complements' answer signals
on one ``Evidence``, twice: as the code is, and as it was before languages were considered
(``legacy``: every row read as English and written with spaces, words as ``\\w+``, lengths as
``split``); on these sets the legacy run reproduces the audits made with the code before this
change (domain risk, signals, semantic pairs, identity-term groups, answer shares). For the
English control every number must be the same in both runs (``control`` says so).
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import json
import math
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import require_shared

OUT = Path(__file__).resolve().parent / "out" / "languages"
LLAMA = ("alpaca_zh", "glaive_toolcall_zh", "dpo_zh", "identity", "alpaca_en")
CHATTERBOT = ("chinese", "japanese", "spanish", "italian", "german", "french", "portuguese",
              "russian", "turkish", "indonesian", "hindi")
CONTROL = "alpaca_en"


# --- data ---------------------------------------------------------------------------------
def chatterbot_rows(language: str) -> list[dict[str, Any]]:
    """(prompt, answer, category) for every consecutive pair of turns of a language."""
    import yaml

    rows = []
    root = require_shared() / "chatterbot_multilingual" / language
    for path in sorted(glob.glob(str(root / "*.yml"))):
        doc = yaml.safe_load(Path(path).read_text("utf-8")) or {}
        for conv in doc.get("conversations") or []:
            if not isinstance(conv, list):  # some files hold a bare string, not turns
                continue
            turns = [str(t) for t in conv if t is not None]
            rows += [{"prompt": a, "answer": b, "category": Path(path).stem}
                     for a, b in itertools.pairwise(turns)]
    return rows


def chatterbot_file(language: str) -> Path:
    """One OpenAI-messages record per conversation, written under ``bench/out``."""
    import yaml

    lines = []
    root = require_shared() / "chatterbot_multilingual" / language
    for path in sorted(glob.glob(str(root / "*.yml"))):
        doc = yaml.safe_load(Path(path).read_text("utf-8")) or {}
        for conv in doc.get("conversations") or []:
            if not isinstance(conv, list):
                continue
            turns = [str(t) for t in conv if t is not None]
            msgs = [{"role": "user" if i % 2 == 0 else "assistant", "content": t}
                    for i, t in enumerate(turns)]
            if msgs and msgs[-1]["role"] == "user":
                msgs = msgs[:-1]
            if len(msgs) >= 2:
                lines.append(json.dumps({"messages": msgs}, ensure_ascii=False))
    out = OUT / f"cb_{language}.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", "utf-8")
    return out


def path_of(name: str) -> Path:
    if name.startswith("cb_"):
        return chatterbot_file(name[3:])
    file = "identity.json" if name == "identity" else f"{name}_demo.json"
    return require_shared() / "llamafactory_demo" / file


# --- the code as it was -------------------------------------------------------------------
@contextlib.contextmanager
def legacy() -> Iterator[None]:
    """Every row read as English and as written with spaces; words as ``\\w+`` and answer
    lengths as ``split``: the behaviour before languages were considered. Patched at the
    functions every caller reaches through its module (``Languages.rows_in``,
    ``english_only.latin_rows`` and ``MAJORITY``, the two word patterns)."""
    import numpy as np

    from tuneready.checks import english_only as eo
    from tuneready.decide import answer_signals as sig
    from tuneready.evidence import diversity as dv
    from tuneready.evidence.languages import Languages

    saved = (dv._WORD, sig._UNSPACED, Languages.rows_in, eo.latin_rows, eo.MAJORITY)

    def every_row(self: Languages, language: str = "en", side: str = "input") -> list[bool]:
        return [True] * len(self.input if side == "input" else self.target)

    dv._WORD, sig._UNSPACED = re.compile(r"\w+"), re.compile(r"(?!)")
    Languages.rows_in = every_row  # type: ignore[method-assign]
    eo.latin_rows = lambda texts: np.ones(len(texts), dtype=bool)
    eo.MAJORITY = math.inf
    try:
        yield
    finally:
        (dv._WORD, sig._UNSPACED, Languages.rows_in, eo.latin_rows,  # type: ignore[method-assign]
         eo.MAJORITY) = saved


def run_checks(data: Any, evidence: Any) -> dict[str, Any]:
    """Domain, duplicates and bias results and the answer signals, as plain dicts."""
    from tuneready.checks.bias.check import BiasCheck
    from tuneready.checks.domain import DomainCheck
    from tuneready.checks.duplicates import DuplicatesCheck
    from tuneready.config.policy import load_policy
    from tuneready.decide.answer_signals import ComplementsSettings, measure

    policy = load_policy()
    out: dict[str, Any] = {}
    for check in (DomainCheck(), DuplicatesCheck(), BiasCheck()):
        res = check.run(data, evidence, policy.for_check(check.name))
        out[check.name] = {"status": res.status.value, "summary": res.summary,
                           "metrics": res.metrics,
                           "findings": [(f.code, f.severity.value, f.message)
                                        for f in res.findings]}
    out["signals"] = measure(data.frame, ComplementsSettings.from_policy(policy), policy.seed)
    return out


def both(name: str) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """(after, before, languages) of one set, on one Evidence (vectors computed once)."""
    from tuneready.evidence.store import Evidence
    from tuneready.io import load_dataset

    data = load_dataset(path_of(name))
    evidence = Evidence(data)
    after = run_checks(data, evidence)
    with legacy():
        before = run_checks(data, evidence)
    return after, before, evidence.languages


# --- report -------------------------------------------------------------------------------
def _share(v: Any) -> str:
    return "not measured" if not isinstance(v, dict) else f"{v['share']:.3f} (n={v['n']})"


def _domain(r: dict[str, Any]) -> str:
    m = r["domain"]["metrics"]
    return f"{m.get('risk')} ({r['domain']['summary'].split('(', 1)[1]}"


def _sem(r: dict[str, Any]) -> str:
    f = [x for x in r["duplicates"]["findings"] if x[0].startswith("duplicates.semantic")]
    return ", ".join(f"{c} {s}" for c, s, _ in f) or "no finding"


def _bias(r: dict[str, Any]) -> str:
    b = r["bias"]
    terms = b["metrics"].get("rows_with_identity_terms")
    return f"{b['status']}; rows with identity terms: {terms}"


def _signals(r: dict[str, Any]) -> str:
    s = r["signals"]
    return (f"knowledge {_share(s['knowledge'])}, template {_share(s['template'])}, "
            f"length_cv {s['length_cv']}")


def report(name: str) -> bool:
    """Print one set; for the control, whether every number is unchanged."""
    after, before, langs = both(name)
    m = after["domain"]["metrics"]
    print(f"\n## {name}: {langs.describe()}")
    print(f"- English inputs {sum(langs.rows_in('en', 'input')) / len(langs.input):.2f}, "
          f"answers {sum(langs.rows_in('en', 'target')) / len(langs.target):.2f}; "
          f"domain texts written with spaces {m.get('spaced_share', 1.0)}")
    print(f"- not measured: {m.get('not_measured') or 'nothing'}")
    notes = [msg for code, _, msg in after["domain"]["findings"]
             if code in ("domain.not_measured", "domain.rows_left_out")]
    for note in notes:
        print(f"  - {note}")
    for label, fn in (("domain risk", _domain), ("semantic duplicates", _sem),
                      ("bias", _bias), ("answer signals", _signals)):
        print(f"- {label}: before {fn(before)} -> after {fn(after)}")
    if after["signals"].get("language_notes"):
        print(f"  - {'; '.join(after['signals']['language_notes'])}")
    if after["bias"]["summary"] != before["bias"]["summary"]:
        print(f"  - bias after: {after['bias']['summary']}")
    if name != CONTROL:
        return True
    return control(after, before)


def leaves(value: Any, path: str = "") -> dict[str, Any]:
    """Every leaf of a nested result, by its path."""
    if isinstance(value, dict):
        return {k: v for key, item in value.items()
                for k, v in leaves(item, f"{path}.{key}" if path else str(key)).items()}
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], (dict, list, tuple)):
        return {k: v for i, item in enumerate(value) for k, v in leaves(item, f"{path}[{i}]")
                .items()}
    return {path: value}


def control(after: dict[str, Any], before: dict[str, Any]) -> bool:
    """The English control: domain and duplicates must be identical; any other difference is
    printed (it may only come from rows whose text is not English)."""
    new, old = leaves(after), leaves(before)
    changed = sorted(k for k in new.keys() | old.keys() if new.get(k) != old.get(k))
    for key in changed:
        print(f"  - changed {key}: {old.get(key)!r} -> {new.get(key)!r}")
    same = not any(k.startswith(("domain", "duplicates")) for k in changed)
    print(f"- control: domain and duplicates {'unchanged' if same else 'CHANGED'}; "
          f"{len(changed)} other values changed")
    return same


# --- what the thresholds were measured on --------------------------------------------------
def opening_share(texts: list[str], chars: int) -> float:
    """Share of texts whose first ``chars`` characters open at least max(3, 1 %) texts."""
    import pandas as pd

    from tuneready.evidence import diversity as dv

    heads = dv.openings(pd.Series(texts, dtype=object), chars, None, chars)
    counts = heads.value_counts()
    many = max(3, math.ceil(0.01 * len(heads)))
    return round(float(counts[counts >= many].sum() / max(1, len(heads))), 3)


def openings() -> None:
    """Openings of 3, 4, 6 characters: one chatterbot category (>= 40 answers) against the
    largest of 5 same-size random mixes of all categories (chosen on), then the llamafactory
    Chinese sets (reported on)."""
    import pandas as pd

    from tuneready.io import load_dataset

    sizes = (3, 4, 6)
    print("| set | rows | " + " | ".join(f"{k} chars" for k in sizes)
          + " | random mix max (" + ", ".join(map(str, sizes)) + ") |")
    print("|---|---|" + "---|" * len(sizes) + "---|")
    for language in ("chinese", "japanese"):
        frame = pd.DataFrame(chatterbot_rows(language))
        for cat, group in frame.groupby("category"):
            if len(group) < 40:
                continue
            mixes = [frame.sample(len(group), random_state=s)["answer"].tolist()
                     for s in range(5)]
            own = [opening_share(group["answer"].tolist(), k) for k in sizes]
            mix = [max(opening_share(x, k) for x in mixes) for k in sizes]
            print(f"| {language} {cat} | {len(group)} | " + " | ".join(map(str, own))
                  + f" | {', '.join(map(str, mix))} |")
    for name in ("alpaca_zh", "dpo_zh", "glaive_toolcall_zh", "identity"):
        answers = load_dataset(path_of(name)).frame["target"].fillna("").tolist()
        print(f"| {name} (held out) | {len(answers)} | "
              + " | ".join(str(opening_share(answers, k)) for k in sizes) + " | |")


def shares() -> None:
    """English share of inputs and answers (as the English-only signals count it) per set."""
    from tuneready.checks.english_only import english_rows
    from tuneready.evidence.languages import detect
    from tuneready.io import LoadOptions, load_dataset

    root = require_shared()
    sets = {f"{n}": path_of(n) for n in LLAMA}
    sets |= {n: root / "llamafactory_demo" / f"{n}_demo.json"
             for n in ("glaive_toolcall_en", "dpo_en", "kto_en")}
    sets["v1_sft"] = root / "llamafactory_demo" / "v1_sft_demo.jsonl"
    sets["sms_spam"] = root / "sms_spam" / "sms-spam.csv"
    sets |= {f"cb_{n}": path_of(f"cb_{n}") for n in CHATTERBOT}
    print("| set | rows | mix | English inputs | English answers |\n|---|---|---|---|---|")
    for name, path in sets.items():
        frame = load_dataset(path, LoadOptions()).frame
        langs = detect(frame["input"].fillna("").tolist(), frame["target"].fillna("").tolist())
        inputs, answers = (english_rows(langs, side, 0.0, texts=frame[side]).share
                           for side in ("input", "target"))
        print(f"| {name} | {len(frame)} | {langs.describe()} | {inputs:.2f} | {answers:.2f} |")


def main(argv: list[str]) -> int:
    if "--openings" in argv:
        openings()
        return 0
    if "--shares" in argv:
        shares()
        return 0
    names = [a for a in argv if not a.startswith("-")] or \
        [*LLAMA, *(f"cb_{n}" for n in CHATTERBOT)]
    ok = all([report(n) for n in names])
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
