"""Italian: see `archivist.extract.lexicon.en` for what each name holds."""

LABELS: dict[str, tuple[str, ...]] = {
    "written": ("scritto",),
    "source": ("fonte",),
    "translated": ("traduzione",),
    "rights": ("pubblico dominio",),
}

MONTHS: tuple[tuple[str, ...], ...] = (
    ("gennaio",), ("febbraio",), ("marzo",), ("aprile",), ("maggio",), ("giugno",), ("luglio",), ("agosto",),
    ("settembre",), ("ottobre",), ("novembre",), ("dicembre",),
)  # fmt: skip

SEASONS: dict[str, int] = {}

NAME_PARTICLES: tuple[str, ...] = ("del", "della", "da", "di", "e")
PLACE_PARTICLES: tuple[str, ...] = ("da", "del", "di")
