"""French: see `archivist.extract.lexicon.en` for what each name holds."""

LABELS: dict[str, tuple[str, ...]] = {
    "written": ("écrit", "rédigé"),
    "delivered": ("prononcé",),
    "first_published": ("première publication", "publié"),
    "translated": ("traduction", "traduit"),
    "transcribed": ("transcrit", "mise en ligne"),
    "rights": ("domaine public",),
    "publisher": ("éditeur",),
    "author": ("auteur",),
    "place": ("lieu",),
}

MONTHS: tuple[tuple[str, ...], ...] = (
    ("janvier", "janv"), ("février", "fevrier", "févr"), ("mars",), ("avril",), ("mai",), ("juin",),
    ("juillet",), ("août", "aout"), ("septembre",), ("octobre",), ("novembre",), ("décembre", "decembre", "déc"),
)  # fmt: skip

SEASONS: dict[str, int] = {"printemps": 21, "été": 22, "automne": 23, "hiver": 24}

NAME_PARTICLES: tuple[str, ...] = ("de", "du", "le", "la")
PLACE_PARTICLES: tuple[str, ...] = ("de", "la", "le", "sur")
