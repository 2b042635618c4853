"""The chat's readers of typed input: those of ``experiments.parsers``, shared with the CSV
import and the calculator (this module only names them for the handlers)."""

from experiments.parsers import (
    ResultExtras,
    count,
    due_date,
    effect,
    experiment_number,
    ice,
    leading_episodes,
    money,
    outcome_word,
    rate,
    result_extras,
    review_date,
    split,
    trailing_split,
    trailing_target,
    variant_and_rest,
    variant_list,
)

__all__ = [
    "ResultExtras",
    "count",
    "due_date",
    "effect",
    "experiment_number",
    "ice",
    "leading_episodes",
    "money",
    "outcome_word",
    "rate",
    "result_extras",
    "review_date",
    "split",
    "trailing_split",
    "trailing_target",
    "variant_and_rest",
    "variant_list",
]
