"""The public names of companion (book/_ext/api_names.py) and how a chapter's literal finds its entry
(book/_ext/api_reference.py). The built page is checked in tests/test_book_api.py and in Chromium."""

import importlib
import re
import sys

from tests.nbval_guard import ROOT

sys.path.insert(0, str(ROOT / "book" / "_ext"))
from api_names import public_entries, public_modules, public_names  # noqa: E402
from api_reference import api_target, described_not_typed  # noqa: E402


def test_every_name_of_an_all_is_public():
    names = public_names()
    for module in public_modules():
        for name in getattr(importlib.import_module(module), "__all__", []):
            assert f"{module}.{name}" in names, f"{module}.{name} is in __all__ but not public"


def test_modules_without_all_give_what_they_define_and_packages_what_they_re_export():
    names = public_names()
    assert names["companion.train.fit"] == "companion.train.fit"                 # defined, no __all__
    assert names["companion.features.FEATURES"] == "companion.features.FEATURES"  # a constant
    assert "companion.features.EVENT_DATE" not in names                          # imported, not its own
    assert names["companion.models.TinyLSTM"] == "companion.models.tiny_lstm.TinyLSTM"   # re-export
    assert names["companion.get_device"] == "companion.device.get_device"


def test_private_and_closed_modules_give_no_names():
    names = public_names()
    assert not [n for n in names if any(part.startswith("_") for part in n.split("."))]
    # companion.exercises declares __all__: its chapter modules are its implementation.
    assert not [n for n in names if re.match(r"companion\.exercises\.ch\d\d_", n)]
    # Feedback lives in the private exercises._core: its entry is its public path.
    assert names["companion.exercises.Feedback"] == "companion.exercises.Feedback"


def test_each_object_has_one_entry():
    paths = [e.path for e in public_entries()]
    assert len(paths) == len(set(paths))
    assert set(public_names().values()) == set(paths)


def test_a_literal_finds_its_entry_only_when_it_names_one_object():
    assert api_target("fit") == "companion.train.fit"
    assert api_target("companion.train.fit(model, train, val)") == "companion.train.fit"
    assert api_target("train.fit") == "companion.train.fit"
    assert api_target("models.TinyLSTM") == "companion.models.tiny_lstm.TinyLSTM"
    assert api_target('check("ex-02-best-of-n", answer)') == "companion.exercises.check"
    for not_a_name in ["scaler.fit", "x[0]", "torch.nn.LSTM", "fit + 1", "close"]:
        assert api_target(not_a_name) is None, not_a_name


def test_a_name_two_objects_share_links_nowhere(monkeypatch):
    import api_reference

    api_reference._resolver.cache_clear()
    shared = {"companion.a.fit": "companion.a.fit", "companion.b.fit": "companion.b.fit"}
    monkeypatch.setattr(api_reference, "public_names", lambda: shared)
    try:
        assert api_target("fit") is None
        assert api_target("a.fit") == "companion.a.fit"
    finally:
        api_reference._resolver.cache_clear()


def test_one_line_parameters_become_numpy_fields_and_nothing_else_moves():
    doc = ["Cut windows.", "", "Parameters", "----------", "lookback, horizon : days of input; days ahead.",
           "codes : the stocks (default: all).", "    Continued here.", "", "Returns", "-------",
           "Windows : kept as written.", "", "Notes", "-----", "x : not a field here."]
    assert described_not_typed(doc) == [
        "Cut windows.", "", "Parameters", "----------", "lookback, horizon", "    days of input; days ahead.",
        "codes", "    the stocks (default: all).", "    Continued here.", "", "Returns", "-------",
        "Windows : kept as written.", "", "Notes", "-----", "x : not a field here."]
