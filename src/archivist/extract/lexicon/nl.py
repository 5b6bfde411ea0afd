"""Dutch: see `archivist.extract.lexicon.en` for what each name holds."""

LABELS: dict[str, tuple[str, ...]] = {}

MONTHS: tuple[tuple[str, ...], ...] = ()

SEASONS: dict[str, int] = {}

NAME_PARTICLES: tuple[str, ...] = ("van", "ten", "ter")
PLACE_PARTICLES: tuple[str, ...] = ()
