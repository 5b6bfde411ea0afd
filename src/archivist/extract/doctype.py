"""What kind of document is this? Rules over the title, headings, labels and the letter anatomy."""

from __future__ import annotations

import re

from archivist.extract.dates import MONTHS
from archivist.extract.names import looks_like_name, looks_like_periodical
from archivist.text import one_line

_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("interview", re.compile(r"\binterview|\bentretien|\bentrevista|\bconversation with|\bQ(?:uestion)?\s*:", re.I)),
    ("speech", re.compile(r"^(?:intervention|intervención|intervento)\b|\bspeech\b|\baddress(?:ed)? (?:to|at|delivered)|\blecture\b|\bdiscours\b|\bdiscurso\b|"
                          r"\brede\b|\btalk\b|\bremarks at\b|\breport (?:to|at|on the)\b|\bspeech(?:es)?\b|"
                          r"\bwords to the\b|\brecord of .* speech", re.I)),
    ("resolution", re.compile(r"^(?!(?:on|about|against|concerning|for|the debate on)\b).*\bresolution\b|\btheses\b|\bthèses\b|\bdecree\b|\bdecision of\b|\bmotion\b", re.I)),
    ("manifesto", re.compile(r"\bmanifesto\b|\bmanifeste\b|\bprogram(?:me)?\b|\bdeclaration\b|"
                             r"\bprinciples of\b|\bproclamation\b|\bto the (?:oppressed|workers|peoples?)\b|\bplatform\b", re.I)),
    ("letter", re.compile(r"\bletter\b|\blettre\b|\bbrief an\b|\bcarta\b|\bcircular\b|\bnote to\b|^to the editors?\b|"
                          r"\bto [A-Z][a-z]+ [A-Z][a-z]+,? \d|"
                          r"^to (?:the )?[A-Z][\w .'’-]{3,80}? (?:in|at) [A-Z][a-z]+", re.I)),  # "To the Federal Council … in Madrid"
    ("pamphlet", re.compile(r"\bpamphlet\b|\bbrochure\b|\bfolleto\b", re.I)),
    ("book-chapter", re.compile(r"^(?:(?:chapter|chapitre|part|book|section|appendix)\b|ch\.|[IVXLC]+\s*[.–—:-]\s|"
                                r"(?:preface|introduction|foreword|afterword)$)|[–—-]\s*(?:preface|introduction|"
                                r"foreword|afterword|chapter\b.*)$", re.I)),
]  # fmt: skip


_EDITORIAL_SIGNALS: list[tuple[str, re.Pattern[str]]] = [
    ("interview", re.compile(r"\binterview(?:ed)?\b", re.I)),
    (
        "speech",
        re.compile(r"\b(?:speech|speeches|address(?:ed)? (?:to|at|the)|lecture|speaks|spoke)\b", re.I),
    ),
    ("letter", re.compile(r"\bletters?\b", re.I)),  # not "wrote to": that is other correspondence
]
# "see his letter to Marx of March 8", "Engels' letters to Marx", "your reply to my letter", "in a
# letter to his son": another document the editor refers to, not this one (which is "the following
# letter", "this speech", "the speech delivered to …").
_OTHER_DOCUMENT = re.compile(
    r"(?:(?:\b(?:his|her|their|see|my|your|our)|[’']s?)\s+(?:\w+\s+)?|\ban?\s+)$", re.I
)


# A speaker's label opening a paragraph: "Q:", "Robreno:", "Dr Castro:", "Comrade Hempel [for the KAPD]:".
_SPEAKER = re.compile(
    r"^(?P<who>Q|A|Question|Answer|(?:(?:Dr|Mr|Mrs|Comrade|Citizen)\.?\s+)?[A-ZÀ-Þ][\w.'’-]*"
    r"(?:\s+[A-ZÀ-Þ][\w.'’-]*){0,2})(?:\s*\[[^\]]{0,40}\])?\s*:\s+\S"
)
_QUESTIONER = {"Q", "Question", "Interviewer", "Reporter"}
# A turn of reported dialogue: "-- But what's wrong with you? …": a dash, then some text.
_DASHES = ("--", "—", "–")
# A reporter writing up an interview: "I asked about his fiction", "I put it to him finally".
_REPORTER = re.compile(r"\bI (?:asked|put it to (?:him|her))\b|\b(?:he|she) (?:told|assured) me\b")
# What every match of `_REPORTER` holds: a text without any of them is not searched (a search
# led by \b tries every position of the whole text; these are found at C speed).
_REPORTER_WORDS = ("I asked", "I put it to ", "e told me", "e assured me")
_QUOTES = ("‘", "“", '"', "«")  # a paragraph opening with one is a quoted answer
# A text first published on its own: "Mezhdunarodnyi den' rabotnitz, Moscow 1920".
_STANDALONE = re.compile(
    r"^(?P<title>(?![^,;]*\bin\s)[^,;]{4,80}),\s*(?P<city>[A-Z][a-zà-ÿ]+(?:[ -][A-Z][a-zà-ÿ]+)?),?\s+\[?(?P<year>1[5-9]\d\d)\]?[.;]?$"
)


_WRITER_TO_ADDRESSEE = re.compile(
    r"^(?P<a>[A-ZÀ-Þ][\w.'’ -]{2,40}?) to (?P<b>[A-ZÀ-Þ][\w.'’ -]{2,40}?)(?=,|\s+\d|\s+in\s|\n|$)"
)


def dialogue_form(paragraphs: list[str]) -> str | None:
    """ "interview" for a conversation between two parties, "discussion" for more speakers; None for
    running prose. Judged by the shape of the paragraphs, not by their words."""
    if not paragraphs:
        return None
    turns = [m.group("who") for p in paragraphs if (m := _speaker(p))]
    speakers = {who for who in turns if who not in _QUESTIONER}
    questioned = any(who in _QUESTIONER for who in turns)
    dense = len(turns) >= 2 and len(turns) >= 0.3 * len(paragraphs)
    sustained = len(turns) >= 8 and sum(1 for who in set(turns) if turns.count(who) >= 3) >= 2
    if dense or sustained:
        if len(speakers) >= 3:
            return "discussion"
        if len(speakers) + questioned >= 2:
            return "interview"
    dashes = sum(1 for p in paragraphs if _dash_turn(p))
    if dashes >= 3 and dashes >= 0.3 * len(paragraphs):
        return "interview"
    quoted = sum(1 for p in paragraphs if p.startswith(_QUOTES))
    if quoted >= 0.15 * len(paragraphs) and _reported(" ".join(paragraphs)) >= 3:
        return "interview"
    return None


def _speaker(paragraph: str) -> re.Match[str] | None:
    """`_SPEAKER` at the paragraph's start; a paragraph without a colon is not searched (most
    paragraphs: told at C speed)."""
    return _SPEAKER.match(paragraph) if ":" in paragraph else None


def _dash_turn(paragraph: str) -> bool:
    """Whether the paragraph opens with a dash (`_DASHES`) and has text after it."""
    for dash in _DASHES:
        if paragraph.startswith(dash):
            rest = paragraph[len(dash) :]
            if rest and not rest.isspace():
                return True
    return False


def _reported(text: str) -> int:
    """How many times `text` has a reporter's "I asked", "she told me" (`_REPORTER`)."""
    if not any(words in text for words in _REPORTER_WORDS):
        return 0
    return len(_REPORTER.findall(text))


def interviewee(paragraphs: list[str]) -> str | None:
    """Who answers in a conversation under speaker labels: the one speaker whose turns are not
    questions ("Robreno: What make were those bombs?" / "Dr Castro: All right, look here …")."""
    answers: dict[str, int] = {}
    for p in paragraphs:
        if (m := _speaker(p)) and m.group("who") not in _QUESTIONER:
            answers.setdefault(m.group("who"), 0)
            if not p.rstrip().endswith("?"):
                answers[m.group("who")] += 1
    answering = [who for who, n in answers.items() if n]
    if len(answering) != 1:
        return None
    return re.sub(r"^(?:Dr|Mr|Mrs|Comrade|Citizen)\.?\s+", "", answering[0])


def published_alone(first_published: str | None) -> bool:
    """Whether the first publication was the text on its own (a pamphlet), not an issue of a periodical
    or a chapter of a book."""
    if not first_published:
        return False
    value = one_line(first_published)
    alone = _STANDALONE.match(value)
    return (
        alone is not None
        and alone.group("city").lower().split()[0] not in MONTHS  # "Freedom, January 1953" is an issue
        and not looks_like_periodical(alone.group("title"))  # "International Review, New York 1938"
        and not re.search(
            r"\b(?:book|collection|works|edition|volume|minutes|anthology)\b", alone.group("title"), re.I
        )
    )


def classify(
    title: str | None,
    headings: list[str],
    label_keys: set[str],
    has_salutation: bool,
    has_signature: bool,
    has_addressee: bool,
    source: str | None,
    body_start: str,
    editorial: str = "",
    paragraphs: list[str] | None = None,
    first_published: str | None = None,
    path: str = "",
) -> tuple[str, str]:
    """(doc_type, why) — the why is kept as provenance."""
    title = title or ""
    if re.search(r"\bletters?\b|\blettre\b|\bcarta\b", title, re.I):
        return "letter", "title:letter"
    if (
        (pair := _WRITER_TO_ADDRESSEE.match(title))
        and looks_like_name(pair.group("a"), 4)
        and looks_like_name(pair.group("b"), 5)
        and max(len(pair.group("a").split()), len(pair.group("b").split())) >= 2  # not "Passports to Utopia"
    ):
        return "letter", "title:writer-to-addressee"  # "Friedrich Engels to Eduard Bernstein"
    # An editor's introduction says what the text is ("… in the course of a recent speech …").
    # The first kind named wins: "The following letter speaks for the class loyalty of …".
    named = [
        (m.start(), kind)
        for kind, pattern in _EDITORIAL_SIGNALS
        for m in pattern.finditer(editorial)
        if not _OTHER_DOCUMENT.search(editorial[: m.start()])
        # A capital inside a sentence is a title quoted ("Essays Addressed to Volunteers").
        and not (m.group(0)[0].isupper() and not re.search(r"(?:^|[.!?:]\s+)$", editorial[: m.start()]))
    ]
    if named:
        kind = min(named)[1]
        return kind, f"editorial:{kind}"
    if re.search(r"\b(?:speaks|spoke) (?:to the following effect|as follows)\b", body_start, re.I):
        return "speech", "body:reported-speech"  # a press summary of a speech
    if re.match(r"^(?:my |our )?dear\b", body_start, re.I):
        return "letter", "anatomy:dear"
    if has_salutation and has_signature:
        return "letter", "anatomy:salutation+signature"
    about = (
        re.match(
            r"^(?:remarks|notes|comments?|critique|criticism|on|about|against|review|reply|answer|a note|"
            r"observations|defend|support|build|why|what|who|how|to what extent)\b",
            title,
            re.I,
        )
        or title.rstrip().endswith("?")  # "Why Does Labor Need a Program of Action?"
        or re.search(
            r"[’']s\s+(?:\w+\s+)?(?:program(?:me)?|manifesto|platform|declaration|theses)\b", title, re.I
        )
        or re.search(
            r"\.\s+[A-Z]", title
        )  # a newspaper's run of headlines: "Declaration of … Napoleon's Plans."
    )  # a text about a programme is not one
    for kind, pattern in _RULES:
        if about and kind in ("manifesto", "resolution"):
            continue
        if pattern.search(title):
            return kind, f"title:{kind}"
    form = dialogue_form(paragraphs or [])
    if form == "interview":
        return "interview", "form:dialogue"
    if form == "discussion":
        return "other", "form:discussion"
    if "delivered" in label_keys:
        return "speech", "header:delivered"
    if has_addressee or (has_salutation and has_signature):
        return "letter", "anatomy:salutation"
    for heading in headings:
        for kind, pattern in _RULES:
            # A subtitle names the text's kind at its start ("Speech delivered at …", "Letter to …");
            # further in, it is usually the subject ("A Note on a Passage in the Communist Manifesto").
            if kind != "book-chapter" and (match := pattern.search(heading)) and match.start() < 25:
                return kind, f"heading:{kind}"
    if re.match(r"^(?:comrades|citizens|friends|workers|ladies and gentlemen|my friends|citoyen(?:ne)?s|camarades|"
                r"compa[ñn]eros|compagni|genossen|товарищи)\b[^.]{0,40}[!,:]",
                body_start, re.I):  # fmt: skip
        return "speech", "anatomy:address"
    if re.search(
        r"\b(?:collected works|selected works|works,? vol|book|chapter|ch\.)\b", source or "", re.I
    ) and (re.search(r"\bch(?:apter)?\b|\bpart\b|preface|introduction", " ".join(headings) + title, re.I)):
        return "book-chapter", "source:book"
    if re.search(r"/(?:letters|correspondence|briefe|lettres|cartas)/", path, re.I):
        return "letter", "path:letters"  # archives file correspondence under letters/
    if re.search(r"(?:^|/)(?:ch|chap|chapter)[-_]?\d+[a-z]?\.\w+$", path, re.I):
        return "book-chapter", "path:chapter"  # archives name a book's chapters ch01.htm, chap2.html …
    if first_published and re.match(
        r"^as an? (?:introduction|preface|foreword|afterword)\b", first_published.strip(), re.I
    ):
        return (
            "other",
            "first-published:preface",
        )  # front matter of another's book: neither article nor chapter
    if re.search(r"\b(?:pamph?let|brochure|leaflet)\b", source or "", re.I):
        return "pamphlet", "source:pamphlet"  # "A Commune of London …, 16 pages SDF pamphlet"
    if published_alone(first_published):
        return "pamphlet", "first-published:alone"
    if source:
        return "article", "source:periodical"
    return "other", "default"
