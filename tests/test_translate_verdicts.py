"""The Chinese student copies and values.po find the words of choose(), show() and verdict() calls:
by position and by keyword, and only there (tools/translate_notebook.py, tools/zh_edition.py)."""

from tools.translate_notebook import _literals, verdict_literals
from tools.zh_edition import chosen_words

CELL = '''label = "up"   # the same word outside a verdict stays English
said = verdict(low, high, 0.5, reached="beats a coin flip", close="too close to call",
               not_reached="loses to a coin flip")
other = choose(p < 0.05, "helps", "makes no difference") + show("up")
table = frame.rename(columns={"up": "reached"})
'''
VALUES = {"beats a coin flip": "胜过抛硬币", "too close to call": "难分高下", "loses to a coin flip": "不如抛硬币",
          "helps": "有用", "makes no difference": "没有区别", "up": "上涨"}


def test_every_word_given_to_a_prose_helper_is_found():
    assert sorted(chosen_words(CELL)) == sorted(["helps", "makes no difference", "up", "beats a coin flip",
                                                 "too close to call", "loses to a coin flip"])
    assert {c.value for c in verdict_literals("verdict(a, b, t, reached='x y', close='z', not_reached='w')")} \
        == {"x y", "z", "w"}


def test_verdict_words_are_translated_in_the_student_copy_and_nothing_else():
    translated = _literals(CELL, VALUES)
    assert 'reached="胜过抛硬币"' in translated and 'close="难分高下"' in translated
    assert 'not_reached="不如抛硬币"' in translated and '"有用", "没有区别"' in translated
    assert 'label = "up"' in translated and '{"up": "reached"}' in translated
    compile(translated, "cell", "exec")
    # In an {eval} expression of the prose, as the markdown cells use it.
    expression = 'verdict(lo, hi, 0.5, reached="beats a coin flip", close="too close to call", not_reached="x")'
    assert _literals(expression, VALUES) == ('verdict(lo, hi, 0.5, reached="胜过抛硬币", close="难分高下", '
                                             'not_reached="x")')
