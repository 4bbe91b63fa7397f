"""The exercise machinery every lesson uses: `q.check()`, `q.hint(n)`, `q.solution()`.

Introduced in notebooks/00_welcome.ipynb. Modelled on Kaggle's learntools: each exercise has three
outcomes — correct, incorrect, not attempted (the `____` placeholder is still there, or the stub
function still raises NotImplementedError) — and its failure messages describe what is wrong with
the learner's answer without giving the answer away.

A lesson module defines one `Question` subclass per exercise. The learner's answer is read from
the notebook's variables by name (the `name` attribute), or passed in: `q.check(my_answer)`.
"""

from __future__ import annotations

import enum
import html
import sys
import textwrap
from dataclasses import dataclass
from typing import Any, ClassVar


class _Blank:
    """The `____` placeholder: a value that means "not filled in yet"."""

    def __repr__(self) -> str:
        return "____"

    def __call__(self, *args: Any, **kwargs: Any) -> _Blank:
        return self


____ = _Blank()
_UNSET = object()


class NotAttempted(Exception):
    """Raised inside a checker when the answer still holds a placeholder or an untouched stub."""


class Outcome(enum.Enum):
    """The three possible results of checking an exercise."""

    CORRECT = "correct"
    INCORRECT = "incorrect"
    NOT_ATTEMPTED = "not attempted"


@dataclass(frozen=True)
class Feedback:
    """The result of a check: the outcome and a message for the learner."""

    outcome: Outcome
    message: str

    def __bool__(self) -> bool:
        return self.outcome is Outcome.CORRECT

    def __str__(self) -> str:
        label = {"correct": "Correct", "incorrect": "Incorrect", "not attempted": "Check"}
        return f"{label[self.outcome.value]}: {self.message}"

    def _repr_html_(self) -> str:
        colour = {"correct": "#2e7d32", "incorrect": "#c62828", "not attempted": "#1565c0"}
        head, _, rest = str(self).partition(": ")
        return (
            f'<p style="color:{colour[self.outcome.value]}"><b>{html.escape(head)}:</b> '
            f"{html.escape(rest)}</p>"
        )


def is_blank(value: Any) -> bool:
    """Return True when `value` is the `____` placeholder."""
    return isinstance(value, _Blank)


def unit_rows(rows: Any) -> Any:
    """Return `rows` (an (n, d) array, or one (d,) vector) scaled to length 1 along the last axis.

    The exercises' random unit vectors (lessons 03, 04, 06) come from here.
    """
    import numpy as np

    rows = np.asarray(rows, dtype=np.float64)
    return rows / np.linalg.norm(rows, axis=-1, keepdims=True)


def call_answer(function: Any, *args: Any) -> Any:
    """Call the learner's function; an untouched stub or a `____` result counts as not attempted."""
    if not callable(function):
        raise TypeError(f"expected a function, got {type(function).__name__}")
    try:
        result = function(*args)
    except NotImplementedError as stub:
        raise NotAttempted("the function still raises NotImplementedError") from stub
    if is_blank(result):
        raise NotAttempted("the function still returns ____")
    return result


def _show(value: Any) -> None:
    """Display rich output inside Jupyter, plain text elsewhere."""
    if "IPython" in sys.modules:
        from IPython import get_ipython
        from IPython.display import display

        if get_ipython() is not None:
            display(value)
            return
    print(value)


class Question:
    """One exercise. Subclasses set the class attributes and implement `find_problem`.

    name:          the variable (or function) the learner fills in
    hints:         shown one at a time by `hint(n)`
    solution_code: the reference answer, shown by `solution()`; the tests run it
    stub_code:     what the notebook cell holds before the learner starts; the tests run it
    wrong_code:    a plausible wrong answer; the tests check that it is caught without spoilers
    setup_code:    code that makes the inputs the exercise cell can rely on (for the tests)
    """

    name: ClassVar[str] = ""
    hints: ClassVar[list[str]] = []
    solution_code: ClassVar[str] = ""
    stub_code: ClassVar[str] = ""
    wrong_code: ClassVar[str] = ""
    setup_code: ClassVar[str] = ""
    success: ClassVar[str] = "well done."

    def find_problem(self, answer: Any) -> str | None:
        """Return None when `answer` is right, else a message that does not reveal the answer.

        Raise NotAttempted when the answer is still a placeholder or a stub.
        """
        raise NotImplementedError

    def evaluate(self, answer: Any = _UNSET, namespace: dict | None = None) -> Feedback:
        """Check `answer` (or the variable `name` in `namespace`) and return the Feedback."""
        if answer is _UNSET:
            namespace = namespace if namespace is not None else {}
            answer = namespace.get(self.name, ____)
        if is_blank(answer):
            return Feedback(Outcome.NOT_ATTEMPTED, f"fill in `{self.name}` where you see ____.")
        try:
            problem = self.find_problem(answer)
        except NotAttempted as why:
            return Feedback(Outcome.NOT_ATTEMPTED, f"`{self.name}`: {why}.")
        except Exception as error:  # the learner's code failed: say how, not what to write
            return Feedback(Outcome.INCORRECT, f"running your answer raised {error!r}.")
        if problem is None:
            return Feedback(Outcome.CORRECT, self.success)
        return Feedback(Outcome.INCORRECT, problem)

    def check(self, answer: Any = _UNSET) -> None:
        """Check the learner's answer and show the feedback (reads `name` from the notebook)."""
        namespace = None
        if answer is _UNSET:
            namespace = sys._getframe(1).f_globals
        _show(self.evaluate(answer, namespace))

    def hint(self, n: int = 1) -> None:
        """Show hint number `n` (1-based)."""
        if not self.hints:
            _show("No hints for this one — try the solution if you are stuck.")
            return
        if not isinstance(n, int) or not 1 <= n <= len(self.hints):
            raise ValueError(f"hint number must be between 1 and {len(self.hints)}, got {n!r}")
        _show(f"Hint {n}/{len(self.hints)}: {self.hints[n - 1]}")

    def solution(self) -> None:
        """Show the reference solution."""
        _show("Solution:\n" + textwrap.dedent(self.solution_code).strip())
