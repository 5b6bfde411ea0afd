"""Russian: see `archivist.extract.lexicon.en` for what each name holds."""

LABELS: dict[str, tuple[str, ...]] = {
    "written": ("написано",),
}

# Nominative, genitive ("14 сентября 1939") and prepositional ("в сентябре").
MONTHS: tuple[tuple[str, ...], ...] = (
    ("январь", "января", "январе"), ("февраль", "февраля", "феврале"), ("март", "марта", "марте"),
    ("апрель", "апреля", "апреле"), ("май", "мая", "мае"), ("июнь", "июня", "июне"), ("июль", "июля", "июле"),
    ("август", "августа", "августе"), ("сентябрь", "сентября", "сентябре"), ("октябрь", "октября", "октябре"),
    ("ноябрь", "ноября", "ноябре"), ("декабрь", "декабря", "декабре"),
)  # fmt: skip

SEASONS: dict[str, int] = {}

NAME_PARTICLES: tuple[str, ...] = ()
PLACE_PARTICLES: tuple[str, ...] = ()
