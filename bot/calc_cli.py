"""`hourglass calc`: read out an experiment, or plan its size, from the command line.

    hourglass calc 120/2400 150/2400 [more …] [--names A,B,…] [--alpha 0.05] [--split 70,30]
        [--json]
    hourglass calc size --baseline 0.05 --mde 0.01 [--alpha 0.05] [--power 0.8] [--split 70,30]
        [--json]

``run_calc`` takes the arguments after ``calc``. Bad input gives one line on stderr saying what
was wrong and how to write it, and exit code 2; nothing is printed on stdout then.

This module is the command line only (arguments, English text, stdout); the computing is
``experiments.calculator``. It imports no Telegram and no database, so `hourglass calc` starts
fast.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence
from typing import Any, NoReturn, TextIO

from bot.render.wording import explain_verdict, headline, verdict_label
from experiments import parsers
from experiments.calculator import arm_name, plan_size, read_out
from experiments.domain import DomainError, clean_split, target_rate
from experiments.parsers import effect_value, share_value, variant_list
from experiments.stats.readout import ArmResult, Readout
from experiments.stats.sample_size import SampleSizePlan, SequentialPlan

EXIT_OK = 0
EXIT_BAD_INPUT = 2

_VALUE_OPTIONS = ("--names", "--alpha", "--baseline", "--mde", "--power", "--split")
_FLAG_OPTIONS = ("--json",)
_HELP = ("-h", "--help")

USAGE = (
    "usage: hourglass calc CONVERSIONS/VISITORS CONVERSIONS/VISITORS [...] "
    "[--names A,B,...] [--alpha 0.05] [--split 70,30] [--json]\n"
    "       hourglass calc size --baseline 0.05 --mde 0.01|20% [--alpha 0.05] [--power 0.8] "
    "[--split 70,30] [--json]\n"
)

HELP = (
    USAGE
    + """
Read out an experiment: one conversions/visitors pair per arm, the control first.
  --names A,B,...   arm names (default A, B, C, ...)
  --alpha 0.05      significance level
  --split 70,30     the planned traffic split, control first (default: equal)
  --json            print one JSON object instead of the table

Plan an experiment's size (visitors per arm):
  --baseline 0.05   the control's conversion rate (5% also works)
  --mde 0.01        the smallest effect worth detecting: absolute (0.01 = +1 point)
                    or relative (20% = baseline x 1.2)
  --power 0.8       chance to detect that effect if it is real
  --split 70,30     the planned split of control and variant (default 50,50)

The plan is the size at which the always-valid verdict (safe to check every day) sees the
effect with that chance; the size for a single look at the end is printed next to it.
"""
)


class CalcInputError(ValueError):
    """Input the user can fix; the message says what was wrong and how to write it."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise CalcInputError(f"{message[:1].upper()}{message[1:]}. See hourglass calc --help.")


def parse_names(text: str | None, count: int) -> list[str]:
    """'A,B,C' -> ['A', 'B', 'C'] (exactly ``count`` unique names); default A, B, C, ..."""
    if text is None:
        return [arm_name(index) for index in range(count)]
    names = variant_list(text)
    if len(names) != count:
        example = ",".join(arm_name(index) for index in range(count))
        raise CalcInputError(
            f"--names must give one name per arm: {count} arms, {len(names)} given. "
            f"Write e.g. --names {example}."
        )
    if not all(names):
        raise CalcInputError(f"--names has an empty name in {text!r}. Write e.g. --names A,B.")
    if len(set(names)) != len(names):
        raise CalcInputError(f"--names has a name twice in {text!r}. Each arm needs its own name.")
    return names


def _parse_share(text: str, option: str, example: str) -> tuple[float, bool]:
    """'0.05' -> (0.05, False); '5%' -> (0.05, True)."""
    share = share_value(text)
    if share is None:
        raise CalcInputError(f"Can't read {option} {text!r}. Write a number, e.g. {example}.")
    return share


def _parse_probability(text: str, option: str, example: str) -> float:
    value, _ = _parse_share(text, option, example)
    if not 0 < value < 1:
        raise CalcInputError(f"{option} must be between 0 and 1 (not included), e.g. {example}.")
    return value


def _target_rate(baseline: float, mde_text: str) -> float:
    """--mde 20% is relative (baseline x 1.2); --mde 0.01 is absolute (baseline + 0.01)."""
    effect = effect_value(mde_text)
    if effect is None:
        raise CalcInputError(
            f"Can't read --mde {mde_text!r}. Write a number, e.g. --mde 0.01 or --mde 20%."
        )
    mde, relative = effect
    if mde == 0:
        raise CalcInputError("--mde can't be zero: give the smallest effect worth detecting.")
    target = target_rate(baseline, mde, relative=relative)
    if not 0 < target < 1:
        raise CalcInputError(
            f"With --baseline {baseline:g} and --mde {mde_text} the target rate would be "
            f"{target:g}, outside 0-1; use a smaller --mde."
        )
    return target


def _split_argv(argv: Sequence[str]) -> tuple[list[str], list[str], bool]:
    """Separate positionals from options, so that '-1/10' is read as counts, not an option.

    Returns (positionals, options as '--name=value' / '--flag', help asked).
    """
    positionals: list[str] = []
    options: list[str] = []
    tokens = list(argv)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        name = token.split("=", 1)[0]
        if token in _HELP:
            return positionals, options, True
        if name in _VALUE_OPTIONS:
            if "=" not in token:
                if index >= len(tokens):
                    raise CalcInputError(f"{token} needs a value. See hourglass calc --help.")
                token = f"{token}={tokens[index]}"
                index += 1
            options.append(token)
        elif token in _FLAG_OPTIONS:
            options.append(token)
        elif token.startswith("--") or (token.startswith("-") and not token[1:2].isdigit()):
            raise CalcInputError(f"Unknown option {token!r}. See hourglass calc --help.")
        else:
            positionals.append(token)
    return positionals, options, False


def _option_parser(size: bool) -> _Parser:
    parser = _Parser(prog="hourglass calc", add_help=False, allow_abbrev=False)
    parser.add_argument("--alpha", default="0.05")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--split")
    if size:
        parser.add_argument("--baseline", required=True)
        parser.add_argument("--mde", required=True)
        parser.add_argument("--power", default="0.8")
    else:
        parser.add_argument("--names")
    return parser


def run_calc(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """Run `hourglass calc` with the arguments after `calc`; returns the exit code.

    A leading "calc" is skipped too, so the whole command line after `hourglass` also works.
    """
    if argv[:1] == ["calc"]:
        argv = argv[1:]
    try:
        positionals, options, help_asked = _split_argv(argv)
        if help_asked:
            stdout.write(HELP)
            return EXIT_OK
        if positionals[:1] == ["size"]:
            output = _run_size(positionals[1:], options)
        else:
            output = _run_readout(positionals, options)
    except (ValueError, DomainError) as error:  # bad input, or a check in the statistics
        stderr.write(f"hourglass calc: {error}\n")
        return EXIT_BAD_INPUT
    stdout.write(output)
    return EXIT_OK


def _reject_options(options: list[str], names: tuple[str, ...], hint: str) -> None:
    for option in options:
        if option.split("=", 1)[0] in names:
            raise CalcInputError(f"{option.split('=', 1)[0]} {hint}. See hourglass calc --help.")


def _run_readout(positionals: list[str], options: list[str]) -> str:
    _reject_options(
        options, ("--baseline", "--mde", "--power"), "only goes with hourglass calc size"
    )
    parsed = _option_parser(size=False).parse_args(options)
    pairs = parsers.pairs(" ".join(positionals), "hourglass calc 120/2400 150/2400")
    names = parse_names(parsed.names, len(pairs))
    alpha = _parse_probability(parsed.alpha, "--alpha", "--alpha 0.05")
    split = None if parsed.split is None else parse_split(parsed.split, len(pairs))
    readout = read_out(pairs, names, alpha=alpha, planned_split=split)
    if parsed.json:
        return _dumps(readout_to_json(readout))
    return format_readout(readout)


def _run_size(positionals: list[str], options: list[str]) -> str:
    if positionals:
        raise CalcInputError(
            f"calc size takes only options, got {positionals[0]!r}. "
            "Write e.g. hourglass calc size --baseline 0.05 --mde 0.01."
        )
    _reject_options(options, ("--names",), "only goes with a readout, not with calc size")
    parsed = _option_parser(size=True).parse_args(options)
    baseline = _parse_probability(parsed.baseline, "--baseline", "--baseline 0.05 or 5%")
    target = _target_rate(baseline, parsed.mde)
    alpha = _parse_probability(parsed.alpha, "--alpha", "--alpha 0.05")
    power = _parse_probability(parsed.power, "--power", "--power 0.8")
    split = (None if parsed.split is None else parse_split(parsed.split, 2)) or (0.5, 0.5)
    # Refuses plans above 10^9 visitors per variant, with a sentence saying why.
    plan, always_valid = plan_size(baseline, target, alpha=alpha, power=power, split=split)
    if parsed.json:
        return _dumps(plan_to_json(plan, always_valid))
    return format_plan(plan, always_valid)


def parse_split(text: str, arms: int) -> tuple[float, ...] | None:
    """'70,30' (or 70/30) -> (70.0, 30.0): read and checked as the chat's split is (one share
    above zero per arm, control first); an equal split is None."""
    return clean_split(parsers.split(text, "E.g. --split 70,30."), arms)


def _dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, allow_nan=False, ensure_ascii=False) + "\n"


def readout_to_json(readout: Readout) -> dict[str, Any]:
    """The readout as plain JSON types (the `calc --json` document)."""
    return {
        "variants": [_arm_to_json(arm) for arm in readout.arms],
        "srm_p_value": readout.srm_p_value,
        "srm_checked": readout.srm_checked,
        "headline": headline(readout.verdict),
        "verdict": verdict_label(readout.verdict),
        "verdict_reason": explain_verdict(readout.verdict),
    }


def _arm_to_json(arm: ArmResult) -> dict[str, Any]:
    comparison = arm.vs_control
    return {
        "name": arm.name,
        "conversions": arm.conversions,
        "visitors": arm.visitors,
        "rate": arm.rate,
        "ci_low": arm.ci_low,
        "ci_high": arm.ci_high,
        "vs_control": None
        if comparison is None
        else {
            "diff": comparison.diff,
            "diff_ci_low": comparison.diff_ci_low,
            "diff_ci_high": comparison.diff_ci_high,
            "lift": comparison.lift,
            "p_value": comparison.p_value,
            "p_value_method": str(comparison.p_value_method),
            "p_value_holm": comparison.p_value_holm,
            "prob_beat_control": comparison.prob_beat_control,
            "expected_loss": comparison.expected_loss,
            "sequential_p_value": comparison.sequential_p_value,
            "seq_diff_ci_low": comparison.seq_diff_ci_low,
            "seq_diff_ci_high": comparison.seq_diff_ci_high,
            "seq_lift_ci_low": comparison.seq_lift_ci_low,
            "seq_lift_ci_high": comparison.seq_lift_ci_high,
        },
    }


def plan_to_json(plan: SampleSizePlan, always_valid: SequentialPlan) -> dict[str, Any]:
    """``per_variant`` is the fixed-horizon size (one look at the end, equal split);
    ``always_valid_per_arm`` the plan the bot's verdict needs (control, variant)."""
    return {
        "baseline": plan.baseline,
        "target": plan.target,
        "alpha": plan.alpha,
        "power": plan.power,
        "per_variant": plan.per_variant,
        "always_valid_per_variant": always_valid.per_variant,
        "always_valid_per_arm": list(always_valid.per_arm),
        "split": list(always_valid.shares),
    }


def _decimals(value: float, digits: int = 2) -> int:
    """``digits``, or more so that a value below 1 keeps two significant digits."""
    size = abs(value)
    if size == 0 or size >= 1 or not math.isfinite(size):
        return digits
    return min(max(digits, -math.floor(math.log10(size)) + 1), 8)


def _signed(value: float, places: int) -> str:
    """'+1.25', '−0.5', never '-0.00': no sign on what rounds to zero."""
    if round(value, places) == 0:
        return f"{0:.{places}f}"
    return f"{value:+.{places}f}"


def _pct(share: float | None, signed: bool = False) -> str:
    if share is None:
        return "—"
    value = share * 100
    places = _decimals(value)
    return (_signed(value, places) if signed else f"{value:.{places}f}") + "%"


def _pp(diff: float) -> str:
    """A difference in percentage points, signed: +1.25, -0.0035."""
    value = diff * 100
    return _signed(value, _decimals(value))


def _p(p_value: float) -> str:
    return "< 0.0001" if p_value < 0.0001 else f"{p_value:.4f}"


def _chance(probability: float) -> str:
    if probability > 0.999:
        return "> 99.9%"
    if probability < 0.001:
        return "< 0.1%"
    return f"{probability * 100:.1f}%"


def format_readout(readout: Readout) -> str:
    """An aligned table of the arms, the sample-ratio check, then the verdict and its reason."""
    control = readout.arms[0].name
    level = f"{(1 - readout.alpha) * 100:g}%"
    several = len(readout.arms) > 2
    header = [
        "Arm",
        "Conv / visitors",
        f"Rate ({level} CI)",
        f"Diff vs {control} ({level} CI)",
        "Lift",
        "p-value (test)",
        *(["Holm p"] if several else []),
        "Always-valid diff (pp)",
        "Always-valid p",
        f"Chance to beat {control}",
    ]
    rows = [header]
    for arm in readout.arms:
        rate = (
            "no visitors"
            if arm.rate is None
            else f"{_pct(arm.rate)} ({_pct(arm.ci_low)}–{_pct(arm.ci_high)})"
        )
        row = [arm.name, f"{arm.conversions:,} / {arm.visitors:,}", rate]
        comparison = arm.vs_control
        if comparison is None:
            row += ["", "", "", *([""] if several else []), "", "", ""]
        else:
            row += [
                f"{_pp(comparison.diff)} pp "
                f"({_pp(comparison.diff_ci_low)} to {_pp(comparison.diff_ci_high)})",
                _pct(comparison.lift, signed=True),
                f"{_p(comparison.p_value)} ({comparison.p_value_method})",
                *([_p(comparison.p_value_holm)] if several else []),
                f"{_pp(comparison.seq_diff_ci_low)} to {_pp(comparison.seq_diff_ci_high)}",
                _p(comparison.sequential_p_value),
                _chance(comparison.prob_beat_control),
            ]
        rows.append(row)
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    if readout.srm_p_value is None or not readout.srm_checked:
        srm = "not made (an arm has no visitors yet)"
    elif readout.sample_ratio_mismatch:
        srm = f"MISMATCH (p = {_p(readout.srm_p_value)})"
    else:
        srm = f"ok (p = {_p(readout.srm_p_value)})"
    lines = [headline(readout.verdict), "", *lines]
    lines += [
        "",
        f"Sample ratio check: {srm}",
        f"Verdict: {verdict_label(readout.verdict)}",
        explain_verdict(readout.verdict),
    ]
    return "\n".join(lines) + "\n"


def format_plan(plan: SampleSizePlan, always_valid: SequentialPlan) -> str:
    relative = (plan.target - plan.baseline) / plan.baseline
    control, variant = always_valid.per_arm
    if control == variant:
        needed = f"{variant:,}"
    else:
        split = "/".join(f"{share * 100:g}" for share in always_valid.shares)
        needed = f"{control:,} (control) and {variant:,} (variant), split {split}"
    return (
        f"Baseline {_pct(plan.baseline)} → target {_pct(plan.target)} "
        f"({relative * 100:+.1f}% relative), alpha {plan.alpha:g}, power {plan.power:g}\n"
        f"Visitors needed per arm: {needed} (the bot's verdict, safe to check every day)\n"
        f"With a single look at the end instead: {plan.per_variant:,} per arm "
        f"(equal split)\n"
    )
