"""English-only signals (the refusal lexicon, the truncation lexicon and word list, the
English sentence vectors off-topic is scored on) read English rows only, and the check says
how many rows each did not read."""

from __future__ import annotations

from tests.checks.answers.helpers import good, run_answers

SPANISH = [
    ("¿Cómo puedo cambiar la contraseña de mi cuenta en la aplicación?",
     "Abre los ajustes, elige seguridad y después pulsa en cambiar la contraseña de la cuenta."),
    ("¿Qué tiempo hace hoy en la ciudad donde vives ahora mismo?",
     "Hace bastante calor y el cielo está despejado, aunque por la tarde puede llover un poco."),
    ("¿Me recomiendas algún libro para leer durante las vacaciones de verano?",
     "Te recomiendo una novela corta de misterio, se lee rápido y engancha desde el principio."),
]


def test_english_rules_skip_rows_in_other_languages_and_say_so() -> None:
    pairs = [good(i) for i in range(30)]
    pairs += [SPANISH[i % 3] for i in range(27)]
    pairs += [("¿Puedes reservarme un vuelo a Madrid para mañana por la mañana?",
               "Lo siento, pero no puedo ayudarte con esa solicitud porque no tengo acceso."),
              ("Can you book me a flight to Madrid for tomorrow morning, please?",
               "I'm sorry, but I can't help with that request.")]
    _data, result = run_answers(pairs)
    flagged = {r["row_id"]: r["kind"] for r in result.tables["flagged_answers"]}
    assert flagged.get(59) == "refusal" and 58 not in flagged  # row ids count from 1
    skipped = result.metrics["english_only_skipped"]
    assert skipped["refusal"] == 28 and skipped["truncation_lexicon"] == 28
    if result.metrics.get("off_topic_scored"):  # the sentence vectors are installed
        assert skipped["off_topic"] >= 27
        assert result.metrics["off_topic_rows_scored"] <= 31


def test_off_topic_states_what_it_measured() -> None:
    _data, result = run_answers([good(i) for i in range(40)])
    m = result.metrics
    if not m.get("off_topic_scored"):
        return  # no sentence vectors in this install: nothing was measured
    assert m["off_topic_rows_scored"] == 40
    assert m["off_topic_min_coupling"] > 0 and 0 < m["off_topic_null_quantile"] < 1
    if m["off_topic_judged"]:
        assert m["off_topic_rank_min"] is not None and m["off_topic_gap_min"] is not None
    else:
        assert m["off_topic_not_judged_because"] and m["off_topic_flagged"] == 0
