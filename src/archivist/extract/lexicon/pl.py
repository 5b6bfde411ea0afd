"""Polish: see `archivist.extract.lexicon.en` for what each name holds."""

LABELS: dict[str, tuple[str, ...]] = {
    "first_published": ("opublikowano",),
}

MONTHS: tuple[tuple[str, ...], ...] = ()

SEASONS: dict[str, int] = {}

NAME_PARTICLES: tuple[str, ...] = ()
PLACE_PARTICLES: tuple[str, ...] = ()
