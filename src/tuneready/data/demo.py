"""The bundled demo dataset: customer-support intent routing in OpenAI chat format.

Generated deterministically (``python -m tuneready.data.demo`` rewrites the packaged file; a test
checks the file matches the generator). It plants known defects so every check has something
real to find, and writes the ground truth next to each row under ``_truth`` keys that the
loader ignores:

* about 1,500 conversations, 6 intents, answers are the intent name (a closed set: labels);
* 5 % exact duplicates and 8 % wrong labels, with the ``west`` region mislabelled at about
  three times the rate of the others and under-represented (10 % of rows);
* a ``region`` column (a group the bias check can read).
"""

from __future__ import annotations

import json
import random
from importlib import resources
from pathlib import Path

SEED = 20261128
N_BASE = 1430
DUP_SHARE = 0.05
NOISE = {"north": 0.06, "south": 0.06, "east": 0.06, "west": 0.18}
REGIONS = {"north": 0.38, "south": 0.32, "east": 0.20, "west": 0.10}
SYSTEM = "Route the customer's message to one intent. Answer with the intent name only."

PRODUCTS = ["router", "headphones", "smart watch", "laptop", "phone case", "coffee maker",
            "vacuum", "monitor", "keyboard", "tablet", "camera", "speaker"]
TIMES = ["yesterday", "last week", "two days ago", "this morning", "on Monday", "a month ago"]
INTENTS: dict[str, list[str]] = {
    "refund": [
        "I want my money back for the {p} I bought {t}",
        "Please refund my order, the {p} arrived broken",
        "How long does a refund take for a returned {p}?",
        "You charged me twice for the {p}, I need a refund",
        "Can I get a refund if the {p} doesn't work?",
        "The {p} was not as described, refund please",
        "I returned the {p} {t} and still have no refund",
    ],
    "cancel_subscription": [
        "Cancel my subscription please",
        "How do I stop the monthly plan for my {p}?",
        "I don't want the premium plan anymore, cancel it",
        "Please end my membership before the next billing date",
        "I signed up {t} by mistake, cancel the subscription",
        "Stop renewing my account automatically",
        "I want to unsubscribe from the {p} protection plan",
    ],
    "shipping_status": [
        "Where is my {p}? I ordered it {t}",
        "My package with the {p} hasn't arrived yet",
        "Can you tell me when the {p} will be delivered?",
        "Tracking for my {p} order has not updated since {t}",
        "Has my {p} shipped yet?",
        "The courier says delivered but I have no {p}",
        "What is the delivery date for the {p} I ordered {t}?",
    ],
    "technical_issue": [
        "My {p} keeps restarting since {t}",
        "The {p} won't turn on anymore",
        "The app crashes when I connect my {p}",
        "How do I reset the {p} to factory settings?",
        "My {p} stopped connecting to wifi {t}",
        "The screen on my {p} flickers",
        "Firmware update failed on my {p}",
    ],
    "account_access": [
        "I can't log in to my account",
        "I forgot my password and the reset email never came",
        "My account got locked {t}",
        "How do I change the email address on my account?",
        "Two-factor codes are not arriving on my phone",
        "Someone else logged into my account {t}",
        "I can't sign in after the update",
    ],
    "product_question": [
        "Does the {p} come with a warranty?",
        "Is the {p} compatible with my old charger?",
        "What colours does the {p} come in?",
        "Is the {p} waterproof?",
        "How big is the {p} compared to the previous model?",
        "Does the {p} work in other countries?",
        "Which {p} would you recommend for a small office?",
    ],
}
OPENERS = ["", "", "", "Hi, ", "Hello, ", "Hey there. ", "Good morning, ", "Quick question: "]
CLOSERS = ["", "", "", " Thanks.", " Thank you!", " Please help.", " Any update?", " Cheers"]


def _utterance(rng: random.Random, intent: str) -> str:
    template = rng.choice(INTENTS[intent])
    text = template.format(p=rng.choice(PRODUCTS), t=rng.choice(TIMES))
    order = f" (order {rng.randrange(10000, 99999)})" if rng.random() < 0.6 else ""
    return f"{rng.choice(OPENERS)}{text}{order}{rng.choice(CLOSERS)}"


def generate(seed: int = SEED) -> list[dict[str, object]]:
    """Rows in OpenAI chat format with ``region`` and ``_truth_*`` fields."""
    rng = random.Random(seed)
    intents = sorted(INTENTS)
    regions, weights = zip(*REGIONS.items(), strict=True)
    rows: list[dict[str, object]] = []
    for _ in range(N_BASE):
        region = rng.choices(regions, weights=weights)[0]
        intent = rng.choice(intents)
        label = intent
        if rng.random() < NOISE[region]:
            label = rng.choice([i for i in intents if i != intent])
        rows.append({
            "messages": [
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": _utterance(rng, intent)},
                {"role": "assistant", "content": label},
            ],
            "region": region,
            "_truth_intent": intent,
            "_truth_flipped": label != intent,
        })
    n_dup = round(N_BASE * DUP_SHARE / (1 - DUP_SHARE))
    for i in rng.sample(range(N_BASE), n_dup):
        copy = json.loads(json.dumps(rows[i]))
        copy["_truth_duplicate"] = True
        rows.insert(rng.randrange(i + 1, len(rows) + 1), copy)
    return rows


def to_jsonl(rows: list[dict[str, object]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)


def packaged_path() -> Path:
    return Path(str(resources.files("tuneready.data").joinpath("demo.jsonl")))


if __name__ == "__main__":  # pragma: no cover - regenerates the packaged file
    target = Path(__file__).parent / "demo.jsonl"
    target.write_text(to_jsonl(generate()), encoding="utf-8")
    print(f"wrote {target}")
