"""Training compute from the data's own tokens: FLOPs, GPU-hours, GPU memory and money for
a full fine-tune, LoRA and QLoRA of an open model (``--model-size``), on a named GPU.

The shapes of the open models and the GPUs' speed and size come from the price table
(``[[open_models]]``, ``[[gpus]]``, each with its source); the estimate is arithmetic:

- **FLOPs** = k x N x D, D the audit's training tokens x epochs, N the parameters. A full
  fine-tune costs k = 6 (forward 2, gradients of the activations 2, of the weights 2: the
  6·N·D of Kaplan et al. 2020). LoRA and QLoRA freeze the base weights, so they skip the
  weight gradients of N but still run the forward and propagate activation gradients through
  every layer: k = 4 (the adapters' own FLOPs are under 1 % of N at rank 16). QLoRA also
  dequantises the 4-bit weights in every matmul; that time is not counted, so its hours are
  a lower bound. Attention's s-dependent FLOPs are left out (a few % at the short sequences
  of fine-tuning sets).
- **GPU-hours** = FLOPs / (utilisation x dense BF16 peak x 3600): ``utilisation`` is the
  model-FLOPs utilisation a packed run reaches (``[context] utilisation``; MosaicML measured
  46 % for a 7B model at 2,048 tokens on 8 H100s, README "Training compute").
- **Memory** per GPU-run at the data's p95 sequence length s, micro-batch 1, gradient
  checkpointing: full fine-tune 16 bytes per parameter (bf16 weight and gradient, fp32
  master copy and two Adam moments); LoRA the bf16 base, 2 bytes per parameter; QLoRA the
  linear layers in NF4 with double quantisation, (4 + 0.127) / 8 bytes per weight, the rest
  in bf16; adapters 16 bytes per adapter parameter. Activations: each layer keeps its bf16
  input (2·s·h bytes) and the layer being recomputed holds 34·s·h (Korthikanti et al.
  2022, fused attention); the logits 4·s·V in fp32. GB are 10^9 bytes.
- **Serving capacity** of a self-hosted GPU: the forward pass costs 2·N FLOPs per token, so
  a GPU serves at most utilisation x peak x seconds / (2·N x tokens per call) calls: a
  compute bound that batching approaches and small batches (memory-bound decoding) do not.

Pure functions; no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from tuneready.config.errors import InputError
from tuneready.decide.cost import MILLION, Usage
from tuneready.decide.offers import Offer

METHODS = ("full", "lora", "qlora")
TITLE = {"full": "full fine-tune", "lora": "LoRA (bf16)", "qlora": "QLoRA (4-bit)"}
#: training FLOPs per parameter per token
FLOPS_PER_PARAM = {"full": 6, "lora": 4, "qlora": 4}
#: the method a self-hosted offer of each path trains with
PATH_METHOD = {"full_fine_tune": "full", "lora": "lora"}
FULL_STATE_BYTES = 16  # bf16 weight 2 + gradient 2 + fp32 master 4 + Adam moments 4 + 4
BF16 = 2
NF4_BYTES = (4 + 0.127) / 8  # NF4 with double quantisation (Dettmers et al. 2023)
ADAPTER_BYTES = 16  # fp32 adapter weight, gradient and two Adam moments
RECOMPUTE_BYTES = 34  # one layer's activations per token per hidden unit, fused attention
LOGIT_BYTES = 4
GB = 1e9


@dataclass(frozen=True)
class GPU:
    name: str
    vram_gb: float
    bf16_tflops: float
    source: str = ""
    read: str = ""
    note: str = ""


@dataclass(frozen=True)
class OpenModel:
    name: str
    model: str
    layers: int
    hidden: int
    heads: int
    kv_heads: int
    ffn: int
    vocab: int
    tied_embeddings: bool
    source: str = ""
    read: str = ""
    note: str = ""

    @property
    def kv_dim(self) -> int:
        return self.kv_heads * self.hidden // self.heads

    @property
    def layer_linear(self) -> int:
        """Weights of one layer's linear maps: q, k, v, o and a SwiGLU MLP."""
        h = self.hidden
        return 2 * h * h + 2 * h * self.kv_dim + 3 * h * self.ffn

    @property
    def embedding(self) -> int:
        return self.vocab * self.hidden * (1 if self.tied_embeddings else 2)

    @property
    def params(self) -> int:
        norms = (2 * self.layers + 1) * self.hidden
        return self.embedding + self.layers * self.layer_linear + norms

    def adapter_params(self, rank: int) -> int:
        """LoRA on every linear map of every layer: rank x (inputs + outputs) each."""
        h, kv, f = self.hidden, self.kv_dim, self.ffn
        per_layer = rank * ((h + h) * 2 + (h + kv) * 2 + (h + f) * 2 + (f + h))
        return self.layers * per_layer


def gpus(prices: dict[str, Any]) -> dict[str, GPU]:
    out = {}
    for i, raw in enumerate(prices.get("gpus") or []):
        where = f"price table: gpus[{i}]"
        _numbers(raw, ("vram_gb", "bf16_tflops"), where)
        out[str(raw.get("name", ""))] = GPU(
            str(raw.get("name", "")), float(raw["vram_gb"]), float(raw["bf16_tflops"]),
            str(raw.get("source", "")), str(raw.get("read", "")), str(raw.get("note", "")))
    return out


def open_models(prices: dict[str, Any]) -> dict[str, OpenModel]:
    out = {}
    keys = ("layers", "hidden", "heads", "kv_heads", "ffn", "vocab")
    for i, raw in enumerate(prices.get("open_models") or []):
        _numbers(raw, keys, f"price table: open_models[{i}]")
        layers, hidden, heads, kv_heads, ffn, vocab = (int(raw[k]) for k in keys)
        out[str(raw.get("name", ""))] = OpenModel(
            str(raw.get("name", "")), str(raw.get("model") or ""), layers, hidden, heads,
            kv_heads, ffn, vocab, bool(raw.get("tied_embeddings", False)),
            str(raw.get("source", "")), str(raw.get("read", "")), str(raw.get("note", "")))
    return out


def _numbers(raw: dict[str, Any], keys: tuple[str, ...], where: str) -> None:
    for k in keys:
        v = raw.get(k)
        if not isinstance(v, (int, float)) or isinstance(v, bool) or v <= 0:
            raise InputError(f"{where}: '{k}' is missing or not a positive number")


def pick(table: dict[str, Any], name: str, what: str) -> Any:
    if name not in table:
        raise InputError(f"{what} '{name}' is not in the price table; known: "
                         + (", ".join(sorted(table)) or "none"))
    return table[name]


def flops(model: OpenModel, method: str, tokens: float) -> float:
    return FLOPS_PER_PARAM[method] * model.params * tokens


def gpu_hours(total_flops: float, gpu: GPU, utilisation: float) -> float:
    return total_flops / (utilisation * gpu.bf16_tflops * 1e12 * 3600)


def memory(model: OpenModel, method: str, seq: int, rank: int) -> dict[str, float]:
    """GB one training run holds at sequence length ``seq`` (micro-batch 1)."""
    n, linear = model.params, model.layers * model.layer_linear
    weights: float
    if method == "full":
        weights, adapters = float(FULL_STATE_BYTES * n), 0.0
    else:
        per_weight = NF4_BYTES if method == "qlora" else BF16
        weights = per_weight * linear + BF16 * (n - linear)
        adapters = ADAPTER_BYTES * model.adapter_params(rank)
    h = model.hidden
    activations = seq * h * (BF16 * model.layers + RECOMPUTE_BYTES)
    logits = LOGIT_BYTES * seq * model.vocab
    parts = {"weights_and_states": weights, "adapters": adapters,
             "activations": activations, "logits": logits}
    out = {k: v / GB for k, v in parts.items()}
    out["total"] = sum(parts.values()) / GB
    return out


def estimate(model: OpenModel, gpu: GPU, method: str, tokens: float, seq: int,
             utilisation: float, rank: int) -> dict[str, Any]:
    """One method's FLOPs, GPU-hours and memory on ``gpu`` for ``tokens`` trained tokens."""
    f = flops(model, method, tokens)
    mem = memory(model, method, seq, rank)
    return {"method": method, "flops": float(f"{f:.4g}"),
            "gpu_hours": float(f"{gpu_hours(f, gpu, utilisation):.4g}"),
            "memory_gb": {k: round(v, 2) for k, v in mem.items()},
            "gpus": max(1, math.ceil(mem["total"] / gpu.vram_gb))}


def serving_gpus(model: OpenModel, gpu: GPU) -> int:
    """GPUs one replica needs to hold the bf16 weights (the KV cache not counted)."""
    return max(1, math.ceil(BF16 * model.params / GB / gpu.vram_gb))


def calls_per_replica_month(model: OpenModel, gpu: GPU, k: int, utilisation: float,
                            tokens_per_call: int, hours: float) -> float:
    """The compute bound on calls a replica of ``k`` GPUs serves in ``hours``."""
    per_call = 2 * model.params * max(1, tokens_per_call)
    return k * utilisation * gpu.bf16_tflops * 1e12 * 3600 * hours / per_call


def resolve_gpu_offers(pool: list[Offer], prices: dict[str, Any], inputs: dict[str, Any],
                       usage: Usage) -> list[Offer]:
    """Self-hosted offers that name a ``gpu`` get their training price per 1M tokens and
    their serving capacity from the model size and the data; the rest pass unchanged."""
    named = [o for o in pool if o.kind == "gpu" and o.gpu and "train" not in o.prices]
    if not named:
        return pool
    model = pick(open_models(prices), str(inputs["model_size"]), "model size")
    table = gpus(prices)
    util = float(inputs["utilisation"])
    out = []
    for o in pool:
        if o not in named:
            out.append(o)
            continue
        gpu = pick(table, o.gpu, "GPU")
        method = PATH_METHOD[o.path]
        hours_per_m = gpu_hours(flops(model, method, MILLION), gpu, util)
        k = serving_gpus(model, gpu)
        calls = calls_per_replica_month(model, gpu, k, util,
                                        usage.input_tokens + usage.output_tokens,
                                        o.prices["hours_per_month"])
        prices_ = {**o.prices, "train": hours_per_m * o.prices["gpu_hour"],
                   "calls_per_gpu_month": calls, "gpu_hour": k * o.prices["gpu_hour"],
                   "gpus_per_replica": float(k)}
        label = f"{model.name} open model, {TITLE[method]}, {gpu.name}" + (
            f" x{k}" if k > 1 else "")
        out.append(replace(o, prices=prices_, model=label))
    return out


def compute_block(prices: dict[str, Any], inputs: dict[str, Any], usage: Usage, seq: int,
                  pool: list[Offer]) -> dict[str, Any] | None:
    """The ``context.compute`` section: the three methods on the named GPU, with the cost at
    the cheapest open offer renting that GPU (none: hours and memory only). None when the
    price table describes no open model or GPU (a user's own table may not)."""
    if not prices.get("open_models") or not prices.get("gpus"):
        return None
    model = pick(open_models(prices), str(inputs["model_size"]), "model size")
    gpu = pick(gpus(prices), str(inputs["gpu"]), "GPU")
    util, rank = float(inputs["utilisation"]), int(inputs["lora_rank"])
    tokens = usage.training_tokens * usage.epochs
    rentals = [o for o in pool if o.kind == "gpu" and o.gpu == gpu.name]
    rental = min(rentals, key=lambda o: (_per_gpu(o), o.provider), default=None)
    methods = []
    for method in METHODS:
        est = estimate(model, gpu, method, tokens, seq, util, rank)
        if rental is not None:
            est["cost"] = float(f"{est['gpu_hours'] * _per_gpu(rental):.4g}")
        methods.append(est)
    return {"model": {"name": model.name, "id": model.model, "params": model.params,
                      "source": model.source},
            "gpu": {"name": gpu.name, "bf16_tflops": gpu.bf16_tflops, "vram_gb": gpu.vram_gb,
                    "source": gpu.source},
            "gpu_hour": ({"provider": rental.provider, "price": _per_gpu(rental),
                          "source": rental.source, "read": rental.read}
                         if rental is not None else None),
            "utilisation": util, "lora_rank": rank, "training_tokens": usage.training_tokens,
            "epochs": usage.epochs, "seq_p95": seq, "methods": methods}


def _per_gpu(o: Offer) -> float:
    """One GPU's hourly price (a resolved offer's ``gpu_hour`` is for a serving replica)."""
    return o.prices["gpu_hour"] / o.prices.get("gpus_per_replica", 1.0)
