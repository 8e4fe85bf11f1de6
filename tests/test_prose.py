"""companion.prose: the values the chapters' {eval} roles show in the book and in JupyterLab."""

import numpy as np
import pytest
import torch

from companion.prose import Shown, choose, interval, pct, show, tally, translate_tally, verdict


def test_the_shown_text_has_no_quotes():
    # JupyterLab shows the plain-text repr: a str would appear as '55.3%'.
    assert repr(pct(0.5534)) == "55.3%" and str(pct(0.5534)) == "55.3%"
    assert repr(show("inside")) == "inside"


def test_formats_follow_the_format_mini_language():
    assert show(1234.4, ",.0f") == "1,234"
    assert show(5153, ",") == "5,153"
    assert show(-0.40546, ".3f") == "-0.405"
    assert pct(0.5, 0) == "50%"
    assert interval(0.522, 0.709) == "[52.2%, 70.9%]"
    assert interval(1.5, 2.25, 2, percent=False) == "[1.50, 2.25]"


def test_numpy_and_torch_scalars_are_numbers():
    assert pct(np.float32(0.25)) == "25.0%"
    assert show(np.int64(7)) == "7"
    assert pct(torch.tensor(0.125), 1) == "12.5%"


def test_choose_says_the_phrase_that_holds():
    assert choose(0.03 < 0.05, "helps", "makes no measurable difference") == "helps"
    assert choose(np.bool_(False), "helps", "makes no measurable difference") == "makes no measurable difference"


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), np.nan])
def test_a_meaningless_number_is_refused(bad):
    with pytest.raises(ValueError, match="meaningless"):
        pct(bad)


def test_non_numbers_and_reversed_intervals_are_refused():
    with pytest.raises(TypeError, match="must be a number"):
        pct([0.5])
    with pytest.raises(ValueError, match="lower end is above"):
        interval(0.7, 0.5)


def test_shown_compares_by_its_text():
    assert Shown("55.3%") == "55.3%" and hash(Shown("a")) == hash(Shown("a"))


WORDS = {"reached": "beats a coin flip", "close": "too close to call", "not_reached": "loses to a coin flip"}


@pytest.mark.parametrize(("low", "high", "said"), [
    (0.51, 0.60, "beats a coin flip"),           # the whole interval above 0.5
    (0.40, 0.49, "loses to a coin flip"),        # the whole interval below
    (0.48, 0.60, "too close to call"),           # the point estimate 0.54 is above, the interval is not
    (0.50, 0.60, "too close to call"),           # touching the threshold is not past it
    (0.40, 0.50, "too close to call"),
])
def test_verdict_is_decided_by_the_interval(low, high, said):
    assert verdict(low, high, 0.5, **WORDS) == said
    assert isinstance(verdict(low, high, 0.5, **WORDS), Shown)


def test_verdict_when_lower_is_better():
    # A loss or an error rate: reaching means the whole interval below the threshold.
    words = {"reached": "cheaper", "close": "no clear difference", "not_reached": "dearer"}
    assert verdict(0.1, 0.2, 0.3, **words, higher_is_better=False) == "cheaper"
    assert verdict(0.4, 0.5, 0.3, **words, higher_is_better=False) == "dearer"
    assert verdict(0.2, 0.4, 0.3, **words, higher_is_better=False) == "no clear difference"


def test_verdict_takes_numpy_and_refuses_reversed_or_meaningless_ends():
    assert verdict(np.float64(-0.01), np.float32(0.03), np.int64(0), **WORDS) == "too close to call"
    with pytest.raises(ValueError, match="lower end is above"):
        verdict(0.6, 0.5, 0.5, **WORDS)
    with pytest.raises(ValueError, match="meaningless"):
        verdict(float("nan"), 0.5, 0.5, **WORDS)
    with pytest.raises(TypeError):
        verdict(0.4, 0.6, 0.5, "beats", "close", "loses")   # the phrases are named, never positional


SEEDS = dict(none="none of the {n} seeds", some="{k} of the {n} seeds", every="all {n} seeds")


@pytest.mark.parametrize(("k", "said"), [(0, "none of the 5 seeds"), (3, "3 of the 5 seeds"),
                                         (5, "all 5 seeds"), (np.int64(1), "1 of the 5 seeds")])
def test_tally_says_none_and_all_in_words(k, said):
    assert repr(tally(k, 5, **SEEDS)) == said


@pytest.mark.parametrize("k", [-1, 6, 2.5])
def test_tally_refuses_a_count_outside_zero_to_n(k):
    with pytest.raises(ValueError, match="whole number from 0 to n"):
        tally(k, 5, **SEEDS)


def test_translate_tally_fills_the_translated_phrase():
    chinese = {"none of the {n} seeds": "{n} 个随机种子无一", "{k} of the {n} seeds": "{n} 个随机种子中有 {k} 个",
               "all {n} seeds": "{n} 个随机种子全都", "helps": "有帮助"}
    for k, said in [(0, "5 个随机种子无一"), (3, "5 个随机种子中有 3 个"), (5, "5 个随机种子全都")]:
        assert translate_tally(str(tally(k, 5, **SEEDS)), chinese) == said
    assert translate_tally("3 of the 5 cats", chinese) is None
    assert translate_tally("helps", chinese) is None
