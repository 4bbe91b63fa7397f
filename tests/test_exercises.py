"""Every exercise of every lesson: its solution passes, a wrong answer fails without spoilers,
and the untouched stub counts as not attempted."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from mmlab.exercises import Outcome, Question, ____, all_questions
from mmlab.exercises.core import Feedback

QUESTIONS = all_questions()


def run(question: Question, code: str) -> dict:
    namespace: dict = {"____": ____}
    exec(textwrap.dedent(question.setup_code), namespace)
    exec(textwrap.dedent(code), namespace)
    return namespace


def test_there_are_exercises():
    assert "lesson00.q1" in QUESTIONS and len(QUESTIONS) >= 2


@pytest.mark.parametrize("key", sorted(QUESTIONS))
def test_solution_is_correct(key):
    question = QUESTIONS[key]
    feedback = question.evaluate(namespace=run(question, question.solution_code))
    assert feedback.outcome is Outcome.CORRECT, feedback.message


@pytest.mark.parametrize("key", sorted(QUESTIONS))
def test_wrong_answer_is_incorrect_and_does_not_reveal_solution(key):
    question = QUESTIONS[key]
    feedback = question.evaluate(namespace=run(question, question.wrong_code))
    assert feedback.outcome is Outcome.INCORRECT
    solution_lines = [
        line.strip()
        for line in textwrap.dedent(question.solution_code).splitlines()
        if len(line.strip()) > 12 and not line.strip().startswith("def ")
    ]
    for line in solution_lines:
        assert line not in feedback.message, f"feedback reveals solution line {line!r}"


@pytest.mark.parametrize("key", sorted(QUESTIONS))
def test_untouched_stub_is_not_attempted(key):
    question = QUESTIONS[key]
    feedback = question.evaluate(namespace=run(question, question.stub_code))
    assert feedback.outcome is Outcome.NOT_ATTEMPTED, feedback.message


@pytest.mark.parametrize("key", sorted(QUESTIONS))
def test_placeholder_and_missing_variable_are_not_attempted(key):
    question = QUESTIONS[key]
    assert question.evaluate(____).outcome is Outcome.NOT_ATTEMPTED
    assert question.evaluate(namespace={}).outcome is Outcome.NOT_ATTEMPTED


@pytest.mark.parametrize("key", sorted(QUESTIONS))
def test_every_question_has_hints_and_solution(key):
    question = QUESTIONS[key]
    assert question.name and question.hints and question.solution_code.strip()


def test_answer_that_raises_is_incorrect_with_the_error_named():
    def cosine(a, b):
        raise ZeroDivisionError("boom")

    feedback = QUESTIONS["lesson00.q1"].evaluate(cosine)
    assert feedback.outcome is Outcome.INCORRECT and "ZeroDivisionError" in feedback.message


def test_function_returning_placeholder_is_not_attempted():
    feedback = QUESTIONS["lesson00.q2"].evaluate(lambda X: ____)
    assert feedback.outcome is Outcome.NOT_ATTEMPTED


def test_in_place_normalisation_is_caught():
    def unit_rows(X):
        X /= np.linalg.norm(X, axis=1, keepdims=True)
        return X

    feedback = QUESTIONS["lesson00.q2"].evaluate(unit_rows)
    assert feedback.outcome is Outcome.INCORRECT and "in place" in feedback.message


def test_check_reads_the_notebook_variable(capsys):
    question = QUESTIONS["lesson00.q1"]
    namespace = run(question, question.solution_code)
    namespace["q1"] = question
    exec("q1.check()", namespace)  # as in a notebook cell: the answer is found by name
    assert capsys.readouterr().out.startswith("Correct")
    exec("del cosine\nq1.check()", namespace)
    assert capsys.readouterr().out.startswith("Check")


def test_hint_numbers_are_checked(capsys):
    question = QUESTIONS["lesson00.q1"]
    question.hint(1)
    assert "Hint 1/" in capsys.readouterr().out
    with pytest.raises(ValueError, match="between 1 and"):
        question.hint(99)


def test_feedback_renders_html():
    html = Feedback(Outcome.INCORRECT, "a < b")._repr_html_()
    assert "a &lt; b" in html and "Incorrect" in html
