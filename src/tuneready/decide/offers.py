"""The price table: one offer per provider and path, each with its source page, the day its
text was read, and when the provider stops taking training jobs or serving the model.

Pure parsing and validation of a TOML file users edit (``tuneready/config/prices.toml`` is the
packaged one); no price lives in code. A version-1 table (``[models.*]``, ``[self_hosted]``)
and a version-2 table (``via``/``confirmed`` per offer) still load; version 3 adds ``read``,
``note`` and the availability dates, and lets a self-hosted GPU offer name a ``gpu`` whose
speed and size (``[[gpus]]``) turn the data's tokens into training hours.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from tuneready.config.errors import InputError

PATH_NAMES = ("prompt_engineering", "lora", "full_fine_tune")
_NEEDS = {"prompt_engineering": ("input", "cached_input", "output"),
          "full_fine_tune": ("train", "tuned_input", "tuned_output"),
          "hosted": ("train", "tuned_input", "tuned_output"),
          "gpu": ("gpu_hour", "hours_per_month")}
#: a GPU offer either gives these itself or names a ``gpu`` to estimate them from the data
_GPU_OWN = ("train", "calls_per_gpu_month")
_TEXT = ("source", "read", "note", "via", "jobs_until", "serving_until", "availability_source",
         "availability_read", "availability_note", "gpu", "new_customers_until")
_DATES = ("read", "as_of", "jobs_until", "serving_until", "availability_read",
          "new_customers_until")


@dataclass(frozen=True)
class Offer:
    """One provider's prices for one path, with where and when they were read."""

    path: str
    provider: str
    model: str
    kind: str  #: "api" (prompting / hosted fine-tune), "hosted" (adapter) or "gpu" (self-hosted)
    prices: dict[str, float]
    as_of: str  #: the date of the text the prices were read from
    source: str  #: the provider's own page
    via: str = ""  #: version-2 tables: how the prices were obtained
    confirmed: bool = False  #: read on the provider's page (version 3: has ``source`` and ``read``)
    read: str = ""  #: the day the page's text was read
    note: str = ""  #: what was and was not confirmed on that page
    gpu: str = ""  #: a self-hosted offer's GPU (``[[gpus]]``), to estimate hours from the data
    jobs_until: str = ""  #: first day no new training job is taken ("" = no date published)
    serving_until: str = ""  #: first day the model is no longer served
    availability: dict[str, str] = field(default_factory=dict)  #: source, read, note

    @property
    def name(self) -> str:
        return f"{self.provider} {self.model}".strip()

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path, "provider": self.provider, "model": self.model,
            "kind": self.kind, "as_of": self.as_of, "read": self.read, "source": self.source,
            "confirmed": self.confirmed, "prices": self.prices}
        for key in ("via", "note", "gpu", "jobs_until", "serving_until"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.availability:
            out["availability"] = self.availability
        return out


def load_prices(path: str | Path | None = None) -> dict[str, Any]:
    if path:
        try:
            return tomllib.loads(Path(path).read_text("utf-8"))
        except FileNotFoundError:
            raise InputError("no such price file", path=str(path)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the price file ({exc})", path=str(path)) from None
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"invalid TOML ({exc})", path=str(path)) from None
    text = resources.files("tuneready.config").joinpath("prices.toml").read_text("utf-8")
    return tomllib.loads(text)


def offers(prices: dict[str, Any], where: str = "price table") -> list[Offer]:
    """Every offer of a table; a version-1 table is read as offers of an unnamed provider
    dated by the table's own ``as_of``. An offer whose ``path`` is a list (a rented GPU that
    serves LoRA and full fine-tunes alike) becomes one offer per path."""
    if "offers" not in prices:
        return _legacy_offers(prices)
    out = []
    for i, raw in enumerate(prices.get("offers") or []):
        if not isinstance(raw, dict):
            raise InputError(f"{where}: offers[{i}] is not a table")
        paths = raw.get("path")
        for path in paths if isinstance(paths, list) else [paths]:
            out.append(_offer({**raw, "path": path}, f"{where}: offers[{i}]"))
    return out


def _offer(raw: dict[str, Any], where: str) -> Offer:
    path = str(raw.get("path", ""))
    if path not in PATH_NAMES:
        raise InputError(f"{where}: path '{path}' is not one of {', '.join(PATH_NAMES)}")
    kind = str(raw.get("kind", "api" if path != "lora" else "hosted"))
    need = list(_NEEDS["gpu" if kind == "gpu" else "hosted" if path == "lora" else path])
    if kind == "gpu" and not raw.get("gpu"):
        need += _GPU_OWN
    missing = [k for k in need if not _number(raw.get(k))]
    if missing:
        raise InputError(f"{where}: '{missing[0]}' is missing or not a number")
    text = {k: str(raw.get(k, "") or "") for k in _TEXT}
    for key in _DATES:
        _check_date(str(raw.get(key, "") or ""), f"{where}: {key}")
    prices = {k: float(v) for k, v in raw.items() if _number(v)}
    read = text["read"]
    availability = {k.removeprefix("availability_"): text[k]
                    for k in ("availability_source", "availability_read", "availability_note",
                              "new_customers_until") if text[k]}
    return Offer(path, str(raw.get("provider", "unnamed")), str(raw.get("model") or ""), kind,
                 prices, str(raw.get("as_of", "") or read), text["source"], text["via"],
                 bool(raw.get("confirmed", bool(read and text["source"]))), read,
                 text["note"], text["gpu"], text["jobs_until"], text["serving_until"],
                 availability)


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _check_date(value: str, where: str) -> None:
    if not value:
        return
    try:
        date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{where}: '{value}' is not a date (YYYY-MM-DD)") from None


def _legacy_offers(prices: dict[str, Any]) -> list[Offer]:
    as_of, source = str(prices.get("as_of", "")), str(prices.get("source", ""))
    out = []
    for name, p in (prices.get("models") or {}).items():
        vals = {k: float(v) for k, v in p.items()}
        out.append(Offer("prompt_engineering", "unnamed", name, "api", vals, as_of, source,
                         "version-1 table", False))
        if {"train", "tuned_input", "tuned_output"} <= set(vals):
            out.append(Offer("full_fine_tune", "unnamed", name, "api", vals, as_of, source,
                             "version-1 table", False))
    if prices.get("self_hosted"):
        s = {k: float(v) for k, v in prices["self_hosted"].items()}
        s.setdefault("train", s.get("lora_train", 0.0))
        out.append(Offer("lora", "self-hosted", "", "gpu", s, as_of, source, "version-1 table",
                         False))
    return out


def model_prices(prices: dict[str, Any], model: str) -> dict[str, float]:
    """The prompting prices of one model (any table version)."""
    found = [o for o in offers(prices) if o.model == model and o.path == "prompt_engineering"]
    if not found:
        known = sorted({o.model for o in offers(prices) if o.model})
        raise InputError(f"model '{model}' is not in the price table; known: "
                         + ", ".join(known))
    return dict(found[0].prices)


def usable_offers(prices: dict[str, Any], model: str = "") -> list[Offer]:
    """The offers in play: all of them, or with ``model`` set, that model's prompting and
    hosted fine-tune offers (adapters and GPUs are other models by nature)."""
    every = offers(prices)
    if not model:
        return every
    if not any(o.model == model for o in every):
        known = sorted({o.model for o in every if o.model and o.kind != "gpu"
                        and o.path != "lora"})
        raise InputError(f"model '{model}' is not in the price table; known: "
                         + ", ".join(known))
    return [o for o in every if o.path == "lora" or o.kind == "gpu" or o.model == model]
