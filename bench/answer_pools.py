"""What the answers benchmark plants, per language: refusals, answers in another language and
template replies, written for this benchmark (the shared data holds no such translations).

A defect is planted in the language of the row it goes into: an English refusal planted into
Chinese chat would be both a refusal and an answer in another language, and the English rules
flagging it would say nothing about how they read Chinese. So a Chinese row gets a Chinese
refusal (which the English-only refusal lexicon is expected to miss: the benchmark shows that
recall, it does not hide it), and "another language" is English for rows in other languages
and one of ``FOREIGN`` (French, German, Spanish, ...) for English rows. Template replies are
planted only where a template of six or more words exists for the language (the canned rule
reads space-separated words; Chinese and Japanese have no templates here).

``REFUSALS["en"]`` keeps the two lists ``bench/answers.py`` has always used: ``REFUSALS_DEV``
(what the English rule was written against) and ``REFUSALS_HELD_OUT`` (phrasings never shown
to it, though written by the same author, so their recall is optimistic).
"""

from __future__ import annotations

REFUSALS_DEV = [
    "I'm sorry, but I can't help with that request.",
    "I am sorry, I cannot provide that information.",
    "As an AI language model, I cannot do that.",
    "Unfortunately, I am unable to assist with this.",
    "I apologize, but I won't be able to answer that.",
    "Sorry, but I can't comply with this request.",
    "As an AI assistant, I don't have the ability to do that.",
    "I cannot answer that question.",
    "I'm unable to provide the information you asked for.",
    "I will not write that for you.",
]
REFUSALS_HELD_OUT = [
    "That's not something I'm able to help with.",
    "I'd rather not answer that one.",
    "Regrettably, this falls outside of what I can do for you.",
    "I'm afraid I can't do that.",
    "My apologies, but that request goes against my guidelines.",
    "That is beyond my capabilities, so I must decline.",
    "I do not have access to that kind of information, so I can't say.",
    "I'm not in a position to give advice on this topic.",
    "This isn't a request I can fulfill.",
    "I have to refuse this request.",
    "Please understand that I can't share that.",
    "I'm not allowed to discuss that.",
]
#: refusals in each row's language (English: the two lists above, alternating)
REFUSALS: dict[str, list[str]] = {
    "es": ["Lo siento, pero no puedo ayudarte con esa solicitud.",
           "Como modelo de lenguaje, no puedo proporcionar esa información.",
           "Lo siento, no puedo responder a esa pregunta."],
    "it": ["Mi dispiace, ma non posso aiutarti con questa richiesta.",
           "Come modello linguistico, non posso fornire queste informazioni.",
           "Mi dispiace, non posso rispondere a questa domanda."],
    "pt": ["Desculpe, mas não posso ajudar com esse pedido.",
           "Como modelo de linguagem, não posso fornecer essa informação.",
           "Sinto muito, não posso responder a essa pergunta."],
    "de": ["Es tut mir leid, aber bei dieser Anfrage kann ich nicht helfen.",
           "Als Sprachmodell kann ich diese Information nicht bereitstellen.",
           "Leider kann ich diese Frage nicht beantworten."],
    "fr": ["Je suis désolé, mais je ne peux pas vous aider avec cette demande.",
           "En tant que modèle de langage, je ne peux pas fournir cette information.",
           "Désolé, je ne peux pas répondre à cette question."],
    "ru": ["Извините, но я не могу помочь с этим запросом.",
           "Как языковая модель, я не могу предоставить эту информацию.",
           "К сожалению, я не могу ответить на этот вопрос."],
    "zh": ["抱歉，我无法帮助您完成这个请求。",
           "作为一个人工智能语言模型，我不能提供这方面的信息。",
           "很抱歉，我不能回答这个问题。"],
    "ja": ["申し訳ありませんが、そのご依頼にはお応えできません。",
           "AI言語モデルとして、その情報を提供することはできません。",
           "すみませんが、その質問にはお答えできません。"],
    "id": ["Maaf, saya tidak bisa membantu dengan permintaan itu.",
           "Sebagai model bahasa, saya tidak dapat memberikan informasi tersebut."],
    "tr": ["Üzgünüm, bu istekle ilgili yardımcı olamam.",
           "Bir dil modeli olarak bu bilgiyi veremem."],
    "hi": ["क्षमा करें, मैं इस अनुरोध में आपकी सहायता नहीं कर सकता।",
           "एक भाषा मॉडल के रूप में, मैं यह जानकारी नहीं दे सकता।"],
}
#: answers in another language than an English row's
FOREIGN = [
    "Je ne sais pas exactement, mais je pense que c'est une bonne idée de commencer tôt.",
    "Das hängt davon ab, wie viel Zeit du hast und was du genau erreichen möchtest.",
    "Claro que sí, puedes hacerlo en casa con muy pocos ingredientes y un poco de paciencia.",
    "Non ne sono sicuro, ma credo che la risposta giusta sia quella più semplice.",
    "Sim, é possível, mas você precisa verificar as configurações do sistema primeiro.",
    "Ja, dat kan, maar je moet eerst de instellingen van het programma controleren.",
    "Oui, bien sûr. Il faut d'abord ouvrir le menu, puis choisir les paramètres.",
    "Ich glaube, das ist eine sehr gute Frage, über die man lange nachdenken kann.",
    "La respuesta depende de muchos factores, pero en general es mejor empezar despacio.",
    "Certo, ti spiego come funziona: prima si apre il file e poi si modifica il testo.",
    "Det beror på hur mycket tid du har och vad du vill uppnå med projektet.",
    "Tak, to jest możliwe, ale najpierw musisz sprawdzić ustawienia systemu.",
]
#: answers in another language than a row in any language but English
ENGLISH = [
    "That depends on how much time you have and what exactly you want to achieve.",
    "I am not completely sure, but I think the simplest answer is usually the right one.",
    "Yes, it is possible, but you need to check the system settings first.",
    "Of course. First open the menu, then choose the settings you want to change.",
    "I believe that is a very good question, one you could think about for a long time.",
    "The answer depends on many factors, but in general it is better to start slowly.",
]
CANNED_EN = [
    "Thank you for reaching out, {name}! I'm happy to help with anything else you need today.",
    "Great question! Please contact our support team at extension {num} for more details.",
    "I understand. Let me know if there is anything else I can do for you, {name}.",
]
#: template replies (a name or a number varied), six or more words each
CANNED: dict[str, list[str]] = {
    "en": CANNED_EN,
    "es": ["¡Gracias por escribirnos, {name}! Con gusto te ayudo con cualquier otra cosa.",
           "¡Buena pregunta! Contacta a nuestro equipo de soporte en la extensión {num}.",
           "Entiendo. Avísame si hay algo más que pueda hacer por ti, {name}."],
    "it": ["Grazie per averci scritto, {name}! Sono felice di aiutarti con altro.",
           "Ottima domanda! Contatta il nostro supporto all'interno {num} per i dettagli.",
           "Capisco. Fammi sapere se posso fare qualcos'altro per te, {name}."],
    "pt": ["Obrigado por entrar em contato, {name}! Fico feliz em ajudar com outra coisa.",
           "Ótima pergunta! Fale com nossa equipe de suporte no ramal {num} para detalhes.",
           "Entendo. Avise se houver mais alguma coisa que eu possa fazer, {name}."],
}
NAMES = ["Alex", "Sam", "Jordan", "Taylor", "Chris", "Pat", "Robin", "Casey"]


def refusals(language: str, j: int) -> list[str]:
    """The refusals the ``j``-th planted refusal is drawn from."""
    if language == "en":
        return REFUSALS_DEV if j % 2 == 0 else REFUSALS_HELD_OUT
    return REFUSALS.get(language, [])


def other_language(language: str) -> list[str]:
    return FOREIGN if language == "en" else ENGLISH
