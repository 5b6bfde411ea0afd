"""English: the header labels, month and season names, and name words archive pages write.

Each module of this package holds one language's words, under the same names: `LABELS` (canonical key ->
spellings), `MONTHS` (the twelve months, each a tuple of spellings), `SEASONS` (name -> EDTF season
code 21-24), `NAME_PARTICLES` and `PLACE_PARTICLES` (lower-case words inside a person's or a place's
name). `archivist.extract.lexicon` merges them.
"""

LABELS: dict[str, tuple[str, ...]] = {
    "written": ("written", "written on", "date written", "date", "dated", "composed", "written in",
                "written and first published", "written and published"),
    "discussed": ("discussed", "discussion", "conversation", "recorded on"),
    "delivered": ("delivered", "spoken", "speech delivered", "presented", "adopted", "read", "given", "held",
                  "recorded", "broadcast", "date delivered"),
    "source": ("source", "sources", "this version", "this edition", "text source", "from", "source text", "origin",
               "reprinted", "retitled and reprinted", "reproduced from", "copied from", "scanned from",
               "source of the translation", "translation source", "english version", "online source"),
    "first_published": ("first published", "originally published", "first publication", "published",
                        "publication", "first printed", "published in", "first appeared", "published first",
                        "first published in english", "original source", "original publication",
                        "also published", "first english publication", "first pub"),
    "translated": ("translated", "translation", "translated by", "translator", "translators",
                   "translated and transcribed", "translated and annotated", "english translation",
                   "translated from", "translated/edited", "translation/transcription",
                   "translation and transcription", "translated & transcribed"),
    "transcribed": ("transcription", "transcribed", "transcription/markup", "transcription/html markup",
                    "transcription/html", "transcriber", "transcribed by", "markup", "html markup", "html",
                    "digitalized by", "digitalised by", "online version", "transcription/mark-up",
                    "transcription & markup", "transcription and markup", "transcribed/html markup",
                    "transcription/editing", "transcribed & html markup", "mark up", "marked up", "html mark up",
                    "marked up by", "html-markup", "proofed and corrected", "ocr", "formatting", "e-text",
                    "digitized by", "conversion", "edited", "editor", "edited by", "prepared"),
    "rights": ("copyleft", "public domain", "copyright", "licence", "license", "copyright ©", "©"),
    "proofread": ("proofread", "proofed", "proofreading", "proofread by", "checked", "corrected",
                  "proofread and corrected"),
    "publisher": ("publisher", "published by"),
    "signed": ("signed",),
    "author": ("author", "author(s)", "authors"),
    "place": ("place", "location"),
    "collection": ("collection(s)", "collection", "collections"),
    "notes": ("note", "notes", "editor's note", "editors' note", "translator's note", "translator’s note",
              "introduction", "note by the editors", "n.b.", "comment"),
}  # fmt: skip

# A line or sentence that goes on with the source statement before it: a later reprint or the original
# publication of the text the source names ("From Revolutionary History, Vol. 5 No. 3." /
# "Originally published in Clarté …"). The source statement keeps it.
SOURCE_CONTINUATIONS: tuple[str, ...] = ("reprinted in", "republished in", "originally published in")

# Words of a source statement that names where a copy is held, not where the text was published
# ("Source: Antonie Pannekoek Archives", "Microfilm collection … provided by the Holt Labor Library",
# "Reproduced from the newspaper"): with no date or number, a first publication stated beside it wins.
HOLDINGS: tuple[str, ...] = ("archive", "archives", "library", "microfilm", "reproduced from the newspaper")

# What a publication is, in words that describe it before its name ("the newspaper La Justice", "the
# quarterly literary magazine Gangrel", "as a leading article in The Labour Standard").
PUBLICATION_KINDS: tuple[str, ...] = ("newspaper", "magazine", "journal", "review", "periodical", "article")

MONTHS: tuple[tuple[str, ...], ...] = (
    ("january", "jan"), ("february", "feb", "febr"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
    ("november", "nov"), ("december", "dec"),
)  # fmt: skip

SEASONS: dict[str, int] = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}

NAME_PARTICLES: tuple[str, ...] = ()
PLACE_PARTICLES: tuple[str, ...] = ("on", "upon", "near", "in")  # "Newcastle upon Tyne"

# Capitalised words of headings, slogans and page furniture that are not part of a person's name.
NOT_NAMES: tuple[str, ...] = (
    "the", "a", "an", "of", "and", "to", "in", "on", "for", "with", "by", "from", "at", "is", "are", "was",
    "long", "live", "down", "all", "our", "we", "you", "workers", "comrades", "proletarians", "forward",
    "contents", "notes", "footnotes", "index", "introduction", "preface", "chapter", "part", "section",
    "appendix", "explanation", "top", "next", "previous", "back", "home", "archive", "source", "yours",
    "day", "international", "women", "woman", "party", "movement", "letter", "letters", "speech", "revolution",
    "question", "history", "problems", "war", "peace", "state", "union", "congress", "conference", "national",
    "correspondence", "works", "collected", "selected", "internet", "manifesto", "programme", "program",
    "resolution", "theses", "report", "article", "articles", "press", "review", "interview", "early",
    "years", "discussion", "editorial", "committee", "council", "league", "socialism", "communism", "capital",
    "labor", "labour", "new", "old", "against", "why", "what", "how", "who", "when", "where", "it", "this",
    "reply", "answer", "rejoinder", "response", "statement",
)  # fmt: skip
