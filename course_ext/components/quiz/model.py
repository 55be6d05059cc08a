"""The quiz's model: YAML questions, validated with the line of every mistake.

Kept apart from Sphinx so that `tools/check_quizzes.py`, the HTML and the notebook form
all read the same parsed questions.

A quiz is a YAML list of questions::

    - type: single            # single | multiple | numeric
      prompt: What does `x.grad` hold before any backward call?
      options:
        - text: "`None`"
          explanation: Nothing has been computed yet.
        - text: A tensor of zeros
          explanation: PyTorch does not allocate it until a backward pass.
      correct: 1              # counted from 1; a list for `multiple`
    - type: numeric
      prompt: "$f = (x^2 + 1)^3$ at $x = 2$: what is $df/dx$?"
      answer: 300
      tolerance: 0.5          # absolute, optional (default 0)
      explanation: "$3 g^2 \\cdot 2x = 75 \\cdot 4$."
      mistakes:               # optional: a wrong answer many give, and what it means
        - {answer: 75, explanation: "That is $df/dg$: multiply by $dg/dx = 4$ too."}
    - type: order
      prompt: Put the steps in the order they run.
      items: [forward pass, loss, backward pass]   # in the right order
      explanation: Each step needs what the one before it made.

Options are shown in an order that gives nothing away and is the same in every build: a
shuffle seeded by the question's own text (`seeded_order`), each explanation staying with
its option; `shuffle: false` pins the order as written (for options that refer to each
other). An `order` question is never shown in its right order. `biased_position` finds a
page whose right answers sit in one position too often, `longest_is_right` a question
whose right option gives itself away by being the longest (the build limits both).
A wrong option's explanation is what a learner who picks it reads; a numeric question's
`mistakes` do the same for wrong numbers many learners predict.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field

import yaml

from ...errors import LocatedError

CHOICE_KEYS = {"type", "prompt", "options", "correct", "shuffle"}
OPTION_KEYS = {"text", "explanation"}
KEYS = {
    "single": CHOICE_KEYS,
    "multiple": CHOICE_KEYS,
    "numeric": {"type", "prompt", "answer", "tolerance", "explanation", "mistakes"},
    "order": {"type", "prompt", "items", "explanation"},
}
TYPES = tuple(KEYS)
MISTAKE_KEYS = {"answer", "explanation"}
# The build stops when the right option is the longest in more than these shares of the
# single-answer questions: of one page's (with at least MIN_QUESTIONS), or of the book's.
LONGEST_PAGE, LONGEST_BOOK, MIN_QUESTIONS = 0.5, 0.35, 4


class QuizError(LocatedError):
    """A mistake in a quiz, with the line (counted from 1 in the YAML text) where it is."""

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class Option:
    text: str
    explanation: str
    correct: bool
    line: int


@dataclass
class Mistake:
    """A wrong number many learners give, and what it means."""

    answer: float
    explanation: str
    line: int


@dataclass
class Question:
    type: str
    prompt: str
    line: int
    options: list[Option] = field(default_factory=list)
    answer: float | None = None
    tolerance: float = 0.0
    explanation: str = ""
    items: list[str] = field(default_factory=list)  # `order`: in the right order
    shown: list[int] = field(default_factory=list)  # options or items, as shown
    mistakes: list[Mistake] = field(default_factory=list)  # `numeric`: wrong numbers

    def mistake_for(self, number: float) -> int | None:
        """The index of the mistake `number` is (within the question's tolerance), if any."""
        for index, mistake in enumerate(self.mistakes):
            if abs(number - mistake.answer) <= self.tolerance + 1e-12:
                return index
        return None

    @property
    def texts(self) -> list[str]:
        return self.items or [option.text for option in self.options]

    @property
    def key(self) -> str:
        """Names the question by what it asks, wherever it stands: a learner's saved answer
        follows the question, never its position in the quiz."""
        content = "\x1f".join([self.type, self.prompt, *sorted(self.texts)])
        return hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]

    @property
    def seed(self) -> str:
        """What its shuffle is seeded with: its own words, so every build shows one order."""
        return "\x1f".join([self.prompt, *self.texts])

    @property
    def right_positions(self) -> list[int]:
        """Where the right options are shown, counted from 0."""
        return [place for place, index in enumerate(self.shown) if self.options[index].correct]


def seeded_order(seed_text: str, count: int, never_as_written: bool = False) -> list[int]:
    """A shuffle of `range(count)` seeded by `seed_text`: the same in every build."""
    seed = hashlib.sha256(seed_text.encode("utf-8")).hexdigest()
    order = list(range(count))
    shuffle = random.Random(seed)
    shuffle.shuffle(order)
    while never_as_written and order == sorted(order):
        shuffle.shuffle(order)
    return order


def biased_position(questions: list[Question]) -> tuple[int, int, int] | None:
    """(position from 1, how many, of how many) when one position holds the right answer of
    more than half of a page's single-answer questions (four or more); else None."""
    places = [q.right_positions[0] for q in questions if q.type == "single"]
    if len(places) < 4:
        return None
    top = max(set(places), key=lambda place: (places.count(place), -place))
    count = places.count(top)
    return (top + 1, count, len(places)) if count * 2 > len(places) else None


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of every mapping."""


def _construct_mapping(loader, node):
    mapping = loader.construct_mapping(node, deep=True)
    lines = {key.value: key.start_mark.line + 1 for key, _ in node.value}
    return _Mapping(mapping, node.start_mark.line + 1, lines)


class _Mapping(dict):
    def __init__(self, data, line, key_lines):
        super().__init__(data)
        self.line = line
        self.key_lines = key_lines

    def line_of(self, key):
        return self.key_lines.get(key, self.line)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _text(mapping: _Mapping, key: str, what: str) -> str:
    value = mapping.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise QuizError(f"{what} has an empty {key!r}", mapping.line_of(key))
    if not isinstance(value, (str, int, float)):
        raise QuizError(f"{what}: {key!r} must be text", mapping.line_of(key))
    return str(value).strip()


def _number(mapping: _Mapping, key: str, what: str) -> float:
    value = mapping.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise QuizError(f"{what}: {key!r} must be a number, got {value!r}", mapping.line_of(key))
    return float(value)


def visible_length(text: str) -> int:
    """The length of an option as a reader sees it: markup characters do not count."""
    return len(re.sub(r"[`$*_\\{}]", "", " ".join(text.split())))


def longest_is_right(question: Question) -> bool:
    """A single-answer question whose right option is longer than every other."""
    if question.type != "single":
        return False
    lengths = [(visible_length(o.text), o.correct) for o in question.options]
    right = next(length for length, correct in lengths if correct)
    return all(length < right for length, correct in lengths if not correct)


def longest_cue(questions: list[Question]) -> tuple[int, int]:
    """(how many single-answer questions have the longest option right, how many there are)."""
    singles = [q for q in questions if q.type == "single"]
    return sum(longest_is_right(q) for q in singles), len(singles)


def page_gives_away_by_length(questions: list[Question]) -> tuple[int, int] | None:
    """(count, of how many) when the longest option is right in too many of a page's
    single-answer questions; else None."""
    count, total = longest_cue(questions)
    if total >= MIN_QUESTIONS and count > LONGEST_PAGE * total:
        return count, total
    return None


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9_.]+", text.lower()))


# A test-taker who does not know the answer: the strategies the quizzes must not reward.
# Each takes (prompt, options as shown) and returns the index it picks among them.
def _longest(prompt: str, options: list[str]) -> int:
    return max(range(len(options)), key=lambda i: (visible_length(options[i]), -i))


def _shortest(prompt: str, options: list[str]) -> int:  # a quiz that over-corrects
    return min(range(len(options)), key=lambda i: (visible_length(options[i]), i))


def _echoes_prompt(prompt: str, options: list[str]) -> int:
    asked = _words(prompt)
    return max(range(len(options)), key=lambda i: (len(_words(options[i]) & asked), -i))


def _first(prompt: str, options: list[str]) -> int:
    return 0


STRATEGIES = {
    "always the longest": _longest,
    "always the shortest": _shortest,
    "the most words of the prompt": _echoes_prompt,
    "always the first": _first,
}


def strategy_scores(shown: list[tuple[str, list[str], int]]) -> dict[str, float]:
    """Each strategy's share of right picks over single-answer questions given as
    (prompt, options as shown, index of the right one), and "chance": the mean of
    1 / number of options."""
    scores = {
        name: sum(pick(p, options) == right for p, options, right in shown) / len(shown)
        for name, pick in STRATEGIES.items()
    }
    scores["chance"] = sum(1 / len(options) for _, options, _ in shown) / len(shown)
    return scores


def as_shown(questions: list[Question]) -> list[tuple[str, list[str], int]]:
    """The single-answer questions as a test-taker sees them: prompt, options, right one."""
    return [
        (q.prompt, [q.options[i].text for i in q.shown], q.right_positions[0])
        for q in questions
        if q.type == "single"
    ]


def _check_keys(mapping: _Mapping, allowed: set[str], what: str) -> None:
    for key in mapping:
        if key not in allowed:
            raise QuizError(
                f"{what}: unknown key {key!r} (allowed: {', '.join(sorted(allowed))})",
                mapping.line_of(key),
            )


def _question(item, number: int) -> Question:
    what = f"question {number}"
    if not isinstance(item, _Mapping):
        raise QuizError(
            f"{what} must be a mapping with 'type' and 'prompt'", getattr(item, "line", 1)
        )
    kind = item.get("type")
    if kind not in TYPES:
        raise QuizError(
            f"{what}: unknown type {kind!r} (use one of: {', '.join(TYPES)})", item.line_of("type")
        )
    _check_keys(item, KEYS[kind], what)
    question = Question(type=kind, prompt=_text(item, "prompt", what), line=item.line)
    if kind == "order":
        return _order(item, question, what)
    if kind == "numeric":
        if "answer" not in item:
            raise QuizError(f"{what}: a numeric question needs an 'answer' value", item.line)
        question.answer = _number(item, "answer", what)
        if "tolerance" in item:
            question.tolerance = _number(item, "tolerance", what)
            if question.tolerance < 0:
                raise QuizError(
                    f"{what}: 'tolerance' cannot be negative", item.line_of("tolerance")
                )
        question.explanation = _text(item, "explanation", what)
        question.mistakes = _mistakes(item, question, what)
        return question

    options = item.get("options")
    if not isinstance(options, list) or len(options) < 2:
        raise QuizError(f"{what}: needs a list of at least two 'options'", item.line_of("options"))
    seen = {}
    for index, option in enumerate(options, 1):
        label = f"{what}, option {index}"
        if not isinstance(option, _Mapping):
            raise QuizError(f"{label} must have 'text' and 'explanation'", item.line_of("options"))
        _check_keys(option, OPTION_KEYS, label)
        text = _text(option, "text", label)
        if text in seen:
            raise QuizError(f"{label} repeats option {seen[text]}: {text!r}", option.line)
        seen[text] = index
        question.options.append(
            Option(text, _text(option, "explanation", label), correct=False, line=option.line)
        )

    if "correct" not in item:
        raise QuizError(f"{what}: no correct option (add 'correct: <number>')", item.line)
    correct = item["correct"]
    indices = correct if isinstance(correct, list) else [correct]
    if kind == "single" and isinstance(correct, list):
        raise QuizError(
            f"{what}: a 'single' question has exactly one correct option (use type: multiple)",
            item.line_of("correct"),
        )
    if not indices:
        raise QuizError(f"{what}: no correct option", item.line_of("correct"))
    for index in indices:
        if isinstance(index, bool) or not isinstance(index, int):
            raise QuizError(
                f"{what}: 'correct' counts options from 1, got {index!r}", item.line_of("correct")
            )
        if not 1 <= index <= len(question.options):
            raise QuizError(
                f"{what}: correct option {index} is out of range (there are "
                f"{len(question.options)} options, counted from 1)",
                item.line_of("correct"),
            )
        if question.options[index - 1].correct:
            raise QuizError(
                f"{what}: option {index} is listed twice in 'correct'", item.line_of("correct")
            )
        question.options[index - 1].correct = True
    shuffle = item.get("shuffle", True)
    if not isinstance(shuffle, bool):
        raise QuizError(f"{what}: 'shuffle' is true or false", item.line_of("shuffle"))
    count = len(question.options)
    question.shown = seeded_order(question.seed, count) if shuffle else list(range(count))
    return question


def _mistakes(item: _Mapping, question: Question, what: str) -> list[Mistake]:
    """A numeric question's wrong numbers with their explanations, validated."""
    given = item.get("mistakes", [])
    if not isinstance(given, list) or (not given and "mistakes" in item):
        raise QuizError(
            f"{what}: 'mistakes' is a list of {{answer, explanation}}", item.line_of("mistakes")
        )
    mistakes: list[Mistake] = []
    for index, entry in enumerate(given, 1):
        label = f"{what}, mistake {index}"
        if not isinstance(entry, _Mapping):
            raise QuizError(
                f"{label} must have 'answer' and 'explanation'", item.line_of("mistakes")
            )
        _check_keys(entry, MISTAKE_KEYS, label)
        number = _number(entry, "answer", label)
        if abs(number - question.answer) <= question.tolerance:
            raise QuizError(f"{label}: {number:g} is the right answer", entry.line)
        if any(abs(m.answer - number) <= question.tolerance for m in mistakes):
            raise QuizError(f"{label} repeats another mistake: {number:g}", entry.line)
        mistakes.append(Mistake(number, _text(entry, "explanation", label), entry.line))
    return mistakes


def _order(item: _Mapping, question: Question, what: str) -> Question:
    items = item.get("items")
    if not isinstance(items, list) or len(items) < 3:
        raise QuizError(f"{what}: needs a list of at least three 'items'", item.line_of("items"))
    for index, text in enumerate(items, 1):
        if not isinstance(text, (str, int, float)) or not str(text).strip():
            raise QuizError(f"{what}, item {index} must be text", item.line_of("items"))
        if str(text).strip() in question.items:
            raise QuizError(f"{what}, item {index} repeats {str(text)!r}", item.line_of("items"))
        question.items.append(str(text).strip())
    question.shown = seeded_order(question.seed, len(question.items), never_as_written=True)
    question.explanation = _text(item, "explanation", what)
    return question


def parse_quiz(text: str) -> list[Question]:
    """Parse and validate a quiz; raise QuizError naming the line of the first mistake."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise QuizError(f"invalid YAML: {error.problem}", (mark.line + 1) if mark else 1) from None
    if not isinstance(data, list) or not data:
        raise QuizError("a quiz is a YAML list of questions, and it is empty or not a list", 1)
    return [_question(item, number) for number, item in enumerate(data, 1)]
