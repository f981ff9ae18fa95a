"""Content rules: what the screenplay's texts may ask a model for, matched before any model is asked.

1. the rules: the categories of `default.yaml` (shipped with longcut, documented there), each with its action
   (refuse, warn or allow) as the film's `policy:` sets it, and the author's own terms;
2. every text that reaches a model (prompts, with the descriptions their @mentions bring in, character and
   location descriptions, dialogue, titles, cards) is normalised (case, accents, look-alike letters from
   other alphabets, letters spaced out or dotted, simple leetspeak) and cut into words;
3. a term matches whole words (a trailing * any ending), never inside a longer word, and not inside one of
   its category's innocent phrases (`except:`); `sexual-minors` matches a sexual term together with a term
   for a minor in one text, and is always refused;
4. classifiers named in `policy: {classifiers: [...]}` (installed entry points `longcut.policies`, never a module
   path: a film folder is untrusted) see the same texts and name a category for what they find.

Each match is a Finding with the text's place in the screenplay; storyboard.checks turns refusals into errors
(exit 2) and warnings into warnings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import metadata
from pathlib import Path

import yaml
from anyascii import anyascii

DEFAULT_RULES = Path(__file__).with_name("default.yaml")
ENTRY_POINTS = "longcut.policies"
ACTIONS = ("refuse", "warn", "allow")
MINORS = "sexual-minors"
SEXUAL = "sexual"
OWN = "own"  # the author's own terms

# Letters of other alphabets that look like Latin ones (after case folding), the ones used to dodge filters.
LOOK_ALIKES = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "з": "3", "і": "i", "ї": "i", "ј": "j", "к": "k", "м": "m", "н": "h",
    "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "ԁ": "d", "һ": "h", "ԛ": "q", "ԝ": "w",
    "ь": "b", "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "ω": "w", "ı": "i", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe",
    # Armenian letters that pass for Latin ones (UTS #39 confusables), where transliteration would say another
    "ս": "u", "օ": "o", "ո": "n", "հ": "h", "ց": "g", "զ": "q", "ա": "w", "ե": "t", "ւ": "l", "ռ": "n",
    "п": "n", "г": "r", "ѡ": "w", "ԍ": "g", "ɩ": "i",
})
LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i",
                      "|": "i"})
_WORD = re.compile(r"[a-z0-9@$!|]+")
_LETTER = re.compile(r"[a-z]")
_REPEATS = re.compile(r"([a-z])\1{2,}")  # gooore -> gore (no English word has a letter three times in a row)
# What words() reads differently from plain words: leetspeak and digits, a letter three times, letters spaced out
# (a number alone is a number, and an @ that starts a word is a mention, @mara: neither is leetspeak)
_TRICKS = re.compile(r"[a-z][0-9$!|@]|[0-9$!|][a-z]|([a-z])\1\1|(?<![a-z])[a-z][ .\-_*]+[a-z](?![a-z])")


@dataclass(frozen=True)
class Word:
    text: str  # normalised
    start: int  # where it is in the original text
    end: int


def words(text: str) -> list[Word]:
    """The text's words, normalised, each with its place in the original. Letters spaced out or dotted
    (s e x, s.e.x) become one word; leetspeak is read inside words that hold a letter (s3x, g0re)."""
    return _joined_letters(_tokens(text), text)


def readings(text: str) -> list[list[Word]]:
    """The ways the text's words are read: as words() reads them, and, where single letters are spaced out with
    a mix of spaces, dots and dashes (n a-k.e d), with every such run of three or more joined into one word."""
    tokens = _tokens(text)
    found = _joined_letters(tokens, text)
    mixed = _spelled_out(tokens, text)
    return [found] if [word.text for word in mixed] == [word.text for word in found] else [found, mixed]


def _tokens(text: str) -> list[Word]:
    """The text's tokens, folded, leetspeak read and letter runs collapsed, each with its place in the original."""
    folded, origin = _fold(text)
    tokens = []
    for match in _WORD.finditer(folded):
        token = match.group()
        if _LETTER.search(token):  # a number stays a number: 1920s is not "iq2os"
            token = token.translate(LEET)
        tokens.append(Word(_REPEATS.sub(r"\1", token), origin[match.start()], origin[match.end() - 1] + 1))
    return tokens


def _spelled_out(found: list[Word], text: str) -> list[Word]:
    """Runs of three or more single letters with spaces, dots, dashes or the like between them, whatever the mix,
    as one word each."""
    joined: list[Word] = []
    run: list[Word] = []
    for word in [*found, None]:
        gap = text[run[-1].end:word.start] if run and word is not None else ""
        if word is not None and len(word.text) == 1 and (not run or (gap and set(gap) <= set(" .-_*"))):
            run.append(word)
            continue
        if len(run) >= 3:
            joined.append(Word("".join(letter.text for letter in run), run[0].start, run[-1].end))
        else:
            joined.extend(run)
        run = []
        if word is not None:
            if len(word.text) == 1:
                run.append(word)
            else:
                joined.append(word)
    return joined


def _fold(text: str) -> tuple[str, list[int]]:
    """Case folded, accents and look-alikes mapped, format characters dropped, with each folded character's index
    in the original.

    Format characters (Unicode category Cf: zero-width space and joiner, soft hyphen, word joiner, bidi marks) are
    invisible and split a word for a matcher but not for a model's tokenizer, so they are dropped. A letter still
    outside ASCII after compatibility decomposition and the look-alike table (IPA, small capitals, letter-like
    symbols) is read as anyascii transliterates it, where that is one letter: the skeleton a reader (and a model)
    sees. Longer transliterations (a CJK syllable) are left alone, so no word is made up of them."""
    if text.isascii():  # the common case, at C speed
        return text.lower(), list(range(len(text)))
    folded, origin = [], []
    for index, char in enumerate(text):
        if unicodedata.category(char) == "Cf":
            continue
        plain = "".join(part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part))
        for part in plain.casefold().translate(LOOK_ALIKES):
            if not part.isascii() and part.isalpha():
                spelt = anyascii(part).lower()
                part = spelt if len(spelt) == 1 and spelt.isalpha() else part
            folded.append(part)
            origin.append(index)
    return "".join(folded), origin


def _joined_letters(found: list[Word], text: str) -> list[Word]:
    """Runs of three or more single letters with only spaces, dots or dashes between them, as one word."""
    joined: list[Word] = []
    run: list[Word] = []

    def close() -> None:
        if len(run) >= 3:
            joined.append(Word("".join(word.text for word in run), run[0].start, run[-1].end))
        else:
            joined.extend(run)
        run.clear()

    separator = None
    for word in found:
        if len(word.text) == 1 and run:
            gap = text[run[-1].end:word.start]
            if gap and set(gap) <= set(" .-_*"):
                if separator is None or gap == separator:
                    separator = gap
                    run.append(word)
                    continue
                # another spacing starts another run: "a n.a.k.e.d" is "a" and "naked"
                last = run.pop()
                close()
                run.extend([last, word])
                separator = gap
                continue
        close()
        separator = None
        if len(word.text) == 1:
            run.append(word)
        else:
            joined.append(word)
    close()
    return joined


# The endings English puts on a word (plurals, tenses, the doer): a category's term matches them too, so
# `beheads`, `torturers` and `nudes` need no line of their own. Only these: `naked` must not match `nakedness`'s
# innocent cousins by accident, and a term's own list says what else it covers.
INFLECTIONS = ("s", "es", "ed", "ing", "er", "ers")


# Words a term is run together with to slip past a whole-word match (nakedwoman, teenporn, goreVideo): a token
# that is exactly a one-word term of a category that inflects and one of these, either way round, is read as the
# two words. Only these: a term inside any longer word would take Penistone or Gore-Tex for what they hold.
JOINED_WITH = ("woman", "women", "girl", "girls", "boy", "boys", "man", "men", "guy", "guys", "lady", "ladies",
               "teen", "teens", "kid", "kids", "child", "pic", "pics", "photo", "photos", "video", "videos", "vid",
               "vids", "clip", "clips", "star", "stars", "model", "models", "scene", "scenes", "selfie", "selfies",
               "shoot", "body", "bodies", "party", "beach", "show", "cam", "chat", "hot", "real", "amateur", "free")


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    prefix: bool  # the last word may go on (decapitat*)
    written: str
    inflects: bool = False  # the last word matches with INFLECTIONS too

    @property
    def last_forms(self) -> frozenset[str]:
        """The spellings the term's last word matches whole."""
        last = self.words[-1]
        if not self.inflects:
            return frozenset({last})
        stem = last[:-1] if last.endswith("e") else last
        return frozenset({last, *(last + ending for ending in INFLECTIONS), stem + "ing", stem + "ed", stem + "er",
                          stem + "ers"})

    @property
    def first_forms(self) -> frozenset[str]:
        return self.last_forms if len(self.words) == 1 else frozenset({self.words[0]})

    def matches_at(self, found: list[Word], index: int) -> int:
        """How many words the term covers from found[index], or 0."""
        if index + len(self.words) > len(found):
            return 0
        for offset, word in enumerate(self.words):
            text = found[index + offset].text
            last = offset == len(self.words) - 1
            if not (text == word or (last and self.prefix and text.startswith(word))
                    or (last and self.inflects and text in self.last_forms)):
                return 0
        return len(self.words)


def term(written: str, inflects: bool = False) -> Term:
    prefix = written.endswith("*")
    return Term(tuple(word.text for word in words(written.rstrip("*"))), prefix, written, inflects and not prefix)


@dataclass(frozen=True)
class Category:
    name: str
    action: str
    why: str
    title: str
    terms: tuple[Term, ...]
    exceptions: tuple[Term, ...] = ()
    configurable: bool = True
    inflects: bool = False  # its terms match their plurals and tenses, and run together with JOINED_WITH words

    @cached_property
    def _term_index(self):
        return _index(self.terms)

    @cached_property
    def _exception_index(self):
        return _index(self.exceptions)

    def find(self, found: list[Word]) -> list[tuple[int, int, Term]]:
        """(first word, words covered, term) of every match outside an innocent phrase."""
        matches = list(_matches(found, self._term_index))
        if not matches or not self.exceptions:
            return matches
        spared = set()
        for index, covered, _ in _matches(found, self._exception_index):
            spared.update(range(index, index + covered))
        return [(index, covered, candidate) for index, covered, candidate in matches
                if not spared.intersection(range(index, index + covered))]


def _index(terms: tuple[Term, ...]) -> tuple[dict[str, tuple[Term, ...]], tuple[Term, ...]]:
    """Terms by their first word, and the one-word terms with an open ending (looked at for every word)."""
    by_first: dict[str, list[Term]] = {}
    open_ended = []
    for candidate in terms:
        if candidate.prefix and len(candidate.words) == 1:
            open_ended.append(candidate)
        else:
            for form in candidate.first_forms:
                by_first.setdefault(form, []).append(candidate)
    return {word: tuple(found) for word, found in by_first.items()}, tuple(open_ended)


def _matches(found: list[Word], index: tuple[dict[str, tuple[Term, ...]], tuple[Term, ...]]):
    by_first, open_ended = index
    for position, word in enumerate(found):
        for candidate in by_first.get(word.text, ()):
            covered = candidate.matches_at(found, position)
            if covered:
                yield position, covered, candidate
        for candidate in open_ended:
            if word.text.startswith(candidate.words[0]):
                yield position, 1, candidate


@dataclass(frozen=True)
class Finding:
    category: str
    title: str  # the category in words: "graphic violence"
    action: str  # refuse or warn
    matched: str  # as written in the text
    rule: str  # the term, or the classifier
    why: str


@dataclass(frozen=True)
class Rules:
    categories: tuple[Category, ...]
    minors: tuple[Term, ...]
    classifiers: tuple[tuple[str, Callable[[str], Iterable[tuple[str, str]]]], ...] = ()

    def action(self, category: str) -> str:
        return next((known.action for known in self.categories if known.name == category), "warn")

    def check(self, text: str) -> list[Finding]:
        """What the text holds that the rules do not allow, in the order it is written."""
        if text.isascii():  # most texts: plain words none of which starts a term, seen in a few microseconds
            lowered = text.lower()
            if not _TRICKS.search(lowered):
                first_words, open_ends = self._starts
                tokens = _WORD.findall(lowered)
                if (first_words.isdisjoint(tokens) and open_ends.search(lowered) is None
                        and not self._any_joined(tokens)):
                    return self._classified(text, [])
        return self._classified(text, self._matched(text))

    def may_be_sexual(self, text: str) -> bool:
        """False when the text surely holds no sexual term (then no combination with a minor can be refused)."""
        if not text.isascii():
            return True
        lowered = text.lower()
        if _TRICKS.search(lowered):
            return True
        first_words, open_ends = self._sexual_starts
        return not first_words.isdisjoint(_WORD.findall(lowered)) or open_ends.search(lowered) is not None

    @cached_property
    def _sexual_starts(self) -> tuple[frozenset[str], re.Pattern]:
        return _starts_of([category for category in self.categories if category.name == SEXUAL])

    @cached_property
    def _starts(self) -> tuple[frozenset[str], re.Pattern]:
        """Every word a term of a category that is looked at can start with, and the open-ended ones."""
        return _starts_of([category for category in self.categories
                           if category.action != "allow" or category.name == SEXUAL])

    def _matched(self, text: str) -> list[tuple[int, Finding]]:
        findings: dict[tuple[str, int], tuple[int, Finding]] = {}
        seen = readings(text)
        split = self._split_joined(seen[0])
        for found in seen + ([split] if split is not None else []):
            for place, finding in self._matched_in(text, found):
                findings.setdefault((finding.category, place), (place, finding))
        return list(findings.values())

    @cached_property
    def _joinable(self) -> frozenset[str]:
        """The spellings of the one-word terms of categories that inflect (sexual, graphic violence)."""
        return frozenset(form for category in self.categories if category.inflects for candidate in category.terms
                         if len(candidate.words) == 1 and not candidate.prefix for form in candidate.last_forms)

    def _any_joined(self, tokens: list[str]) -> bool:
        """Whether a token may be a term run together with a partner word (for the fast path to look closer): two
        set lookups per long token, of its first and last three letters against the terms' (rare in plain text)."""
        heads, tails = self._joinable_ends
        return any(_split(token, self._joinable) is not None for token in tokens
                   if len(token) >= _SHORTEST_JOIN and (token[:3] in heads or token[-3:] in tails))

    @cached_property
    def _joinable_ends(self) -> tuple[frozenset[str], frozenset[str]]:
        return frozenset(term[:3] for term in self._joinable), frozenset(term[-3:] for term in self._joinable)

    def _split_joined(self, found: list[Word]) -> list[Word] | None:
        """The words with each term run together with a partner (nakedwoman, teenporn) read as two words; None
        when there is none."""
        out, changed = [], False
        for word in found:
            parts = _split(word.text, self._joinable)
            if parts is None:
                out.append(word)
            else:
                out.extend(Word(part, word.start, word.end) for part in parts)
                changed = True
        return out if changed else None

    def _matched_in(self, text: str, found: list[Word]) -> list[tuple[int, Finding]]:
        findings = []
        sexual = []
        for category in self.categories:
            for index, covered, rule in category.find(found):
                if category.name == SEXUAL:
                    sexual.append((index, covered, rule))
                if category.action != "allow":
                    findings.append((found[index].start, Finding(category.name, category.title, category.action,
                                                                 _span(text, found, index, covered), rule.written,
                                                                 category.why)))
        if sexual:
            minors = Category(MINORS, "refuse", "", "", self.minors).find(found)
            if minors:
                index, covered, rule = minors[0]
                sex_index, sex_covered, sex_rule = sexual[0]
                findings.append((min(found[index].start, found[sex_index].start), Finding(
                    MINORS, _MINORS_TITLE, "refuse", f"{_span(text, found, sex_index, sex_covered)} ... "
                    f"{_span(text, found, index, covered)}", f"{sex_rule.written} + {rule.written}",
                    _MINORS_WHY)))
        return findings

    def _classified(self, text: str, findings: list[tuple[int, Finding]]) -> list[Finding]:
        for name, classifier in self.classifiers:
            for category, excerpt in classifier(text):
                action = "refuse" if category == MINORS else self.action(category)
                if action != "allow":
                    findings.append((text.find(excerpt), Finding(category, category.replace("-", " "), action, excerpt,
                                                                 f"classifier {name}",
                                                                 f"flagged by the classifier `{name}`")))
        return [finding for _, finding in sorted(findings, key=lambda pair: pair[0])]


_SHORTEST_JOIN = 3 + min(map(len, JOINED_WITH))  # no term is shorter than three letters


def _split(token: str, terms: frozenset[str]) -> tuple[str, str] | None:
    """(term, partner) or (partner, term) where the token is exactly a term and a JOINED_WITH word run together."""
    for partner in JOINED_WITH:
        if token.endswith(partner) and token[:-len(partner)] in terms:
            return token[:-len(partner)], partner
        if token.startswith(partner) and token[len(partner):] in terms:
            return partner, token[len(partner):]
    return None


def _starts_of(categories: list[Category]) -> tuple[frozenset[str], re.Pattern]:
    """Every word the categories' terms can start with, and a pattern of their open-ended one-word terms' starts
    at the start of a word."""
    first = {form for category in categories for candidate in category.terms
             if not candidate.prefix or len(candidate.words) > 1 for form in candidate.first_forms}
    open_ends = sorted({re.escape(candidate.words[0]) for category in categories for candidate in category.terms
                        if candidate.prefix and len(candidate.words) == 1})
    return frozenset(first), re.compile(f"(?<![a-z0-9@$!|])(?:{'|'.join(open_ends) or '(?!)'})")


_MINORS_WHY = "sexual content involving minors is refused by every model host and is illegal in most places"
_MINORS_TITLE = "sexual content involving a minor"


def _span(text: str, found: list[Word], index: int, covered: int) -> str:
    return text[found[index].start:found[index + covered - 1].end]


@lru_cache(maxsize=1)
def default_rules_data() -> dict:
    return yaml.safe_load(DEFAULT_RULES.read_text(encoding="utf-8"))


def rules(actions: dict[str, str] | None = None, own_terms: Iterable[str] = (), own_action: str = "refuse",
          classifiers: Iterable[str] = ()) -> Rules:
    """The default rules with the film's actions per category, its own terms, and its classifiers."""
    actions = actions or {}
    data = default_rules_data()["categories"]
    categories = []
    for name, spec in data.items():
        if name == MINORS:
            continue
        written = tuple(spec.get("terms", ()))
        if spec.get("names"):  # a person's name: also written joined (taylorswift) or surname first (swift taylor)
            written += tuple(form for name in written for form in _name_forms(name)) + tuple(spec.get("surnames", ()))
        inflects = bool(spec.get("inflect"))
        if inflects:  # a term of several words also run together: sexscene, havingsex
            written += tuple("".join(item.split()) for item in written if " " in item and "*" not in item)
        categories.append(Category(name, actions.get(name, spec["action"]), spec["why"], spec["title"],
                                   _terms(written, inflects), _terms(tuple(spec.get("except", ()))),
                                   inflects=inflects))
    own = tuple(own_terms)
    if own:
        categories.append(Category(OWN, own_action, "on the film's own list (`policy: {own: ...}`)", "on the film's list",
                                   tuple(term(written) for written in own)))
    return Rules(tuple(categories), _terms(tuple(data[MINORS]["minors"])),
                 tuple((name, load_classifier(name)) for name in classifiers))


@lru_cache(maxsize=16)
def _terms(written: tuple[str, ...], inflects: bool = False) -> tuple[Term, ...]:
    """The terms, each once however it is spelt (blood-soaked and blood soaked are one)."""
    unique: dict[tuple, Term] = {}
    for item in written:
        made = term(item, inflects)
        unique.setdefault((made.words, made.prefix), made)
    return tuple(unique.values())


def _name_forms(name: str) -> tuple[str, ...]:
    """Other ways a person's name of several words is written: run together, and surname first."""
    parts = name.split()
    if len(parts) < 2:
        return ()
    return ("".join(parts), f"{parts[-1]} {' '.join(parts[:-1])}")


def default_categories() -> dict[str, dict]:
    return default_rules_data()["categories"]


def load_classifier(name: str) -> Callable[[str], Iterable[tuple[str, str]]]:
    """A classifier by its entry-point name in the group `longcut.policies`: installed code only. A film folder is
    untrusted input, so a name it writes chooses among what the user installed and never names a module to import.
    A classifier takes a text and returns (category, excerpt) pairs; a factory (a class) is called once with no
    arguments first."""
    points = {point.name: point for point in metadata.entry_points(group=ENTRY_POINTS)}
    if name not in points:
        raise ValueError(f"no content classifier `{name}`; installed: {', '.join(sorted(points)) or 'none'}")
    try:
        found = points[name].load()
    except (ImportError, AttributeError) as error:
        raise ValueError(f"the content classifier `{name}` cannot be loaded "
                         f"({type(error).__name__}: {error})") from None
    return found() if isinstance(found, type) else found
