"""Spanish: see `archivist.extract.lexicon.en` for what each name holds."""

LABELS: dict[str, tuple[str, ...]] = {
    "written": ("redacción", "redactado", "escrito"),
    "delivered": ("pronunciado",),
    "source": ("fuente", "fuente del texto"),
    "first_published": ("publicado", "primera edición", "publicado por primera vez"),
    "translated": ("traducido", "traducido al castellano"),
    "transcribed": ("edición digital",),
    "rights": ("dominio público",),
    "publisher": ("editorial",),
    "author": ("autor",),
}

MONTHS: tuple[tuple[str, ...], ...] = (
    ("enero", "ene"), ("febrero",), ("marzo",), ("abril",), ("mayo",), ("junio",), ("julio",), ("agosto",),
    ("septiembre", "setiembre"), ("octubre",), ("noviembre",), ("diciembre",),
)  # fmt: skip

SEASONS: dict[str, int] = {"primavera": 21, "verano": 22, "otoño": 23, "invierno": 24}

NAME_PARTICLES: tuple[str, ...] = ("de", "del", "la", "y")
PLACE_PARTICLES: tuple[str, ...] = ("de", "del", "la", "y")  # "Santiago de Chile"
