"""The words the mentions stage reads, kept as data apart from the code that applies them.

Each list names one convention of the pages: words that make a capitalised sequence anything but a
person's name, words that are not given names, citation words of scholarly apparatus in several
languages, the titles before a name by language, and the cues that put a periodical's title next.
"""

from __future__ import annotations

# A capitalised sequence with one of these words is no person's name (organisations, works, places,
# bodies, doctrines, page furniture).
NOT_PERSON_WORDS = {
    "the", "of", "and", "in", "on", "for", "party", "committee", "congress", "union", "league", "international",
    "soviet", "soviets", "government", "state", "army", "revolution", "war", "republic", "street", "press",
    "archive", "internet", "works", "collected", "volume", "edition", "letter", "letters", "note", "notes",
    "chapter", "part", "section", "introduction", "preface", "appendix", "editor", "editors", "marxists",
    "zeitung", "gazette", "times", "review", "journal", "tribune", "herald", "news", "daily", "weekly", "world",
    "markup", "html", "museum", "lane", "road", "square", "woods", "verlag", "headquarters", "proofread",
    "proofreader", "transcribed", "transcription", "library", "publishers", "publishing", "villas", "trust", "fund",
    "foundation", "institute", "college", "university", "school", "hall", "house", "avenue", "park", "bridge",
    "company", "ltd", "inc", "bank", "brothers", "rib", "ludu", "czar", "tsar", "tsarina", "emperor", "pope",
    "king", "queen", "god", "lord", "christ", "marxism", "leninism", "trotskyism", "stalinism", "communism",
    "socialism", "capitalism", "anarchism", "abstract", "county", "province", "district", "river", "lake", "mount",
    "island", "islands", "contents", "index", "footnotes", "glossary", "public", "domain", "ed", "bibliography",
    "writings", "statutes", "fort", "tableau", "hence", "blue", "book", "hill", "ancient", "hegelian",
    "editorial", "staff", "board", "ties", "pact", "bolsheviks", "mensheviks", "communists", "socialists", "opposition", "bureau", "council",
    "association", "society", "societies", "federation", "club", "verein", "gesellschaft", "société", "syndicat",
    "factory", "mills", "order", "cathedral", "palace", "prospect", "narodniki", "narodnik", "bolsheviki",
    "mensheviki", "chartists", "jacobins", "girondins", "communards", "fenians", "luddites", "decembrists",
    "translations", "translation", "exchange", "info", "project", "group", "collective", "team", "network",
    "online", "web", "website", "archives", "centre", "center", "services", "digital", "marxist", "leninist",
}  # fmt: skip

# Streets and squares in the languages of the pages: "Rue de la Paix", "Unter den Linden" is a place.
STREET_WORDS = {
    "rue", "boulevard", "quai", "faubourg", "impasse", "allée", "chaussée", "strasse", "straße", "gasse", "platz",
    "allee", "ufer", "via", "viale", "piazza", "corso", "vicolo", "calle", "plaza", "paseo", "ulitsa", "prospekt",
    "naberezhnaya", "ploshchad", "pereulok", "улица", "проспект", "площадь", "переулок", "набережная",
}  # fmt: skip

# The apparatus of references: "Ibid.", "Op. cit.", "Ebenda", "A.a.O." are nobody.
CITATION_WORDS = {
    "ibid", "ibidem", "idem", "id", "op", "cit", "loc", "passim", "supra", "infra", "vide", "cf", "sic", "ib",
    "ebenda", "ebd", "vgl", "aao", "ibíd", "ídem", "cfr", "ivi", "там", "же", "см",
}  # fmt: skip

NOT_GIVEN = {
    "dear", "dearest", "my", "cher", "chère", "lieber", "liebe", "werter", "caro", "cara", "querido",
    "to", "from", "by", "and", "with", "citizen", "comrade", "old", "young", "poor", "good", "great",
    "though", "although", "but", "yet", "when", "while", "if", "as", "then", "since", "after", "before",
    "where", "here", "there", "this", "that", "these", "those", "what", "which", "who", "the", "a", "an",
    "so", "also", "now", "only", "even", "both", "all", "every", "no", "not", "let", "perhaps", "for",
    "in", "on", "at", "of", "our", "your", "his", "her", "their", "its", "we", "you", "he", "she", "they",
    "i", "it", "mr", "mrs", "herr", "frau", "monsieur", "madame", "dr", "how", "why", "whether",
}  # fmt: skip

# Capitalised common words spaCy takes for a lone surname.
COMMON_CAPITALISED = {
    "majesty", "highness", "excellency", "bourgeois", "mark", "constable", "sir", "madam", "lordship", "ladyship",
    "providence", "heaven", "fate", "nature", "reason", "liberty",
}  # fmt: skip

# "General Strike" is no general: the nouns that follow "General" as an adjective.
GENERAL_NOUNS = {
    "strike", "strikes", "election", "elections", "assembly", "secretary", "secretariat", "staff", "council",
    "federation", "confederation", "meeting", "post", "public", "will", "line", "rules", "association", "union",
    "theory", "history", "headquarters", "motors", "electric",
}  # fmt: skip

# Words before a name that make it many people or a type, not one person: "the Mahoneys and Shermans",
# "six million Johnny Thomases", "les Mirabau".
PLURAL_DETERMINERS = {
    "the", "these", "those", "such", "many", "all", "few", "some", "other", "two", "three", "four", "five", "six",
    "seven", "eight", "nine", "ten", "dozen", "hundred", "hundreds", "thousand", "thousands", "million", "millions",
    "les", "des", "ces", "die", "den",
}  # fmt: skip

# The function words of the languages whose titles English pages quote ("Sang Froid et Discipline",
# "Qui Vive?"): a capitalised phrase made of these and common words of that language is a title.
FUNCTION_WORDS = {
    "fr": {"qui", "que", "quoi", "de", "la", "le", "les", "l", "du", "des", "d", "et", "ou", "à", "au", "aux", "en",
           "sur", "sous", "pour", "par", "sans", "avec", "un", "une", "ce", "cette", "ces", "est", "il", "elle",
           "nous", "vous", "ils", "ne", "pas", "plus", "dans", "mon", "ma", "notre", "votre", "leur"},
}  # fmt: skip

# Where a periodical's title comes next in running text: "No. 42 of Qui Vive?", "the May issue of".
ISSUE_CUE = (
    r"\b(?:(?:No\.?|Nos\.|Number|numéro|Nr\.|Heft)[ \t]*\d+|[Ii]ssues?|numéros?)[ \t]+(?:of|de|du|des|der|von)[ \t]+"
    r"(?:the[ \t]+|la[ \t]+|le[ \t]+|l['’]|die[ \t]+|der[ \t]+)?"
)

# Personifications, stock names and figures of fiction and myth often cited: figures of speech, not people
# ("John Bull", "Uncle Sam", "a Jean Valjean", "Nozdrev").
FIGURES = {
    "john bull", "uncle sam", "brother jonathan", "jacques bonhomme", "tommy atkins", "mrs grundy", "jack tar",
    "joe public", "john doe", "richard roe", "john citizen", "joe bloggs", "joe blow", "john q public",
    "deutscher michel", "jean crapaud", "johnny crapaud", "ivan ivanovich", "mother russia", "father christmas",
    "old nick", "jack frost", "john barleycorn", "mr everyman", "monsieur prudhomme", "joseph prudhomme",
    "uncle shylock", "jean valjean", "nozdrev", "chichikov", "manilov", "sobakevich", "khlestakov", "oblomov",
    "don quixote", "sancho panza", "falstaff", "shylock", "robinson crusoe", "micawber", "pecksniff", "gradgrind",
    "bounderby", "tartuffe", "candide", "pangloss", "mephistopheles", "don juan", "gulliver", "rocambole",
    "vautrin", "rastignac", "monte cristo", "pickwick", "scrooge", "uriah heep", "fagin", "sisyphus", "moloch",
    "mammon", "figaro", "harpagon", "dogberry", "bottom", "caliban", "prospero", "tom thumb", "simple simon",
}  # fmt: skip

# Titles before a name, by language, as the pages write them: the rule that finds people where no
# pipeline does (German, Italian, Russian) and where spaCy misses them. A full stop may follow a title;
# an abbreviation written here with its full stop must have it ("On." but not "On Monday").
NAME_TITLES = {
    "en": ("Mr", "Mrs", "Miss", "Ms", "Dr", "Comrade", "Citizen", "Prof", "Professor", "Captain", "Capt", "Colonel",
           "Sir", "Lord", "Lady"),
    "de": ("Herr", "Herrn", "Hr.", "Hrn.", "Frau", "Fräulein", "Frl.", "Genosse", "Genossin"),
    "fr": ("Monsieur", "Mme", "Madame", "Mlle", "Citoyen", "Citoyenne", "Camarade"),
    "it": ("Signor", "Signora", "Sig.", "Sig.ra", "Onorevole", "On.", "Compagno", "Compagna"),
    "es": ("Señor", "Señora", "Sr.", "Sra.", "Compañero", "Compañera"),
    "ru": ("Товарищ", "Тов", "Господин", "Гражданин"),
}  # fmt: skip
# Titles the Romance languages write in lower case in running text ("le citoyen Blanqui", "il compagno
# Gramsci", "el compañero Nin").
LOWER_NAME_TITLES = ("citoyen", "citoyenne", "camarade", "compagno", "compagna", "compañero", "compañera",
                     "onorevole", "товарищ", "тов.")  # fmt: skip

# Offices and kinship a title may stand before instead of a name ("Herr Präsident", "Hr. Director Stoll",
# "Ihres Herrn Vaters"): skipped before the name, and no name alone.
OFFICES = {
    "präsident", "president", "präsidenten", "vizepräsident", "regierungs", "regierungsrath", "regierungsrat",
    "regierungspräsident", "schultheiß", "schultheiss", "geheimrath", "geheimrat", "rath", "rat", "bundesrath",
    "bundesrat", "direktor", "director", "directeur", "direttore", "ingenieur", "ingénieur", "ingegnere", "ing",
    "ingr", "doktor", "doctor", "dottore", "pfarrer", "landammann", "stadtpräsident", "oberst", "major",
    "hauptmann", "general", "minister", "ministre", "ministro", "kollege", "college", "collega", "professor",
    "professeur", "graf", "baron", "avocat", "justice", "chief", "chancellor",
    "advokat", "notar", "consul", "konsul", "gesandte", "gesandter", "abgeordnete", "abgeordneter",
    "redakteur", "redacteur", "rédacteur", "sekretär", "secretär", "secrétaire", "segretario", "kassier",
    "verwalter", "obmann", "ständerath", "nationalrath", "staatsrath", "conseiller", "consigliere", "deputato",
    "député", "maire", "sindaco", "bürgermeister", "comte", "conte", "marchese", "principe", "prince",
}  # fmt: skip

# Kinship after a title: no name follows ("Ihres Herrn Vaters", "Frau Mutter", "Monsieur votre père").
KIN = {
    "vater", "vaters", "mutter", "sohn", "sohnes", "bruder", "bruders", "schwester", "vetter", "onkel", "tante",
    "schwager", "gemahl", "gemahlin", "gatte", "gattin", "votre", "son", "sa", "padre", "figlio", "fratello",
}  # fmt: skip

# Abbreviated given names before a surname ("Wm. Paul", "Geo. Lansbury", "Dr Alfr. Escher").
GIVEN_ABBREVIATIONS = (
    "Wm", "Geo", "Chas", "Thos", "Jas", "Jno", "Jos", "Edw", "Robt", "Benj", "Saml", "Richd", "Danl", "Alfr",
    "Fr", "Frdr", "Friedr", "Wilh", "Hch", "Heinr", "Joh", "Ch", "Aug", "Alex", "Nic", "Nik", "Const",
)  # fmt: skip
