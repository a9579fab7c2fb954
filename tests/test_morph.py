"""Glossary terms put in the case their Russian context needs (pymorphy3)."""
from __future__ import annotations

import pytest

from docgen.translate.morph import case_from_context, inflect_term


@pytest.mark.parametrize("before,term,expected", [
    ("Просим обратиться по", "карточка товара", "карточке товара"),
    ("Статус виден в", "личный кабинет", "личном кабинете"),
    ("Покупатель получил", "посылка", "посылку"),
    ("Мы связались с", "служба поддержки", "службой поддержки"),
    ("Копия", "декларация о соответствии", "декларация о соответствии"),  # no rule: dictionary form
    ("Для", "удержанные средства", "удержанных средств"),
])
def test_case_from_context(before, term, expected):
    assert inflect_term(term, case_from_context(before)) == expected


def test_no_context_keeps_dictionary_form():
    assert case_from_context("") is None and inflect_term("трек-номер", None) == "трек-номер"
