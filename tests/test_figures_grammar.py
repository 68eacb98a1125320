"""The grammar of a figure statement on made-up sentences: each construction of the genre (who pays, parallel
lists, change statements, groups and tiers, other schemes, the governing year, benefits by their noun) in
wordings, places, groups and orders that no corpus or development notice uses. Each expectation was written
from the sentence, by reading it as an analyst would."""

from __future__ import annotations

from decimal import Decimal

import pytest

from graph.evaluate import value_text
from graph.parse import parse_text
from graph.records import Figure

HUNAN, ZHUZHOU, XINJIANG = "430000", "430200", "650000"


def notice(body: str, *, province: str = "湖南省", code: str = "湘医保发", year: int = 2025) -> str:
    return (f"{province}医疗保障局 {province}财政厅\n关于做好{year}年城乡居民基本医疗保障工作的通知\n{code}〔{year}〕7号\n\n"
            f"各市州医疗保障局、财政局：\n\n一、提高筹资标准\n{body}\n\n{province}医疗保障局\n{year}年6月30日\n")


def figures(body: str, **kw: object) -> list[Figure]:
    result = parse_text(notice(body, **kw), "made-up.txt")  # type: ignore[arg-type]
    return [f for n in result.notices for f in n.figures]


def kv(figs: list[Figure]) -> list[tuple[str, str]]:
    return [(f.kind, value_text(f.value)) for f in figs]


# -- who pays: a level word, with or without 财政, before 补助/负担/分担/承担 ------------------------------------


def test_level_words_without_finance_are_shares_never_the_total() -> None:
    figs = figures("非贫困县中央补助512元、省级补助64元、市县两级补助不低于64元；"
                   "享受民族地区政策的县中央补助576元、省级补助32元、市县两级补助不低于32元。")
    assert kv(figs) == [("central-subsidy", "512"), ("provincial-subsidy", "64"), ("city-subsidy", "64"),
                        ("central-subsidy", "576"), ("provincial-subsidy", "32"), ("city-subsidy", "32")]
    assert [f.payer for f in figs[:3]] == ["central", "provincial", "city-county"]
    assert [f.scope for f in figs] == ["非贫困县"] * 3 + ["享受民族地区政策的县"] * 3
    assert figs[2].qualifier == "at-least"


def test_a_percentage_of_a_level_is_its_share() -> None:
    figs = figures("一般地区中央财政负担70%，省级和市县两级财政各负担15%；州级财政承担10%，县级财政承担5%。")
    assert [(f.kind, value_text(f.value), f.payer) for f in figs] == [
        ("payer-share", "70", "central"), ("payer-share", "15", "provincial"), ("payer-share", "15", "city-county"),
        ("payer-share", "10", "city"), ("payer-share", "5", "county")]


def test_a_share_stated_as_a_percentage_and_an_amount() -> None:
    figs = figures("2025年人均财政补助标准达到700元，其中中央财政补助80%，即560元/人；省本级财政补助10%，即70元/人。")
    assert kv(figs) == [("per-capita-fiscal-subsidy", "700"), ("payer-share", "80"), ("central-subsidy", "560"),
                        ("payer-share", "10"), ("provincial-subsidy", "70")]
    assert figs[2].basis == "continued" and not figs[2].needs_review


def test_payer_before_the_number_and_verb_after_it() -> None:
    figs = figures("省级财政按照每人每年120元的标准给予补助，市县两级财政按每人每年80元予以补助。")
    assert [(f.kind, value_text(f.value), f.unit) for f in figs] == [
        ("provincial-subsidy", "120", "元/人·年"), ("city-subsidy", "80", "元/人·年")]


def test_prefecture_and_county_levels_of_a_league_and_banners() -> None:
    figs = figures("盟本级财政补助25元/人，旗(县)级财政补助35元/人。", province="内蒙古自治区", code="内医保发")
    assert [(f.kind, f.payer) for f in figs] == [("city-subsidy", "city"), ("county-subsidy", "county")]


# -- parallel lists: A和B分别…X和Y -----------------------------------------------------------------------------


def test_two_kinds_two_runs_increase_then_level() -> None:
    figs = figures("2025年居民医保人均财政补助标准和个人缴费标准分别较上年提高30元和20元，达到每人每年不低于730元和420元。")
    assert kv(figs) == [("fiscal-subsidy-increase", "30"), ("individual-contribution-increase", "20"),
                        ("per-capita-fiscal-subsidy", "730"), ("individual-contribution", "420")]
    assert all(f.basis == "list" and f.year == 2025 for f in figs)
    assert [f.qualifier for f in figs[2:]] == ["at-least", "at-least"]
    assert [f.unit for f in figs[2:]] == ["元/人·年", "元/人·年"]


def test_the_2024_national_sentence_reads_as_four_kinds() -> None:
    figs = figures("财政补助和个人缴费标准分别较上年增加30元和20元达到每人每年不低于670元和400元。", year=2024)
    assert kv(figs) == [("fiscal-subsidy-increase", "30"), ("individual-contribution-increase", "20"),
                        ("per-capita-fiscal-subsidy", "670"), ("individual-contribution", "400")]


def test_one_share_cue_naming_two_payers_pairs_them_in_order() -> None:
    figs = figures("中央与省级财政分别负担65%和35%。")
    assert [(f.kind, value_text(f.value), f.payer) for f in figs] == [
        ("payer-share", "65", "central"), ("payer-share", "35", "provincial")]


# -- change statements -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sentence", [
    "城乡居民医保个人缴费标准由每人每年380元提高至400元。",
    "城乡居民医保个人缴费标准从380元调整为400元。",
    "个人缴费标准由原来的380元/人提高到400元/人。",
])
def test_the_old_level_of_a_change_is_not_this_years(sentence: str) -> None:
    assert kv(figures(sentence)) == [("individual-contribution", "400")]


def test_base_increase_and_level() -> None:
    figs = figures("在2024年每人每年不低于670元的基础上，2025年人均财政补助标准新增30元，达到每人每年不低于700元。")
    assert kv(figs) == [("fiscal-subsidy-increase", "30"), ("per-capita-fiscal-subsidy", "700")]
    assert figs[1].unit == "元/人·年"


# -- groups and tiers, by how their names are built -------------------------------------------------------------


def test_groups_of_people_and_hospital_levels() -> None:
    figs = figures("2025年度城乡居民医保个人缴费标准为每人每年400元，其中学龄前儿童每人每年360元。"
                   "一级医院住院报销比例90%，二级医院80%，三级医院55%。"
                   "特困人员、孤儿个人缴费部分给予全额资助；边缘易致贫人口按每人每年150元给予定额资助。")
    by_value = {value_text(f.value): f for f in figs}
    assert by_value["360"].scope == "学龄前儿童" and by_value["360"].kind == "individual-contribution"
    assert [by_value[v].scope for v in ("90", "80", "55")] == ["一级医院", "二级医院", "三级医院"]
    assert {by_value[v].kind for v in ("90", "80", "55")} == {"inpatient-reimbursement-rate"}
    assert by_value["100"].scope == "特困人员、孤儿"
    assert by_value["150"].scope == "边缘易致贫人口" and by_value["150"].kind == "contribution-assistance"
    assert not any(f.needs_review for f in figs)


def test_a_tier_named_as_a_clause_subject_does_not_run_past_its_statement() -> None:
    figs = figures("第一档为长沙市，省级分担30%；第二档包括株洲、湘潭2个市，省级分担60%；省本级分担100%。")
    assert [(value_text(f.value), f.scope) for f in figs] == [("30", "第一档"), ("60", "第二档"), ("100", None)]


# -- another scheme, the governing year, benefits by their noun --------------------------------------------------


def test_figures_of_another_scheme_are_left_out_with_a_warning() -> None:
    text = notice("长期护理保险筹资标准为每人每年90元。职工医保单位缴费费率为6%，城乡居民医保个人缴费标准为每人每年400元。")
    result = parse_text(text, "made-up.txt")
    assert kv([f for n in result.notices for f in n.figures]) == [("individual-contribution", "400")]
    assert any("长期护理保险" in p.message for p in result.problems)


def test_a_dated_start_governs_the_year_of_what_follows() -> None:
    figs = figures("自2026年1月1日起，门诊统筹年度最高支付限额提高到800元。", year=2025)
    assert [(f.kind, value_text(f.value), f.year) for f in figs] == [
        ("effective-date", "2026-01-01", 2026), ("annual-payment-cap", "800", 2026)]


def test_benefits_take_the_kind_of_the_nearest_benefit_noun() -> None:
    figs = figures("要加强大病保险与基本医保衔接，稳定住院待遇水平，政策范围内基金支付比例保持在70%左右；"
                   "大病保险起付线不高于上年度居民人均可支配收入的50%，支付比例不低于60%。")
    assert kv(figs) == [("inpatient-reimbursement-rate", "70"), ("critical-illness-deductible", "50"),
                        ("critical-illness-reimbursement-rate", "60")]
    assert figs[0].qualifier == "about"


def test_a_threshold_above_which_the_scheme_pays_is_its_deductible() -> None:
    figs = figures("参保人员年度内个人负担的合规医疗费用累计超过1.5万元的部分，纳入大病保险支付范围。")
    assert [(f.kind, f.value, f.unit) for f in figs] == [("critical-illness-deductible", Decimal("1.5"), "万元")]


def test_a_figure_typed_from_outside_its_statement_is_flagged() -> None:
    figs = figures("个人缴费标准提高到每人每年400元，县级医疗机构和乡镇卫生院的医疗服务能力建设补助另行下达100元。")
    flagged = [f for f in figs if f.needs_review]
    assert [value_text(f.value) for f in flagged] == ["100"]
    assert flagged[0].cue is not None or flagged[0].basis == "fallback"


def test_a_payer_reaches_the_next_object_it_subsidises() -> None:
    figs = figures("中央财政对我省一般县按照80%的比例给予补助，对享受西部大开发政策的县按照90%的比例给予补助。")
    assert [(value_text(f.value), f.payer, f.scope, f.needs_review) for f in figs] == [
        ("80", "central", "一般县", False), ("90", "central", "享受西部大开发政策的县", False)]


def test_groups_listed_before_a_run_pair_in_order() -> None:
    figs = figures("对特困人员、低保对象、防止返贫监测对象参加城乡居民医保的个人缴费，分别按照100%、80%、50%的标准给予资助。")
    assert [(f.kind, value_text(f.value), f.scope) for f in figs] == [
        ("contribution-assistance", "100", "特困人员"), ("contribution-assistance", "80", "低保对象"),
        ("contribution-assistance", "50", "防止返贫监测对象")]


def test_an_increase_clause_continues_its_measure() -> None:
    figs = figures("个人缴费标准同步提高，增加60元，达到每人每年380元；2025年人均缴费标准达到每人每年400元。")
    assert kv(figs) == [("individual-contribution-increase", "60"), ("individual-contribution", "380"),
                        ("individual-contribution", "400")]
    assert not any(f.needs_review for f in figs)


def test_a_period_written_from_start_to_end() -> None:
    figs = figures("2026年度集中缴费期自2025年9月1日起至2025年12月31日止。")
    assert [(f.kind, value_text(f.value), f.year) for f in figs] == [
        ("contribution-period", "2025-09-01/2025-12-31", 2026)]


# -- a tier with its divisions in brackets, then that tier's shares --------------------------------------------


def test_a_tier_named_with_its_divisions_in_brackets_scopes_the_clauses_after_it() -> None:
    figs = figures("省以下分担办法：第一档（株洲市、湘潭市），省级财政补助150元/人·年，市县财政补助40元/人·年；"
                   "第二档（衡阳市、邵阳市、岳阳市），省级财政补助170元/人·年，市县财政补助20元/人·年。")
    assert [(f.kind, value_text(f.value), f.scope) for f in figs] == [
        ("provincial-subsidy", "150", "第一档"), ("city-subsidy", "40", "第一档"),
        ("provincial-subsidy", "170", "第二档"), ("city-subsidy", "20", "第二档")]
    assert figs[0].scope_regions == figs[1].scope_regions == ("430200", "430300")
    assert figs[2].scope_regions == ("430400", "430500", "430600")


# -- a level written after a division's own name: that division's level -------------------------------------


@pytest.mark.parametrize(("city", "division", "code", "kind", "payer"), [
    ("株洲市", "醴陵市", "430281", "county-subsidy", "county"),  # a county-level city: its 市级 is not a prefecture's
    ("株洲市", "攸县", "430223", "county-subsidy", "county"),
    ("株洲市", "芦淞区", "430203", "district-subsidy", "district"),
    ("大连市", "金州区", "210213", "district-subsidy", "district"),  # 州区级 would read as two levels together
])
def test_a_level_after_the_divisions_own_name_and_a_fund_arranged_after_the_number(
        city: str, division: str, code: str, kind: str, payer: str) -> None:
    figs = figures(f"{division}级财政按照每人每年21.5元的标准安排居民医保补助资金，年底前拨付到位。",
                   province=city, code="市医保发")
    assert [(f.kind, value_text(f.value), f.payer) for f in figs] == [(kind, "21.5", payer)]
