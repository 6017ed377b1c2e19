"""An audit of chat data shows each answer finding's evidence in JSON and HTML, and the
better-fitting prompt's row for an off-topic answer."""

from __future__ import annotations

import json

import pandas as pd

import tuneready
from tuneready.render import html
from tuneready.render import json as json_render

TOPICS = {"weather": ("rain forecast storm wind cloud snow", "Expect rain and strong wind "
                      "tomorrow, with storm clouds and a little snow in the hills."),
          "cooking": ("recipe oven bake flour sugar dough", "Mix the flour and sugar, knead "
                      "the dough, then bake it in a hot oven for twenty minutes."),
          "football": ("match goal team league coach score", "The team won the league match "
                       "with a late goal after the coach changed the formation."),
          "banking": ("loan interest bank account deposit rate", "The bank raised the "
                      "interest rate on deposits and on new loans this month."),
          "travel": ("flight hotel passport airport luggage trip", "Book the flight early, "
                     "keep your passport ready and pack light luggage for the trip.")}


def chat_frame() -> pd.DataFrame:
    rows = []
    names = list(TOPICS)
    for i in range(200):
        words, answer = TOPICS[names[i % 5]]
        prompt = f"Question {i}: tell me about {' '.join(words.split()[i % 3:])}?"
        tag = chr(97 + i % 26) + chr(97 + i // 26)  # every answer its own (folded) text
        rows.append((prompt, f"{answer} See note {tag} for {words.split()[i % 6]}."))
    rows[3] = (rows[3][0], TOPICS["weather"][1] + " Stay dry.")  # banking prompt, weather answer
    return pd.DataFrame({"messages": [[{"role": "user", "content": p},
                                       {"role": "assistant", "content": a}]
                                      for p, a in rows]})


def test_off_topic_evidence_in_json_and_html() -> None:
    audit = tuneready.audit(chat_frame())
    result = audit.check("answers")
    assert result is not None and result.error is None
    table = result.tables["flagged_answers"]
    off = [r for r in table if r["kind"] == "off_topic"]
    assert [r["row_id"] for r in off] == [4]
    assert off[0]["better_row"] % 5 == 1  # a weather prompt fits it better
    assert off[0]["rank"] > 0.5 and off[0]["better_fit"] > off[0]["own_fit"]
    saved = json.loads(json_render.render(audit))
    answers = next(c for c in saved["checks"] if c["name"] == "answers")
    assert answers["tables"]["flagged_answers"][0]["better_row"] == off[0]["better_row"]
    page = html.render(audit)
    assert "better row</th>" in page and "answers.off_topic" in page
    assert f"<td class=\"num\">{off[0]['better_row']}</td>" in page
