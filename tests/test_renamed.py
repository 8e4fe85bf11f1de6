"""Names renamed to the package's one spelling (American, CONTRIBUTING.md "The package") still work
under their old spelling, with a DeprecationWarning that names the new one."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from companion import codes  # noqa: E402
from companion.account import Account  # noqa: E402
from companion.plots import price_chart  # noqa: E402


def test_normalise_code_is_normalize_code_with_a_warning():
    with pytest.warns(DeprecationWarning, match=r"normalise_code is deprecated: use .*normalize_code"):
        old = codes.normalise_code("sz300750")
    assert old == codes.normalize_code("sz300750") == "300750.SZ"


def test_account_realised_pnl_reads_and_writes_realized_pnl():
    acc = Account(1000.0)
    acc.realized_pnl = 12.5
    with pytest.warns(DeprecationWarning, match=r"realised_pnl is deprecated: use Account.realized_pnl"):
        assert acc.realised_pnl == 12.5
    with pytest.warns(DeprecationWarning, match="realized_pnl"):
        acc.realised_pnl = 3.0
    assert acc.realized_pnl == 3.0


def test_price_chart_normalise_is_normalize_with_a_warning():
    prices = pd.DataFrame({"date": pd.to_datetime(["2017-01-03", "2017-01-04"]),
                           "code": ["SIM00", "SIM00"], "adj_close": [10.0, 12.0]})
    with pytest.warns(DeprecationWarning, match=r"normalise=\.\.\.\) is deprecated: use price_chart\(normalize"):
        ax = price_chart(prices, normalise=False)
    assert list(ax.lines[0].get_ydata()) == [10.0, 12.0]  # the old keyword still takes effect
    assert list(price_chart(prices, normalize=True).lines[0].get_ydata()) == [1.0, 1.2]
    plt.close("all")
