"""scipy.special's functions, loaded at their first use.

A bot process starts about 0.4 s sooner without them, and loads them with its first readout or
digest; the calculator and the tests load them as before.
"""

from __future__ import annotations

from typing import Any

_FUNCTIONS = frozenset(
    ("betainc", "betaincc", "betaln", "chdtrc", "logsumexp", "ndtr", "ndtri", "xlog1py", "xlogy")
)


def __getattr__(name: str) -> Any:
    if name not in _FUNCTIONS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import scipy.special

    function = getattr(scipy.special, name)
    globals()[name] = function  # later uses find it without coming here
    return function
