"""The risk list and the scale: high_risk for listed (good, country) pairs and undisclosed stages, named."""

from __future__ import annotations

from scoring import SourcingRecord, decide_scale
from tests.scoring.builders import build, category, indicator, stage

STAGED = build(category("c", indicator("A", staged=True)), stages=(stage("raw_materials"), stage("inputs"), stage("final")))
STAGE_LESS = build(category("c", indicator("A")))


def disclosed(**overrides):
    """One clean, disclosed record per stage; overrides replace a stage's record."""
    records = {s.id: SourcingRecord(s.id, "Wine", "FR") for s in STAGED.stages}
    records.update(overrides)
    return [r for r in records.values() if r is not None]


def test_both_dol_files_load_with_downstream_goods_flagged(risk_list):
    assert len(risk_list.entries) == 457 + 10
    downstream = [e for e in risk_list.entries if e.downstream]
    assert len(downstream) == 10
    solar = risk_list.match("Solar Modules", "CN")
    assert solar.downstream and solar.input_country_iso2 == "CN" and not (solar.child_labor or solar.forced_labor)


def test_goods_match_ignoring_case_accents_and_spacing(risk_list):
    assert risk_list.match("  açaí   BERRIES ", "br").good == "Açaí Berries"
    assert risk_list.match("Acai Berries", "BR") is not None
    assert risk_list.match("Acai Berries", "PE") is None


def test_a_listed_pair_triggers_high_risk_and_is_named(risk_list):
    decision = decide_scale(STAGED, disclosed(raw_materials=SourcingRecord("raw_materials", "cotton", "tm")), risk_list)
    assert decision.scale == "high_risk"
    (pair,) = decision.risk_pairs
    assert (pair.stage, pair.good, pair.country_iso2, pair.child_labor, pair.forced_labor) == (
        "raw_materials", "Cotton", "TM", True, True)
    assert decision.reasons == (
        "Sources Cotton from Turkmenistan (TM) for the Raw Materials stage (raw_materials): "
        "listed for child labour and forced labour (US DoL list of goods).",
    )
    assert decision.undisclosed_stages == ()


def test_a_downstream_good_is_named_with_its_inputs(risk_list):
    decision = decide_scale(STAGED, disclosed(final=SourcingRecord("final", "Lithium-Ion Batteries", "CN")), risk_list)
    assert decision.scale == "high_risk"
    assert "made with inputs from CD produced by child or forced labour" in decision.reasons[0]


def test_pairs_not_on_the_list_keep_the_standard_scale(risk_list):
    # Cotton is listed for China but not for France; Wine is not listed at all.
    decision = decide_scale(STAGED, disclosed(raw_materials=SourcingRecord("raw_materials", "Cotton", "FR")), risk_list)
    assert (decision.scale, decision.risk_pairs, decision.undisclosed_stages) == ("standard", (), ())
    assert decision.reasons  # says why it is standard


def test_a_stage_marked_undisclosed_triggers_high_risk_and_is_named(risk_list):
    sourcing = disclosed() + [SourcingRecord("inputs", disclosed=False)]
    decision = decide_scale(STAGED, sourcing, risk_list)
    assert (decision.scale, decision.undisclosed_stages) == ("high_risk", ("inputs",))
    assert decision.reasons == ("The Inputs stage (inputs) is marked as not disclosed.",)


def test_a_stage_without_any_record_triggers_high_risk(risk_list):
    decision = decide_scale(STAGED, disclosed(final=None), risk_list)
    assert (decision.scale, decision.undisclosed_stages) == ("high_risk", ("final",))
    assert "in which country the Final stage (final) happens" in decision.reasons[0]


def test_a_stage_whose_records_name_no_country_is_undisclosed(risk_list):
    decision = decide_scale(STAGED, disclosed(inputs=SourcingRecord("inputs", "Wine", None)), risk_list)
    assert decision.undisclosed_stages == ("inputs",)


def test_every_reason_is_given_in_a_stable_order(risk_list):
    sourcing = [SourcingRecord("final", "Cocoa", "CI"), SourcingRecord("raw_materials", "Cotton", "CN"),
                SourcingRecord("raw_materials", "Cotton", "CN")]
    decision = decide_scale(STAGED, sourcing, risk_list)
    assert [(p.stage, p.good) for p in decision.risk_pairs] == [("raw_materials", "Cotton"), ("final", "Cocoa")]
    assert decision.undisclosed_stages == ("inputs",)
    assert len(decision.reasons) == 3
    assert decide_scale(STAGED, list(reversed(sourcing)), risk_list) == decision


def test_a_stage_less_methodology_is_high_risk_only_through_listed_pairs(risk_list):
    assert decide_scale(STAGE_LESS, [], risk_list).scale == "standard"
    assert decide_scale(STAGE_LESS, [SourcingRecord("farm", disclosed=False)], risk_list).scale == "standard"
    listed = decide_scale(STAGE_LESS, [SourcingRecord("farm", "Cocoa", "CI")], risk_list)
    assert listed.scale == "high_risk" and listed.risk_pairs[0].country_name == "Côte d'Ivoire"
