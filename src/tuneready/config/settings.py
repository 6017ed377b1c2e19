"""Typed, validated policy settings: a policy is configuration, checked once when it is loaded.

Defaults live only in ``config/default.toml``. Each key's *type* is derived from its default
value there (so a key added to ``default.toml`` is type-checked with no change here), and a
small declarative table adds what a type cannot say: ranges, choices, orderings. Every number
is ``>= 0`` unless a rule says otherwise; keys named like rates and shares are in [0, 1].

The result per table is a ``Settings``: a read-only mapping (a ``dict`` subclass, so it still
serializes to JSON), with numbers coerced to the default's type (``100`` for a float key
becomes ``100.0``). Code reads a table through its typed dataclass (``config/typed.py``),
never with ``.get(key, default)``: the default would be a second copy of ``default.toml``.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from tuneready.config.errors import InputError


class Settings(dict[str, Any]):
    """One policy table's validated values; read-only (change a policy by loading another)."""

    def _readonly(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("policy settings are read-only")

    __setitem__ = __delitem__ = _readonly
    clear = pop = popitem = setdefault = update = __ior__ = _readonly

    def __reduce__(self) -> tuple[Any, ...]:  # pickled into forked workers' results
        return (Settings, (dict(self),))

    def __deepcopy__(self, memo: dict[int, Any]) -> Settings:
        return Settings(copy.deepcopy(dict(self), memo))


@dataclass(frozen=True)
class Rule:
    """What a value must be beyond its type: a range, choices, list items, a sentinel."""

    lo: float | None = 0.0
    hi: float | None = None
    above: bool = False          # strictly greater than ``lo``
    choices: tuple[str, ...] = ()
    items: str = ""              # list items: "str", "number", "pair", or a choices rule
    sentinel: float | None = None  # a value allowed outside the range ("-1 = unknown")


UNIT = Rule(0.0, 1.0)
#: key suffixes whose values are proportions, in any table (new keys included)
SUFFIX_RULES = (("_rate", UNIT), ("_share", UNIT), ("_similarity", UNIT), ("_accuracy", UNIT),
                ("_recall", UNIT), ("_overlap", UNIT), ("_within", UNIT), ("_fraction", UNIT))
PATHS = ("full_fine_tune", "lora", "prompt_engineering")
#: the kinds ``checks/privacy/detect.KINDS`` knows (kept here so settings imports no check)
PRIVACY_KINDS = ("email", "phone", "card", "iban", "national_id", "ip", "dob", "secret")
RULES: dict[tuple[str, str], Rule] = {
    ("audit", "required"): Rule(choices=PATHS),
    ("schema", "required"): Rule(items="role"),
    ("schema", "allowed_labels"): Rule(items="str"),
    ("schema", "encoding"): Rule(choices=("cl100k_base", "o200k_base")),
    ("size", "max_imbalance_ratio"): Rule(1.0),
    ("duplicates", "near_threshold"): Rule(0.0, 1.0, above=True),
    ("duplicates", "num_perm"): Rule(1.0),
    ("duplicates", "bands"): Rule(1.0),
    ("duplicates", "shingle_chars"): Rule(1.0),
    ("duplicates", "max_chars"): Rule(1.0),
    ("duplicates", "semantic_similarity"): Rule(0.0, 1.0, above=True),
    ("duplicates", "semantic_sample"): Rule(1.0),
    ("duplicates", "semantic_warn_share"): UNIT,
    ("duplicates", "semantic_bits"): Rule(1.0, 30.0),
    ("duplicates", "semantic_bands"): Rule(1.0),
    ("duplicates", "semantic_window"): Rule(1.0),
    ("context", "baseline_score"): Rule(0.0, 1.0, sentinel=-1.0),
    ("context", "target_score"): Rule(0.0, 1.0, sentinel=-1.0),
    ("context", "task"): Rule(choices=("behaviour", "knowledge", "unknown")),
    ("context", "utilisation"): Rule(0.0, 1.0, above=True),
    ("context", "lora_rank"): Rule(1.0),
    ("domain", "distinct2_narrow"): UNIT,
    ("domain", "compression_narrow"): UNIT,
    ("domain", "vocab_growth_narrow"): UNIT,
    ("domain", "template_share_narrow"): UNIT,
    ("domain", "opening_share_narrow"): UNIT,
    ("domain", "largest_topic_narrow"): UNIT,
    ("domain", "gap_narrow"): UNIT,
    ("domain", "coverage_narrow"): UNIT,
    ("domain", "coverage_quantile"): Rule(0.0, 1.0, above=True),
    ("domain", "coverage_calibration_rows"): Rule(1.0),
    ("domain", "reference_max_rows"): Rule(1.0),
    ("domain", "curve_fractions"): Rule(0.0, 1.0, above=True, items="number"),
    ("domain", "opening_words"): Rule(1.0),
    ("domain", "opening_chars"): Rule(1.0),
    ("domain", "max_topics"): Rule(1.0),
    ("domain", "gap_regions"): Rule(1.0),
    ("bias", "alpha"): Rule(0.0, 1.0, above=True),
    ("bias", "min_ratio"): UNIT,
    ("bias", "max_difference"): UNIT,
    ("bias", "min_group_n"): Rule(1.0),
    ("bias", "min_label_n"): Rule(1.0),
    ("bias", "max_labels"): Rule(1.0),
    ("bias", "max_groups"): Rule(2.0),
    ("bias", "term_min_npmi"): Rule(-1.0, 1.0),
    ("bias", "intersect"): Rule(items="pair"),
    ("privacy", "kinds"): Rule(items="choice", choices=PRIVACY_KINDS),
    ("privacy", "fail_on"): Rule(items="choice", choices=PRIVACY_KINDS),
    ("privacy", "phone_regions"): Rule(items="region"),
    ("privacy", "repeat_min_rows"): Rule(2.0),
    ("bias", "lexicon"): Rule(choices=("auto", "always", "never")),
    ("answers", "exclude_min_precision"): UNIT,
    ("label_noise", "exclude_min_precision"): UNIT,
    ("answers", "contradiction_max_diversity"): UNIT,
    ("answers", "offtopic_min_coupling"): UNIT,
    ("answers", "offtopic_null_quantile"): UNIT,
    ("answers", "offtopic_gap_floor"): Rule(0.0, 2.0),
    ("answers", "offtopic_gap_scale"): Rule(0.0),
    ("answers", "pair_model"): Rule(choices=("auto", "always", "never")),
    ("answers", "pair_model_max_rows"): Rule(0),
    ("answers", "language_min_confidence"): UNIT,
    ("answers", "canned_min_prompts"): Rule(2.0),
    ("decision", "margin"): UNIT,
    ("fix", "relabel_min_probability"): UNIT,
}
#: keys an older policy may still name, and why they went: the "unknown key" error says so
REMOVED: dict[tuple[str, str], str] = {
    ("label_noise", "reject_allowance"): (
        "removed: rows both views of the text reject are now candidates for review, never "
        "counted in the lower bound, because a fixed allowance did not hold on data sets it "
        "was not tuned on; delete the line"),
}
#: keys that must not decrease along the list (a ladder of thresholds)
ORDERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("size", ("not_ready_below", "lora_min", "full_finetune_min")),
    ("size", ("per_class_min", "per_class_warn")),
    ("label_noise", ("warn_rate", "fail_rate", "not_ready_rate")),
    ("answers", ("warn_rate", "fail_rate", "not_ready_rate")),
    ("duplicates", ("warn_share", "fail_share")),
    ("domain", ("medium_signals", "high_signals")),
    ("domain", ("curve_min_rows", "curve_max_rows")),
)
ROLES = ("input", "target", "label")


class SettingError(ValueError):
    """A value that breaks its rule; the loader adds the file and line."""

    def __init__(self, table: str, key: str, message: str) -> None:
        super().__init__(message)
        self.table, self.key = table, key


def validate(values: dict[str, Any], defaults: dict[str, Any],
             changed: dict[str, Any] | None = None) -> dict[str, Settings]:
    """Every table of ``values`` checked against the type of its default and its rules.

    ``changed`` (the overlay the user wrote) only decides which key an ordering error names.
    """
    out: dict[str, Settings] = {}
    for table, entries in values.items():
        checked = {key: check_value(table, key, value, defaults[table][key])
                   for key, value in entries.items()}
        _check_orders(table, checked, set((changed or {}).get(table) or ()))
        for extra in EXTRA_CHECKS.get(table, ()):
            extra(table, checked)
        out[table] = Settings(checked)
    return out


def check_value(table: str, key: str, value: Any, default: Any) -> Any:
    """``value`` coerced to the type of ``default``; ``SettingError`` when it is not one."""
    rule = RULES.get((table, key)) or _suffix_rule(key)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise SettingError(table, key, f"expected true or false, found {_show(value)}")
        return value
    if isinstance(default, int | float):
        return _number(table, key, value, isinstance(default, int), rule)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise SettingError(table, key, f"expected a string, found {_show(value)}")
        if rule.choices and value not in rule.choices:
            raise SettingError(table, key, f"expected one of {', '.join(rule.choices)}, found "
                               f"{_show(value)}")
        return value
    if isinstance(default, list):
        return _list(table, key, value, default, rule)
    if isinstance(default, dict):
        if not isinstance(value, dict):
            raise SettingError(table, key, f"expected a table, found {_show(value)}")
        return value
    raise SettingError(table, key, "unsupported setting type in the default policy")


def _suffix_rule(key: str) -> Rule:
    return next((rule for suffix, rule in SUFFIX_RULES if key.endswith(suffix)), Rule())


def _number(table: str, key: str, value: Any, integer: bool, rule: Rule) -> float | int:
    kind = "an integer" if integer else "a number"
    if isinstance(value, bool) or not isinstance(value, int | float) or (
            integer and not isinstance(value, int)) or not math.isfinite(value):
        raise SettingError(table, key, f"expected {kind}{_range(rule)}, found {_show(value)}")
    if rule.sentinel is not None and value == rule.sentinel:
        return value if integer else float(value)
    low = rule.lo is not None and (value <= rule.lo if rule.above else value < rule.lo)
    high = rule.hi is not None and value > rule.hi
    if low or high:
        raise SettingError(table, key, f"expected {kind}{_range(rule)}, found {_show(value)}")
    return value if integer else float(value)


def _range(rule: Rule) -> str:
    if rule.lo is None and rule.hi is None:
        return ""
    if rule.hi is None:
        text = f" {'>' if rule.above else '>='} {rule.lo:g}"
    else:
        text = f" {'above' if rule.above else 'from'} {rule.lo:g} to {rule.hi:g}"
    return text + (f" (or {rule.sentinel:g} for unknown)" if rule.sentinel is not None else "")


def _list(table: str, key: str, value: Any, default: list[Any], rule: Rule) -> list[Any]:
    if not isinstance(value, list):
        raise SettingError(table, key, f"expected a list, found {_show(value)}")
    kind = rule.items or _item_kind(default)
    out = []
    for i, item in enumerate(value):
        where = f"{key}[{i}]"
        if kind == "number":
            item_rule = rule if rule.items else Rule()
            out.append(_number(table, where, item, False, item_rule))
        elif kind == "str" and not isinstance(item, str):
            raise SettingError(table, where, f"expected a string, found {_show(item)}")
        elif kind == "role" and item not in ROLES:
            raise SettingError(table, where, f"expected one of {', '.join(ROLES)}, found "
                               f"{_show(item)}")
        elif kind == "pair" and not _pair(item):
            raise SettingError(table, where, "expected \"a*b\" or [\"a\", \"b\"] naming two "
                               f"group columns, found {_show(item)}")
        elif kind == "choice" and item not in rule.choices:
            raise SettingError(table, where, f"expected one of {', '.join(rule.choices)}, "
                               f"found {_show(item)}")
        elif kind == "region" and not _region(item):
            raise SettingError(table, where, "expected a region phonenumbers knows (ISO 3166 "
                               f"code such as \"GB\"), found {_show(item)}")
        elif kind == "scalar" and isinstance(item, list | dict):
            raise SettingError(table, where, f"expected a plain value, found {_show(item)}")
        if kind != "number":
            out.append(item)
    return out


def _item_kind(default: list[Any]) -> str:
    if default and all(isinstance(v, int | float) and not isinstance(v, bool) for v in default):
        return "number"
    if default and all(isinstance(v, str) for v in default):
        return "str"
    return "scalar"


def _region(item: Any) -> bool:
    from phonenumbers import SUPPORTED_REGIONS

    return isinstance(item, str) and item in SUPPORTED_REGIONS


def _pair(item: Any) -> bool:
    if isinstance(item, str):
        return len([p for p in item.replace("&", "*").split("*") if p.strip()]) == 2
    return isinstance(item, list) and len(item) == 2 and all(
        isinstance(p, str) and p.strip() for p in item)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_orders(table: str, values: dict[str, Any], changed: set[str]) -> None:
    for name, keys in ORDERS:
        if name != table:
            continue
        for low, high in itertools.pairwise(keys):
            if values[low] > values[high]:
                raise SettingError(table, low if low in changed else high,
                                   f"{low} ({values[low]:g}) must not exceed {high} "
                                   f"({values[high]:g})")


def _schema_extra(table: str, values: dict[str, Any]) -> None:
    lo, hi = values["min_input_chars"], values["max_input_chars"]
    if hi and lo > hi:
        raise SettingError(table, "min_input_chars", f"min_input_chars ({lo}) must not exceed "
                           f"max_input_chars ({hi}; 0 disables it)")


def _duplicates_extra(table: str, values: dict[str, Any]) -> None:
    if values["num_perm"] % values["bands"]:
        raise SettingError(table, "bands", f"num_perm ({values['num_perm']}) must be a multiple "
                           f"of bands ({values['bands']}): each band takes num_perm / bands "
                           "hashes")


def _domain_extra(table: str, values: dict[str, Any]) -> None:
    fractions = values["curve_fractions"]
    if not fractions or fractions != sorted(set(fractions)):
        raise SettingError(table, "curve_fractions", "expected increasing fractions above 0 "
                           "and at most 1, e.g. [0.1, 0.5, 1.0]")


def _bias_extra(table: str, values: dict[str, Any]) -> None:
    for attribute, shares in values["reference"].items():
        ok = isinstance(shares, dict) and shares and all(
            isinstance(v, int | float) and not isinstance(v, bool) and v >= 0
            for v in shares.values())
        if not ok:
            raise SettingError(table, f"reference.{attribute}", "expected a table of group = "
                               "share (numbers >= 0), e.g. { female = 0.5, male = 0.5 }")


def _context_extra(table: str, values: dict[str, Any]) -> None:
    from tuneready.decide.compute import gpus, open_models
    from tuneready.decide.offers import load_prices, offers

    given = [k for k in ("baseline_score", "target_score") if values[k] != -1]
    if len(given) == 1:
        other = "target_score" if given[0] == "baseline_score" else "baseline_score"
        raise SettingError(table, other, f"{given[0]} is set, so {other} is needed too: the "
                           "base model is judged against the target")
    try:
        prices = load_prices(values["prices"] or None)
        table_offers = offers(prices)
        sizes, gpu_names = open_models(prices), gpus(prices)
    except InputError as exc:
        raise SettingError(table, "prices", exc.render()) from None
    if values.get("prompt") and not Path(values["prompt"]).is_file():
        raise SettingError(table, "prompt", f"no such prompt file: {values['prompt']}")
    models = sorted({o.model for o in table_offers
                     if o.model and o.path != "lora" and o.kind != "gpu"})
    if values["model"] and values["model"] not in models:
        raise SettingError(table, "model", f"'{values['model']}' is not in the price table; "
                           f"known: {', '.join(models)}")
    for key, known in (("model_size", sizes), ("gpu", gpu_names)):
        if known and values[key] not in known:  # a table without them: no compute estimate
            raise SettingError(table, key, f"'{values[key]}' is not in the price table; known: "
                               + (", ".join(sorted(known)) or "none"))
    if values["date"]:
        try:
            date.fromisoformat(values["date"])
        except ValueError:
            raise SettingError(table, "date", f"'{values['date']}' is not a date "
                               "(YYYY-MM-DD)") from None


EXTRA_CHECKS: dict[str, tuple[Callable[[str, dict[str, Any]], None], ...]] = {
    "schema": (_schema_extra,), "duplicates": (_duplicates_extra,), "domain": (_domain_extra,),
    "bias": (_bias_extra,), "context": (_context_extra,),
}
