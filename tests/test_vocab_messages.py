"""Unknown concepts: the nearest concepts of the scheme (and of others), and how to add one."""

from __future__ import annotations

import pytest

from loaders.vocab import VocabularyError, resolve_concept

HOW = "To add a new concept, write it as a label with a capital letter or a space, e.g. "


def _refused(scheme: str, text: str) -> str:
    with pytest.raises(VocabularyError) as raised:
        resolve_concept(scheme, text)
    return str(raised.value)


def test_a_typo_gets_the_nearest_notation_with_its_label() -> None:
    assert _refused("influence-kind", "arms-suply") == (
        "unknown influence-kind 'arms-suply': did you mean 'arms-supply' (arms supply)? "
        + HOW
        + "'Arms suply' or 'arms suply'"
    )


def test_labels_are_searched_too() -> None:
    # "intelligence sharing" is the label; the notation is matched through it
    assert "did you mean 'intelligence-sharing'" in _refused("area", "intel-sharing")


def test_the_message_says_the_rule_instead_of_echoing_the_slug() -> None:
    message = _refused("area", "interoperability")
    assert message == "unknown area 'interoperability'. " + HOW + "'Interoperability'"
    assert resolve_concept("area", "Interoperability").minted


def test_a_concept_of_another_scheme_is_pointed_at() -> None:
    message = _refused("event-kind", "arms-supply")
    assert "'arms-supply' (arms supply) is a concept of the influence-kind scheme." in message
