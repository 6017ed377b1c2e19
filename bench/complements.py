"""Complements on public data: which sets get retrieval (RAG), which the format note.

    python bench/complements.py

Audits (with the CLI, ``--json``) chatterbot ``trivia`` + ``history`` + ``science`` together
and ``greetings`` + ``conversations`` + ``emotion`` together (one chat record per
conversation, written as OpenAI messages under ``bench/out/complements/``), LLaMA-Factory's
``identity.json`` and ``glaive_toolcall_en_demo.json``, and prints the complements with the
measured shares. Expected: RAG for the first set only; the format/behaviour note for the
tool-call set. Needs ``../shared/data``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.common import require_shared  # noqa: E402

OUT = HERE / "out" / "complements"
SETS = {"chatterbot_facts": ["trivia", "history", "science"],
        "chatterbot_smalltalk": ["greetings", "conversations", "emotion"]}


def chatterbot(categories: list[str], path: Path) -> int:
    """One OpenAI-messages record per conversation (turns alternate user / assistant)."""
    import yaml

    lines = []
    for cat in categories:
        doc = yaml.safe_load((require_shared() / "chatterbot_english" / f"{cat}.yml")
                             .read_text("utf-8"))
        for conv in doc.get("conversations") or []:
            if not isinstance(conv, list):  # trivia.yml holds one bare string, not turns
                continue
            turns = [str(t) for t in conv if t is not None]
            msgs = [{"role": "user" if i % 2 == 0 else "assistant", "content": t}
                    for i, t in enumerate(turns)]
            if msgs and msgs[-1]["role"] == "user":
                msgs = msgs[:-1]
            if len(msgs) >= 2:
                lines.append(json.dumps({"messages": msgs}))
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return len(lines)


def audit(path: Path) -> dict:
    proc = subprocess.run([sys.executable, "-m", "tuneready", "audit", str(path), "--json",
                           "--out", str(OUT / path.stem)], capture_output=True, text=True)
    if proc.returncode == 2:
        raise SystemExit(proc.stderr)
    return json.loads(proc.stdout)


def share(s: dict) -> str:
    return f"{s['share']:.3f} [{s['lo']:.3f}, {s['hi']:.3f}] ({s['k']}/{s['n']})"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, cats in SETS.items():
        path = OUT / f"{name}.jsonl"
        print(f"{name}: {chatterbot(cats, path)} conversations from {', '.join(cats)}")
        paths.append(path)
    demo = require_shared() / "llamafactory_demo"
    paths += [demo / "identity.json", demo / "glaive_toolcall_en_demo.json"]
    for path in paths:
        rec = audit(path)["recommendation"]
        s = rec["answer_signals"]
        print(f"\n{path.name}: verdict {rec['verdict']}; complements "
              f"{[c['code'] for c in rec['complements']] or 'none'}")
        for key in ("knowledge", "fact_seeking", "novel_answers", "json", "tool_calls",
                    "template"):
            print(f"  {key:14s} {share(s[key])}")
        print(f"  length_cv      {s['length_cv']}; task measured {s['measured_task']}")


if __name__ == "__main__":
    main()
