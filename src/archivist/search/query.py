"""The query language: parsed into a small tree, then compiled into a tantivy query.

    repression dialectic                  words (all of them, stemmed per document language)
    "Left Opposition"   "a b"~3           phrases (folded, not stemmed); ~n lets n words in between
    syndicalis*                           prefix of a word as written
    a AND b, a OR b, NOT a, -a, ( … )     boolean logic; juxtaposition means AND
    dialectic NEAR/5 repression           both within 5 words, either order
    author: title: source: place: translator:   words of that field ("quoted" for a phrase)
    year:1933  year:1930..1934  year:..1917     one year or a range
    date:1933  date:1933-03  date:1933-03-15    ISO date, partial allowed
    type:letter  lang:en (or lang:english)  part:editorial-note

A query that cannot be read raises `QuerySyntaxError` with one line naming the place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import tantivy

from archivist.model import DOC_TYPES, PART_KINDS
from archivist.search.analysis import (
    EXACT,
    FOLD,
    LANGUAGE_NAMES,
    STEMMERS,
    STOPWORDS,
    Matcher,
    analyse,
    stem_field,
)
from archivist.search.index import QuerySyntaxError

TEXT_FIELDS = {
    "author": "authors",
    "title": "title",
    "source": "source",
    "place": "place",
    "translator": "translator",
}
FIELDS = (*TEXT_FIELDS, "year", "date", "type", "lang", "part", "entity")
TITLE_BOOST = 2.0
CONTEXT_BOOST = 0.5


# -- the tree ----------------------------------------------------------------------------------------
@dataclass
class Word:
    text: str
    prefix: bool = False


@dataclass
class Phrase:
    text: str
    slop: int = 0


@dataclass
class Near:
    items: list[Word | Phrase]
    distance: int


@dataclass
class Fielded:
    name: str
    value: str
    quoted: bool = False


@dataclass
class Not:
    child: Node


@dataclass
class And:
    children: list[Node] = field(default_factory=list)
    explicit: bool = False  # written with AND, not by juxtaposition


@dataclass
class Or:
    children: list[Node] = field(default_factory=list)


Node = Word | Phrase | Near | Fielded | Not | And | Or


# -- lexing ------------------------------------------------------------------------------------------
@dataclass
class Token:
    kind: str  # word, phrase, field, lparen, rparen, and, or, not, near, minus
    value: str
    column: int  # 1-based
    slop: int = 0
    name: str = ""
    quoted: bool = False


_NEAR = re.compile(r"NEAR/(\d+)$")
_SPECIAL = set('()"')


def _error(message: str, column: int | None = None) -> QuerySyntaxError:
    return QuerySyntaxError(f"query: {message}" + (f" (column {column})" if column else ""))


def _read_quoted(q: str, i: int) -> tuple[str, int, int]:
    """From the opening quote at i: the text, the index after the closing quote (and ~n), slop."""
    end = q.find('"', i + 1)
    if end < 0:
        raise _error('unclosed quote: add the closing "', i + 1)
    text = q[i + 1 : end]
    j = end + 1
    slop = 0
    m = re.match(r"~(\d+)", q[j:])
    if m:
        slop = int(m.group(1))
        j += m.end()
    elif q[j : j + 1] == "~":
        raise _error('~ after a phrase needs a number, as in "left opposition"~3', j + 1)
    return text, j, slop


def lex(q: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(q):
        c = q[i]
        if c.isspace():
            i += 1
            continue
        if c == "(":
            tokens.append(Token("lparen", c, i + 1))
            i += 1
            continue
        if c == ")":
            tokens.append(Token("rparen", c, i + 1))
            i += 1
            continue
        if c == '"':
            text, j, slop = _read_quoted(q, i)
            tokens.append(Token("phrase", text, i + 1, slop=slop))
            i = j
            continue
        if (
            c == "-"
            and i + 1 < len(q)
            and not q[i + 1].isspace()
            and (i == 0 or q[i - 1].isspace() or q[i - 1] == "(")
        ):
            tokens.append(Token("minus", c, i + 1))
            i += 1
            continue
        j = i
        while j < len(q) and not q[j].isspace() and q[j] not in _SPECIAL:
            j += 1
        raw = q[i:j]
        m = re.match(r"([A-Za-z_]+):(.*)$", raw)
        if m and m.group(1).lower() in FIELDS:
            name, value = m.group(1).lower(), m.group(2)
            if value == "" and j < len(q) and q[j] == '"':
                value, j, _slop = _read_quoted(q, j)
                tokens.append(Token("field", value, i + 1, name=name, quoted=True))
            else:
                tokens.append(Token("field", value, i + 1, name=name))
            if not value.strip():
                raise _error(f"{name}: needs a value, as in {name}:{_EXAMPLES.get(name, 'word')}", i + 1)
            i = j
            continue
        if m and not re.match(r"https?$", m.group(1), re.I):
            raise _error(
                f"unknown field '{m.group(1)}:'; fields are {', '.join(f + ':' for f in FIELDS)}", i + 1
            )
        if raw in ("AND", "&&"):
            tokens.append(Token("and", raw, i + 1))
        elif raw in ("OR", "||"):
            tokens.append(Token("or", raw, i + 1))
        elif raw == "NOT":
            tokens.append(Token("not", raw, i + 1))
        elif raw.startswith("NEAR"):
            near = _NEAR.match(raw)
            if not near:
                raise _error(f"'{raw}': write NEAR/n with a number of words, as in NEAR/5", i + 1)
            tokens.append(Token("near", near.group(1), i + 1))
        else:
            tokens.append(Token("word", raw, i + 1))
        i = j
    return tokens


_EXAMPLES = {"author": "trotsky", "title": "manifesto", "source": '"Socialist Appeal"', "place": "Paris",
             "translator": "Wright", "year": "1930..1934", "date": "1933-03", "type": "letter", "lang": "en",
             "part": "footnote", "entity": "name"}  # fmt: skip


# -- parsing ------------------------------------------------------------------------------------------
class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> Node:
        node = self.or_expr()
        token = self.peek()
        if token is not None:
            if token.kind == "rparen":
                raise _error("unexpected ')': there is no '(' before it", token.column)
            raise _error(f"unexpected '{token.value}'", token.column)
        return node

    def or_expr(self) -> Node:
        children = [self.and_expr()]
        while (token := self.peek()) is not None and token.kind == "or":
            self.take()
            if self.peek() is None or self.peek().kind in ("rparen", "or", "and"):  # type: ignore[union-attr]
                raise _error("OR needs a term on both sides", token.column)
            children.append(self.and_expr())
        return children[0] if len(children) == 1 else Or(children)

    def and_expr(self) -> Node:
        children = [self.unary()]
        explicit = False
        while (token := self.peek()) is not None and token.kind not in ("or", "rparen"):
            if token.kind == "and":
                explicit = True
                self.take()
                nxt = self.peek()
                if nxt is None or nxt.kind in ("rparen", "or", "and"):
                    raise _error("AND needs a term on both sides", token.column)
            children.append(self.unary())
        return children[0] if len(children) == 1 else And(children, explicit)

    def unary(self) -> Node:
        token = self.peek()
        if token is None:
            raise _error("the query ends where a term was expected")
        if token.kind in ("not", "minus"):
            self.take()
            if self.peek() is None or self.peek().kind in ("rparen", "or", "and"):  # type: ignore[union-attr]
                raise _error(f"{token.value} needs a term after it", token.column)
            return Not(self.unary())
        return self.near()

    def near(self) -> Node:
        first = self.atom()
        items: list[Word | Phrase] = []
        distance = 0
        while (token := self.peek()) is not None and token.kind == "near":
            self.take()
            if not isinstance(first, Word | Phrase):
                raise _error("NEAR joins words or phrases", token.column)
            if not items:
                items.append(first)
            nxt = self.atom()
            if not isinstance(nxt, Word | Phrase) or (isinstance(nxt, Word) and nxt.prefix):
                raise _error("NEAR joins words or phrases (no prefixes, fields or groups)", token.column)
            items.append(nxt)
            distance = max(distance, int(token.value))
        if items:
            if isinstance(first, Word) and first.prefix:
                raise _error("NEAR joins words or phrases (no prefixes)", None)
            return Near(items, distance)
        return first

    def atom(self) -> Node:
        token = self.peek()
        if token is None:
            raise _error("the query ends where a term was expected")
        if token.kind == "lparen":
            self.take()
            if self.peek() is not None and self.peek().kind == "rparen":  # type: ignore[union-attr]
                raise _error("empty parentheses", token.column)
            node = self.or_expr()
            close = self.peek()
            if close is None or close.kind != "rparen":
                raise _error("unmatched '(': add the closing ')'", token.column)
            self.take()
            return node
        if token.kind in ("and", "or", "near", "rparen"):
            what = "')'" if token.kind == "rparen" else token.value
            raise _error(f"{what} needs a term before it", token.column)
        self.take()
        if token.kind == "phrase":
            if not analyse(EXACT, token.value):
                raise _error("empty phrase", token.column)
            return Phrase(token.value, token.slop)
        if token.kind == "field":
            return _check_field(token)
        text = token.value
        if text.endswith("*"):
            stem = text.rstrip("*")
            if "*" in stem or len(analyse(EXACT, stem)) != 1 or len(analyse(EXACT, stem)[0]) < 2:
                raise _error(
                    f"'{text}': a prefix is one word of at least two letters followed by *", token.column
                )
            return Word(stem, prefix=True)
        if "*" in text:
            raise _error(f"'{text}': * only at the end of a word", token.column)
        if not analyse(EXACT, text):
            raise _error(f"'{text}' has no letters or digits to search for", token.column)
        return Word(text)


_YEAR_RANGE = re.compile(r"^(\d{1,4})?(?:\.\.|–|-(?=\d{4}$))(\d{1,4})?$")
_ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _check_field(token: Token) -> Fielded:
    name, value = token.name, token.value.strip()
    if name == "year":
        if not (value.isdigit() and len(value) <= 4):
            m = _YEAR_RANGE.match(value)
            if not m or not (m.group(1) or m.group(2)):
                raise _error(f"year: expects a year or a range like 1930..1934, got '{value}'", token.column)
            lo, hi = m.group(1), m.group(2)
            if lo and hi and int(lo) > int(hi):
                raise _error(f"year:{value}: the range runs backwards", token.column)
    elif name == "date":
        if not _ISO.match(value):
            raise _error(
                f"date: expects an ISO date like 1933, 1933-03 or 1933-03-15, got '{value}'", token.column
            )
    elif name == "type":
        if value.lower() not in DOC_TYPES:
            raise _error(f"type:{value}: unknown type; types are {', '.join(DOC_TYPES)}", token.column)
    elif name == "part":
        if value.lower() not in PART_KINDS:
            raise _error(f"part:{value}: unknown part; parts are {', '.join(PART_KINDS)}", token.column)
    elif name == "lang":
        code = LANGUAGE_NAMES.get(value.lower(), value.lower())
        if not re.fullmatch(r"[a-z]{2,3}", code):
            raise _error(
                f"lang:{value}: give an ISO code (en, fr, de, ru, …) or a language name", token.column
            )
    elif not analyse(FOLD, value):
        raise _error(f"{name}:{value} has no letters or digits to search for", token.column)
    return Fielded(name, value, token.quoted)


def parse(query: str) -> Node | None:
    """The query's tree, or None for an empty query."""
    tokens = lex(query)
    if not tokens:
        return None
    return _Parser(tokens).parse()


# -- compiling -----------------------------------------------------------------------------------------
@dataclass
class Compiled:
    query: tantivy.Query
    matcher: Matcher
    has_text: bool  # False: only fields (filters), every match scores the same
    filters_part: bool  # a part: filter, which applies to passages rather than documents
    relaxable: bool = False  # words joined by juxtaposition only: may be relaxed to any of them


class Compiler:
    def __init__(self, schema: tantivy.Schema, languages: list[str], default_and: bool = True) -> None:
        self.schema = schema
        self.languages = [lang for lang in languages if lang in STEMMERS]
        self.default_and = default_and
        self.matcher = Matcher()
        self.has_text = False
        self.filters_part = False

    def compile(self, node: Node, negated: bool = False) -> tantivy.Query:
        if isinstance(node, Word):
            return self.word(node, negated)
        if isinstance(node, Phrase):
            return self.phrase(analyse(EXACT, node.text), node.slop, negated)
        if isinstance(node, Near):
            return self.near(node, negated)
        if isinstance(node, Fielded):
            return self.fielded(node)
        if isinstance(node, Not):
            inner = self.compile(node.child, negated=not negated)
            return tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, tantivy.Query.all_query()), (tantivy.Occur.MustNot, inner)]
            )
        if isinstance(node, And):
            clauses = []
            for child in node.children:
                if isinstance(child, Not):
                    clauses.append((tantivy.Occur.MustNot, self.compile(child.child, negated=not negated)))
                else:
                    occur = (
                        tantivy.Occur.Must
                        if self.default_and or isinstance(child, Fielded)
                        else tantivy.Occur.Should
                    )
                    clauses.append((occur, self.compile(child, negated)))
            if all(occur == tantivy.Occur.MustNot for occur, _ in clauses):
                clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
            return tantivy.Query.boolean_query(clauses)
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, self.compile(c, negated)) for c in node.children]
        )

    def _term(self, field_name: str, value: str) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, field_name, value)

    def _tokens_query(self, field_name: str, tokens: list[str], slop: int = 0) -> tantivy.Query:
        if len(tokens) == 1:
            return self._term(field_name, tokens[0])
        return tantivy.Query.phrase_query(self.schema, field_name, list[str | tuple[int, str]](tokens), slop)

    def word(self, node: Word, negated: bool) -> tantivy.Query:
        if not negated:
            self.has_text = True
        folded = analyse(EXACT, node.text)
        if node.prefix:
            if not negated:
                self.matcher.prefixes.add(folded[0])
            # a one-word phrase prefix: a range of the term dictionary (no regex automaton to build)
            return tantivy.Query.boolean_query([
                (tantivy.Occur.Should, tantivy.Query.phrase_prefix_query(self.schema, EXACT, [folded[0]])),
                (tantivy.Occur.Should, tantivy.Query.boost_query(
                    tantivy.Query.phrase_prefix_query(self.schema, "title", [folded[0]]), TITLE_BOOST)),
            ])  # fmt: skip
        if not negated:
            self.matcher.exact.update(folded)
        if len(folded) == 1 and folded[0] in STOPWORDS:
            # a function word: as written, in the passage's text only (its stems, and its
            # occurrences in titles and metadata, tell nothing; their postings cost the most)
            return self._tokens_query(EXACT, folded)
        clauses = [(tantivy.Occur.Should, self._tokens_query(EXACT, folded))]
        for lang in self.languages:
            stems = analyse(stem_field(lang), node.text)
            if stems:
                clauses.append((tantivy.Occur.Should, self._tokens_query(stem_field(lang), stems)))
                if not negated:
                    self.matcher.stems.setdefault(lang, set()).update(stems)
        clauses.append(
            (
                tantivy.Occur.Should,
                tantivy.Query.boost_query(self._tokens_query("title", folded), TITLE_BOOST),
            )
        )
        clauses.append(
            (
                tantivy.Occur.Should,
                tantivy.Query.boost_query(self._tokens_query("context", folded), CONTEXT_BOOST),
            )
        )
        return tantivy.Query.boolean_query(clauses)

    def phrase(self, tokens: list[str], slop: int, negated: bool) -> tantivy.Query:
        if not negated:
            self.has_text = True
            self.matcher.exact.update(tokens)
        return tantivy.Query.boolean_query([
            (tantivy.Occur.Should, self._tokens_query(EXACT, tokens, slop)),
            (tantivy.Occur.Should, tantivy.Query.boost_query(self._tokens_query("title", tokens, slop), TITLE_BOOST)),
            (tantivy.Occur.Should, tantivy.Query.boost_query(self._tokens_query("context", tokens, slop), CONTEXT_BOOST)),
        ])  # fmt: skip

    def near(self, node: Near, negated: bool) -> tantivy.Query:
        parts = [analyse(EXACT, item.text) for item in node.items]
        if not negated:
            self.has_text = True
            for tokens in parts:
                self.matcher.exact.update(tokens)
        inside = sum(len(t) for t in parts) - len(parts)  # words between a phrase's own words
        forward = [t for tokens in parts for t in tokens]
        backward = [t for tokens in reversed(parts) for t in tokens]
        clauses = [
            (
                tantivy.Occur.Should,
                tantivy.Query.phrase_query(
                    self.schema, EXACT, list[str | tuple[int, str]](forward), node.distance + inside
                ),
            )
        ]
        if backward != forward:
            clauses.append(
                (
                    tantivy.Occur.Should,
                    tantivy.Query.phrase_query(
                        self.schema, EXACT, list[str | tuple[int, str]](backward), node.distance + inside
                    ),
                )
            )
        return tantivy.Query.boolean_query(clauses)

    def entity(self, value: str) -> tantivy.Query:
        """Documents naming an entity: an id (person:trotsky-leon) as is; a name the authority
        file knows (any of its spellings: Trotsky, Trotzki, Троцкий) as the ids it resolves to;
        any other name as the words of the names and spellings the archive has for the entities
        a document names (entity:"Mike Bessler")."""
        from archivist.enrich.names import authority

        if ":" in value:
            return self._term("entity", value.lower())
        auth = authority()
        ids = [e.id for e in auth.lookup(value)]
        if not ids:
            person, _evidence, _confidence = auth.match_person(value)
            ids = [person.id] if person is not None else []
        if ids:
            return tantivy.Query.boolean_query([(tantivy.Occur.Should, self._term("entity", i)) for i in ids])
        return self._tokens_query("entity_names", analyse(FOLD, value))

    def fielded(self, node: Fielded) -> tantivy.Query:
        name, value = node.name, node.value.strip()
        query: tantivy.Query
        if name in TEXT_FIELDS:
            tokens = analyse(FOLD, value)
            target = TEXT_FIELDS[name]
            if node.quoted:
                query = self._tokens_query(target, tokens)
            else:
                query = tantivy.Query.boolean_query(
                    [(tantivy.Occur.Must, self._term(target, t)) for t in tokens]
                )
        elif name == "year":
            if value.isdigit():
                lo = hi = int(value)
            else:
                m = _YEAR_RANGE.match(value)
                assert m is not None
                lo = int(m.group(1)) if m.group(1) else None  # type: ignore[assignment]
                hi = int(m.group(2)) if m.group(2) else None  # type: ignore[assignment]
            query = tantivy.Query.range_query(self.schema, "year", tantivy.FieldType.Integer, lo, hi)
        elif name == "date":
            query = tantivy.Query.regex_query(self.schema, "date", re.escape(value) + ".*")
        elif name == "type":
            query = self._term("type", value.lower())
        elif name == "lang":
            query = self._term("lang", LANGUAGE_NAMES.get(value.lower(), value.lower()))
        elif name == "entity":
            query = self.entity(value)
        else:  # part
            self.filters_part = True
            query = self._term("part", value.lower())
        return tantivy.Query.const_score_query(query, 0.0)


def compile_query(
    node: Node, schema: tantivy.Schema, languages: list[str], default_and: bool = True
) -> Compiled:
    compiler = Compiler(schema, languages, default_and)
    query = compiler.compile(node)
    relaxable = (
        isinstance(node, And)
        and not node.explicit
        and sum(isinstance(c, Word | Phrase) for c in node.children) >= 2
        and all(isinstance(c, Word | Phrase | Fielded) for c in node.children)
    )
    return Compiled(query, compiler.matcher, compiler.has_text, compiler.filters_part, relaxable)
