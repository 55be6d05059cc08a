"""How a quiz answers back in a notebook: the learner writes an answer, runs the cell, and
reads what the page would say. No widgets: plain Python, so it works in Colab, Jupyter
and VS Code, offline.

This file is not imported by the build: the Colab export (quiz/notebook.py) copies its code
into each notebook that has a quiz, in a folded cell, and gives each quiz its questions
as data (`QuizAnswers({...})`), with the words of words.py. An answer is the letters of
the options as the notebook lists them ("b", or "ac" for several), a number, or, to put
items in order, their letters in order ("cab").
"""

import re as _re


class QuizAnswers:
    def __init__(self, data):
        self.questions = data["questions"]
        self.words = data["words"]

    def check(self, number, answer):
        """Say what the page says when this answer is checked."""
        question = self.questions[number - 1]
        text = str(answer if answer is not None else "").strip()
        if not text:
            empty = "number_first" if question["type"] == "numeric" else "choose_first"
            return self._say(self.words[empty])
        if question["type"] == "numeric":
            return self._numeric(question, text)
        letters = _re.sub(r"[^a-z]", "", text.lower())
        known = question["letters"]
        unknown = [letter for letter in letters if letter not in known]
        if unknown or not letters:
            options = ", ".join(known)
            return self._say(self.words["notebook_no_such_option"].format(options=options))
        if question["type"] == "order":
            return self._order(question, letters)
        right = sorted(question["right"])
        picked = sorted(set(letters))
        if question["type"] == "single" and len(picked) > 1:
            return self._say(self.words["notebook_one_letter"])
        lines = [self.words["correct"] if picked == right else self.words["wrong"]]
        if picked != right and all(letter in right for letter in picked):
            lines.append(self.words["partly_right"])
        lines += [question["explanations"][letter] for letter in picked]
        return self._say(*lines)

    def _numeric(self, question, text):
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            return self._say(self.words["wrong"], self.words["type_a_number"])
        if abs(value - question["answer"]) <= question["tolerance"] + 1e-12:
            return self._say(self.words["correct"], question["explanation"])
        lines = [self.words["wrong_number"].format(value=text)]
        for mistake, why in question["mistakes"]:
            if abs(value - mistake) <= question["tolerance"] + 1e-12:
                lines.append(why)
        return self._say(*lines)

    def _order(self, question, letters):
        right = question["right"]
        if letters == "".join(right):
            return self._say(self.words["correct"], question["explanation"])
        in_place = sum(a == b for a, b in zip(letters, right, strict=False))
        return self._say(self.words["wrong_order"].format(right=in_place, total=len(right)))

    def _say(self, *lines):
        text = "\n\n".join(lines)
        try:  # in a notebook, the math of the explanations typeset
            from IPython.display import Markdown, display

            display(Markdown(text))
        except ImportError:
            print(text)
