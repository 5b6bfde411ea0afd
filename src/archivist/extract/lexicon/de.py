"""German: see `archivist.extract.lexicon.en` for what each name holds."""

LABELS: dict[str, tuple[str, ...]] = {
    "written": ("geschrieben", "verfasst"),
    "delivered": ("gehalten",),
    "source": ("quelle",),
    "first_published": ("erstveröffentlichung",),
    "translated": ("übersetzt", "übersetzung"),
    "publisher": ("verlag",),
    "author": ("autor",),
}

MONTHS: tuple[tuple[str, ...], ...] = (
    ("januar", "jänner"), ("februar",), ("märz", "marz"), ("april",), ("mai",), ("juni",), ("juli",),
    ("august",), ("september",), ("oktober",), ("november",), ("dezember",),
)  # fmt: skip

SEASONS: dict[str, int] = {}

NAME_PARTICLES: tuple[str, ...] = ("von", "der")
PLACE_PARTICLES: tuple[str, ...] = ("am", "an", "der")  # "Frankfurt am Main", "Frankfurt an der Oder"
