"""companion: the tested code behind the course "An LSTM in an Internet Café".

Each module holds one idea of the course; the chapters build each idea by hand, then import it
from here and check that both agree. Tensors follow one convention everywhere:
inputs ``[batch, stock, time, feature]``, targets ``[batch, stock]`` (1 = the close rises).
"""

from companion.device import get_device, set_seed

__all__ = ["get_device", "set_seed"]
__version__ = "0.1.0"
