"""Map one source record of a known format onto role values.

Each mapper returns a ``Row`` (input, target, label, roles sequence, trainable turns) or raises
``RecordError`` naming the offending field; the loader turns that into a line-numbered problem.
Chat formats keep their role sequence so the schema check can judge structure.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tuneready.io.text import as_text, label_text

SHAREGPT_ROLES = {
    "human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant",
    "system": "system", "function_call": "assistant", "observation": "tool",
    "function": "tool", "tool": "tool",
}
KNOWN_ROLES = ("system", "developer", "user", "assistant", "tool")


class RecordError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class Row:
    input: str
    target: str
    label: str | None = None
    roles: str = ""
    n_train_turns: int = 0
    rejected: str | None = None
    #: the system prompt (system/developer turns), "" when none: prompt drift reads it
    system: str = ""
    #: the instruction of an instruction + input record (a template shared by many inputs)
    instruction: str = ""
    #: assistant turns that call a tool (the format/behaviour signal of tool-use data)
    n_tool_calls: int = 0


@dataclass
class Turn:
    role: str
    content: str
    weight: float = 1.0
    tool_call: bool = False


def _str_field(rec: dict[str, Any], key: str, required: bool = True) -> str:
    value = rec.get(key)
    if value is None:
        if required and key not in rec:
            raise RecordError(key, "missing")
        return ""
    if isinstance(value, (dict, list)) and not _is_parts(value):
        raise RecordError(key, f"expected text, found {type(value).__name__}")
    return as_text(value) or ""


def _is_parts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(p, dict) for p in value)


def openai_turns(messages: Any, field: str = "messages") -> list[Turn]:
    """OpenAI / TRL message list, including ``tool_calls``, ``weight`` and typed content."""
    if not isinstance(messages, list):
        raise RecordError(field, f"expected a list of messages, found {type(messages).__name__}")
    turns = []
    for i, msg in enumerate(messages):
        if not isinstance(msg, dict):
            raise RecordError(f"{field}[{i}]", "expected a message object")
        if "role" not in msg:
            raise RecordError(f"{field}[{i}].role", "missing")
        content = as_text(msg.get("content")) or ""
        if msg.get("tool_calls"):
            calls = json.dumps(msg["tool_calls"], sort_keys=True, ensure_ascii=False)
            content = f"{content}\n{calls}".strip()
        weight = msg.get("weight", msg.get("loss_weight", 1.0))
        turns.append(Turn(str(msg["role"]), content, _weight(weight),
                          bool(msg.get("tool_calls") or msg.get("function_call"))))
    return turns


def sharegpt_turns(conversations: Any, field: str = "conversations") -> list[Turn]:
    if not isinstance(conversations, list):
        raise RecordError(field, "expected a list of turns")
    turns = []
    for i, msg in enumerate(conversations):
        if not isinstance(msg, dict):
            raise RecordError(f"{field}[{i}]", "expected a turn object")
        if "role" in msg and "from" not in msg:
            turns.extend(openai_turns([msg], field))
            continue
        who = msg.get("from")
        if who is None:
            raise RecordError(f"{field}[{i}].from", "missing")
        role = SHAREGPT_ROLES.get(str(who), str(who))
        turns.append(Turn(role, as_text(msg.get("value")) or "",
                          tool_call=str(who) == "function_call"))
    return turns


def _weight(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 1.0


def turns_to_row(turns: list[Turn], label: str | None = None) -> Row:
    """Input = user/tool text before the last trainable assistant turn; target = that turn."""
    roles = "|".join(t.role for t in turns)
    trainable = [i for i, t in enumerate(turns) if t.role == "assistant" and t.weight != 0]
    last = trainable[-1] if trainable else len(turns)
    context = [t.content for t in turns[:last] if t.role in ("user", "tool") and t.content]
    target = turns[last].content if trainable else ""
    system = "\n".join(t.content for t in turns if t.role in ("system", "developer"))
    return Row("\n".join(context), target, label, roles, len(trainable), system=system,
               n_tool_calls=sum(t.tool_call for t in turns))


def _prompt_side(value: Any, field: str) -> list[Turn]:
    if isinstance(value, list):
        return openai_turns(value, field)
    if isinstance(value, dict):
        return sharegpt_turns([value], field)
    return [Turn("user", as_text(value) or "")] if value is not None else []


def _answer_text(value: Any, field: str) -> str:
    if isinstance(value, list):
        turns = openai_turns(value, field)
        return "\n".join(t.content for t in turns if t.role == "assistant") or ""
    if isinstance(value, dict):
        return "\n".join(t.content for t in sharegpt_turns([value], field))
    return as_text(value) or ""


def map_classification(rec: dict[str, Any], cols: dict[str, str]) -> Row:
    text = _str_field(rec, cols["text"])
    return Row(text, "", label_text(rec.get(cols["label"])) if cols.get("label") else None)


def map_text(rec: dict[str, Any], cols: dict[str, str]) -> Row:
    return Row(_str_field(rec, cols["text"]), "")


def map_prompt_completion(rec: dict[str, Any], cols: dict[str, str]) -> Row:
    prompt = _prompt_side(rec.get("prompt"), "prompt")
    completion = _answer_text(rec.get("completion"), "completion")
    row = turns_to_row([*prompt, Turn("assistant", completion)])
    row.target = completion
    return row


def map_alpaca(rec: dict[str, Any], cols: dict[str, str]) -> Row:
    instruction = _str_field(rec, "instruction")
    extra = _str_field(rec, "input", required=False)
    output = _str_field(rec, "output")
    prompt = f"{instruction}\n{extra}".strip() if extra else instruction
    roles = "|".join((["system"] if rec.get("system") else []) + ["user", "assistant"])
    system = _str_field(rec, "system", required=False)
    return Row(prompt, output, None, roles, 1, system=system,
               instruction=instruction if extra else "")


def map_sharegpt(rec: dict[str, Any], cols: dict[str, str]) -> Row:
    row = turns_to_row(sharegpt_turns(rec.get("conversations"), "conversations"))
    if not row.system and isinstance(rec.get("system"), str):  # LLaMA-Factory's system column
        row.system = rec["system"]
    return row


def map_openai_chat(rec: dict[str, Any], cols: dict[str, str]) -> Row:
    return turns_to_row(openai_turns(rec.get("messages"), "messages"))


def map_preference(rec: dict[str, Any], cols: dict[str, str]) -> Row:
    if "preferred_output" in rec:  # OpenAI DPO format
        prompt_turns = openai_turns((rec.get("input") or {}).get("messages"), "input.messages")
        chosen = _answer_text(rec.get("preferred_output"), "preferred_output")
        rejected = _answer_text(rec.get("non_preferred_output"), "non_preferred_output")
    else:
        if "conversations" in rec:
            prompt_turns = sharegpt_turns(rec.get("conversations"), "conversations")
        else:
            prompt_turns = _prompt_side(rec.get("prompt"), "prompt")
        chosen = _answer_text(rec.get("chosen"), "chosen")
        rejected = _answer_text(rec.get("rejected"), "rejected")
    row = turns_to_row([*prompt_turns, Turn("assistant", chosen)])
    row.rejected = rejected
    return row


def map_kto(rec: dict[str, Any], cols: dict[str, str]) -> Row:
    if "messages" in rec:
        row = turns_to_row(openai_turns(rec.get("messages"), "messages"))
    else:
        row = map_prompt_completion(rec, cols)
    row.label = "desirable" if rec.get("label") is True else "undesirable"
    if not isinstance(rec.get("label"), bool):
        raise RecordError("label", "expected true or false")
    return row


MAPPERS: dict[str, Callable[[dict[str, Any], dict[str, str]], Row]] = {
    "classification": map_classification,
    "text": map_text,
    "prompt_completion": map_prompt_completion,
    "alpaca": map_alpaca,
    "sharegpt": map_sharegpt,
    "openai_chat": map_openai_chat,
    "preference": map_preference,
    "kto": map_kto,
}
