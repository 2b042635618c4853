"""`hourglass calc`: JSON shape and values, the text table, and every bad input."""

import io
import json

import pytest

from bot.calc_cli import readout_to_json, run_calc
from experiments.stats.readout import ArmCounts, conversion_readout

COMPARISON_KEYS = {
    "diff",
    "diff_ci_low",
    "diff_ci_high",
    "lift",
    "p_value",
    "p_value_method",
    "p_value_holm",
    "prob_beat_control",
    "expected_loss",
    "sequential_p_value",
    "seq_diff_ci_low",
    "seq_diff_ci_high",
    "seq_lift_ci_low",
    "seq_lift_ci_high",
}


def calc(*argv: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run_calc(list(argv), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def test_json_readout_shape_and_values():
    code, out, err = calc("120/2400", "150/2400", "--json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert set(document) == {
        "variants",
        "srm_p_value",
        "srm_checked",
        "headline",
        "verdict",
        "verdict_reason",
    }
    control, variant = document["variants"]
    assert set(control) == {
        "name",
        "conversions",
        "visitors",
        "rate",
        "ci_low",
        "ci_high",
        "vs_control",
    }
    assert (control["name"], control["conversions"], control["visitors"]) == ("A", 120, 2400)
    assert control["vs_control"] is None
    # hand Wilson -> (0.0419770, 0.0594612)
    assert (control["ci_low"], control["ci_high"]) == pytest.approx(
        (0.0419770, 0.0594612), rel=1e-5
    )
    comparison = variant["vs_control"]
    assert set(comparison) == COMPARISON_KEYS
    # 2 * norm.sf(1.879364) -> 0.0601948; Evan Miller's sum -> 0.96976664
    assert comparison["p_value"] == pytest.approx(0.0601948, rel=1e-5)
    assert comparison["p_value_method"] == "z-test"
    assert comparison["prob_beat_control"] == pytest.approx(0.96976664, rel=1e-7)
    assert document["srm_p_value"] == pytest.approx(1.0)
    assert document["verdict"] == "keep running"
    assert document["verdict_reason"].startswith("Keep running: B is ahead of A")
    # confidence_sequence(150, 2400, 120, 2400, 0.05): 0.0125 ± 0.0218646 (see test_sequential)
    assert comparison["seq_diff_ci_low"] == pytest.approx(0.0125 - 0.0218646, rel=1e-4)
    assert comparison["seq_diff_ci_high"] == pytest.approx(0.0125 + 0.0218646, rel=1e-4)
    assert document["headline"].startswith("Not sure yet: B looks about 25% better than A")


def test_json_is_exactly_one_object_on_stdout():
    _, out, _ = calc("--json", "0/0", "0/0")
    assert out.count("\n") == 1
    document = json.loads(out)
    assert document["srm_p_value"] is None
    assert document["variants"][0]["rate"] is None


def test_names_and_alpha_and_more_arms():
    code, out, _ = calc(
        "500/10000", "650/10000", "480/10000", "--names", "old,new,alt", "--alpha=0.1", "--json"
    )
    document = json.loads(out)
    assert code == 0
    assert [v["name"] for v in document["variants"]] == ["old", "new", "alt"]
    assert document["verdict"] == "ship new"
    holm = [v["vs_control"]["p_value_holm"] for v in document["variants"][1:]]
    fixed = [v["vs_control"]["p_value"] for v in document["variants"][1:]]
    assert all(h >= f for h, f in zip(holm, fixed, strict=True))


def test_text_output_has_the_table_and_the_verdict():
    code, out, err = calc("500/10000", "650/10000")
    assert (code, err) == (0, "")
    assert "Verdict: ship B" in out
    # the always-valid range 0.0050055 to 0.0249945 over the control's 5 % (test_verdict)
    assert out.startswith("Ship B: it converts 10%–50% better than A.\n")
    assert "5.00% (4.59%–5.44%)" in out  # hand Wilson of 500/10000 -> (0.045899, 0.054444)
    assert "+1.50 pp" in out and "+30.00%" in out and "(z-test)" in out
    assert "+0.50 to +2.50" in out  # the always-valid range next to the fixed-horizon one
    assert "Sample ratio check: ok (p = 1.0000)" in out
    header, first, second = out.splitlines()[2:5]
    assert header.index("Rate") == first.index("5.00%") == second.index("6.50%")


def test_size_json():
    # hand: n = 2 ((z_0.975 + z_0.8) / h)², h = 2 asin sqrt(0.06) - 2 asin sqrt(0.05) -> 8142.6
    code, out, _ = calc("size", "--baseline", "0.05", "--mde", "0.01", "--json")
    assert code == 0
    assert json.loads(out) == {
        "baseline": 0.05,
        "target": pytest.approx(0.06),
        "alpha": 0.05,
        "power": 0.8,
        "per_variant": 8143,
        # sequential_sample_size(0.05, 0.06): see tests/unit/test_sample_size.py
        "always_valid_per_variant": 15711,
        "always_valid_per_arm": [15711, 15711],
        "split": [0.5, 0.5],
    }


def test_size_relative_mde_and_percent_baseline():
    _, out, _ = calc("size", "--baseline", "5%", "--mde", "20%", "--json")
    document = json.loads(out)
    assert document["baseline"] == pytest.approx(0.05)
    assert document["target"] == pytest.approx(0.06)
    assert document["per_variant"] == 8143


def test_size_text_and_a_negative_mde():
    code, out, _ = calc("size", "--baseline", "0.05", "--mde", "-0.01")
    assert code == 0
    assert "Visitors needed per arm:" in out and "4.00%" in out


def test_size_prints_the_always_valid_plan_next_to_the_fixed_one():
    code, out, _ = calc("size", "--baseline", "5%", "--mde", "20%")
    assert code == 0
    assert "Visitors needed per arm: 15,711 (the bot's verdict, safe to check every day)" in out
    assert "With a single look at the end instead: 8,143 per arm" in out


def test_size_with_a_split():
    code, out, _ = calc("size", "--baseline", "5%", "--mde", "20%", "--split", "70,30", "--json")
    document = json.loads(out)
    assert code == 0
    assert document["split"] == pytest.approx([0.7, 0.3])
    # sequential_sample_size(0.05, 0.06, shares=(0.7, 0.3)) -> 27,058 and 11,596
    assert document["always_valid_per_arm"] == [27058, 11596]
    _, text, _ = calc("size", "--baseline", "5%", "--mde", "20%", "--split", "70/30")
    assert "27,058 (control) and 11,596 (variant), split 70/30" in text


def test_a_plan_above_a_billion_per_variant_is_refused_in_words():
    code, out, err = calc("size", "--baseline", "0.05", "--mde", "0.0000001")
    assert (code, out) == (2, "")
    assert "more than 1,000,000,000 visitors per variant" in err
    assert "plan for a bigger effect" in err


def test_a_planned_split_feeds_the_sample_ratio_check():
    # 1,000 vs 2,000 visitors planned 1:2 -> chi-square 0 -> p = 1: ok, not a mismatch
    code, out, _ = calc("50/1000", "100/2000", "--split", "1,2")
    assert code == 0
    assert "Sample ratio check: ok (p = 1.0000)" in out
    assert "Verdict: check your data" not in out
    _, unplanned, _ = calc("50/1000", "100/2000")
    assert "Sample ratio check: MISMATCH" in unplanned
    _, none_yet, _ = calc("50/1000", "0/0", "--json")
    assert json.loads(none_yet)["srm_checked"] is False


def test_help_goes_to_stdout():
    code, out, err = calc("--help")
    assert (code, err) == (0, "")
    assert "hourglass calc size" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["5/3", "1/2"], "Conversions (5) can't exceed visitors (3) in “5/3”"),
        (["-1/10", "5/10"], "can't be negative (“-1/10”)"),
        (["1/10", "5/-10"], "can't be negative"),
        (["abc", "1/2"], "“abc” is not conversions/visitors"),
        (["1.5/10", "1/2"], "“1.5/10” is not conversions/visitors"),
        (["1/2"], "at least two pairs"),
        ([], "at least two pairs"),
        (["1/2", "3/4", "--names", "A"], "one name per arm"),
        (["1/2", "3/4", "--names", "A,A"], "name twice"),
        (["1/2", "3/4", "--names", "A,"], "empty name"),
        (["1/2", "3/4", "--alpha", "2"], "--alpha must be between 0 and 1"),
        (["1/2", "3/4", "--alpha", "x"], "Can't read --alpha"),
        (["1/2", "3/4", "--alpha"], "--alpha needs a value"),
        (["1/2", "3/4", "--frobnicate"], "Unknown option '--frobnicate'"),
        (["1/2", "3/4", "--baseline", "0.1"], "--baseline only goes with hourglass calc size"),
        (["size", "--baseline", "0.1", "--mde", "1%", "--names", "A,B"], "--names only goes"),
        (["size", "--baseline", "1.2", "--mde", "0.01"], "--baseline must be between 0 and 1"),
        (["size", "--baseline", "0", "--mde", "0.01"], "--baseline must be between 0 and 1"),
        (["size", "--baseline", "0.9", "--mde", "0.2"], "use a smaller --mde"),
        (["size", "--baseline", "0.05", "--mde", "0"], "--mde can't be zero"),
        (["size", "--mde", "0.01"], "required: --baseline"),
        (["size", "1/2", "--baseline", "0.05", "--mde", "0.01"], "takes only options"),
        (["size", "--baseline", "0.05", "--mde", "0.01", "--power", "1"], "--power must be"),
        (["1/20", "2/20", "--split", "70"], "“70” is not a split I can read"),
        (["1/20", "2/20", "--split", "50,30,20"], "one share per variant: 2 variants, 3 shares"),
        (["1/20", "2/20", "--split", "70,abc"], "“70,abc” is not a split I can read"),
        (["1/20", "2/20", "--split", "0,100"], "Every variant needs a share above zero"),
    ],
)
def test_bad_input_exits_2_with_one_line_on_stderr(argv, message):
    code, out, err = calc(*argv)
    assert code == 2
    assert out == ""
    assert message in err
    assert err.count("\n") == 1 and err.startswith("hourglass calc: ")


def test_a_leading_calc_word_is_skipped():
    assert calc("calc", "1/200", "3/200")[0] == 0


def test_readout_to_json_is_plain_json():
    readout = conversion_readout([ArmCounts("A", 1, 0), ArmCounts("B", 1, 1)])
    document = readout_to_json(readout)
    assert json.loads(json.dumps(document, allow_nan=False)) == document
    assert document["variants"][1]["vs_control"]["lift"] is None
    assert document["verdict"] == "keep running"
