"""What users type, for the fuzz tests: numbers of every shape, dates of every shape, anything."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from experiments.imports import CSV_COLUMNS

FUZZ = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Any moment from year 1 to 9999, often at the ends, where time zones overflow.
ANY_MOMENT = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(1, 1, 2)),
    st.datetimes(min_value=datetime(9999, 12, 30), max_value=datetime(9999, 12, 31, 23, 59)),
)
ANY_OFFSET = st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59)

# Digits with signs, separators, decimals, exponents and percent signs.
NUMBERISH = st.from_regex(
    r"[+\-]?[0-9٠-٩]{0,16}([.,_ ][0-9]{0,4})?([eE][+\-]?[0-9]{1,4})?%?", fullmatch=True
)
DATEISH = st.one_of(
    st.from_regex(
        r"[0-9]{1,5}-[0-9]{1,2}-[0-9]{1,2}"
        r"([T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?(Z|[+\-][0-9]{2}:?[0-9]{2})?",
        fullmatch=True,
    ),
    st.from_regex(r"[0-9]{1,3}\.[0-9]{1,3}(\.[0-9]{1,5})?( [0-9]{1,2}:[0-9]{2})?", fullmatch=True),
    st.sampled_from(["today", "yesterday", "вчера", "last week", "0001-01-01", "9999-12-31"]),
)
WORD = st.one_of(NUMBERISH, DATEISH, st.text(max_size=24))
AMOUNT_WORD = st.one_of(st.sampled_from(["revenue", "выручка"]), WORD)
# A word as Telegram delivers it in a message: printable, no whitespace inside.
CHAT_WORD = st.one_of(
    NUMBERISH.filter(lambda word: " " not in word),
    DATEISH.filter(lambda word: " " not in word),
    st.sampled_from(["#1", "#2", "A", "B", "revenue", "-0", "1.999", "<b>", "&amp;"]),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
        min_size=1,
        max_size=16,
    ),
)

# An uploaded results file: a header (or not), rows of cells of every kind, any line ends.
CELL = st.one_of(
    NUMBERISH,
    DATEISH,
    ANY_MOMENT.map(lambda moment: moment.isoformat()),
    st.builds(
        lambda moment, minutes: moment.replace(
            tzinfo=timezone(timedelta(minutes=minutes))
        ).isoformat(),
        ANY_MOMENT,
        ANY_OFFSET,
    ),
    st.sampled_from(["", "#1", "A", "B", "-0", "1.999", "0001-01-01T00:00:00+01:00"]),
    st.text(max_size=12),
)
# Rows close to good ones (experiment 1, variants A and B), so that the rules past reading run.
NEAR_ROW = st.builds(
    lambda variant, visitors, conversions, revenue, stamp: (
        f"1,{variant},{visitors},{conversions},{revenue},{stamp}"
    ),
    st.sampled_from(["A", "B", "C"]),
    st.one_of(st.integers(min_value=0, max_value=2_000_000_000).map(str), NUMBERISH),
    st.one_of(st.integers(min_value=0, max_value=5000).map(str), NUMBERISH),
    st.one_of(st.just(""), NUMBERISH),
    st.one_of(st.just(""), CELL),
)
ROW = st.one_of(st.lists(CELL, min_size=4, max_size=7).map(",".join), NEAR_ROW)
CSV_TEXT = st.builds(
    lambda header, rows, newline: newline.join([header, *rows]),
    st.one_of(
        st.just(",".join(CSV_COLUMNS)), st.just("experiment,variant,visitors,conversions"), ROW
    ),
    st.lists(ROW, max_size=6),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
