"""Icelandic (`is` is a Python keyword): see `archivist.extract.lexicon.en` for what each name holds."""

LABELS: dict[str, tuple[str, ...]] = {
    "written": ("skrifaður", "skrifað"),
    "first_published": ("fyrstur útgefandi",),
    "translated": ("þýða við", "þýðing"),
    "transcribed": ("stafrænn texti við",),
    "author": ("höfundur",),
}

MONTHS: tuple[tuple[str, ...], ...] = (
    ("janúar",), ("febrúar",), ("mars",), ("apríl",), ("maí",), ("júní",), ("júlí",), ("ágúst",),
    ("september",), ("október",), ("nóvember",), ("desember",),
)  # fmt: skip

SEASONS: dict[str, int] = {}

NAME_PARTICLES: tuple[str, ...] = ()
PLACE_PARTICLES: tuple[str, ...] = ()
