"""How the extractor reads the genre's sentences, on small notices written for the test: the noise of real
files, what is not a figure, kinds, qualifiers, units, years, scope, regions, restatements and tables.
The notices are built by hand (span, region, title, sections), so each test pins one behaviour."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from graph.parse.figures import extract_figures
from graph.records import DateInterval, Figure, Notice, Problem, Ratio, Section, Span

TITLE = "关于做好2020年城乡居民基本医疗保险工作的通知"


def read(body: str, region: str = "450100", title: str = TITLE,
         sections: tuple[Section, ...] = ()) -> tuple[list[Figure], tuple[Problem, ...]]:
    notice = Notice("test.txt", Span(0, len(body)), None, "", title, (), (), sections, (), None, None, (), (), None,
                    region_code=region)
    figures, problems = extract_figures(body, notice)
    for f in figures:
        assert body[f.span.start : f.span.end] == f.quote
    return list(figures), problems


def figures(body: str, **kw: object) -> list[Figure]:
    return read(body, **kw)[0]  # type: ignore[arg-type]


def test_spaces_and_line_breaks_inside_numbers_and_sentences() -> None:
    (f,) = figures("2021 年度城乡居民医保个人缴费，按照每人不低于 2\n80 元的标准缴\n\n纳。")
    assert (f.kind, f.value, f.unit, f.qualifier, f.year, f.year_type) == (
        "individual-contribution", Decimal(280), "元/人", "at-least", 2021, "insurance")
    assert f.quote == "2021 年度城乡居民医保个人缴费，按照每人不低于 2\n80 元的标准缴\n\n纳"


def test_page_numbers_and_watermarks_inside_a_sentence() -> None:
    body = "中央财政补助440元/人，自治区\n\n—2—\n\n扫描全能王 创建\n\n财政补助100元/人。"
    central, provincial = figures(body)
    assert (central.kind, central.value) == ("central-subsidy", Decimal(440))
    assert (provincial.kind, provincial.value, provincial.payer) == ("provincial-subsidy", Decimal(100), "provincial")
    assert "扫描全能王" in provincial.quote  # verbatim: the noise stays in the quote


def test_full_width_digits_and_punctuation() -> None:
    (f,) = figures("中央财政补助４４０元／人。")
    assert (f.value, f.unit) == (Decimal(440), "元/人")


def test_what_is_not_a_figure() -> None:
    body = ("通过12家合作金融机构网点缴费，咨询电话12366。按照桂医保发〔2020〕46 号文件执行。抓好15项编码标准。"
            "扩大20个基础病组。2020年是收官之年。对60周岁以上的老年人给予补助。共印50份。2020年8月14日印发")
    assert figures(body) == []


def test_administrative_deadlines_and_service_targets_are_not_figures() -> None:
    body = ("考核工作应在2017年7月底前完成，12月底前完成应赔付保费的90%。实现“15分钟医保服务圈”覆盖85%以上村。"
            "药品费用需占药品总费用95%以上。")
    assert figures(body) == []


def test_chinese_numerals_in_sentences() -> None:
    cap, assistance = figures("大病保险年度累计支付限额不低于二十五万元。政府按照个人缴费标准的百分之六十给予补助。")
    assert (cap.kind, cap.value, cap.unit, cap.qualifier) == (
        "critical-illness-annual-cap", Decimal(25), "万元", "at-least")
    assert (assistance.kind, assistance.value, assistance.unit) == ("contribution-assistance", Decimal(60), "%")


def test_increase_and_level_of_the_same_subject() -> None:
    inc, level, c_inc, c_level = figures(
        "2022年居民医保人均财政补助标准新增30元，达到每人每年不低于610元，同步提高个人缴费标准30元，达到每人每年350元。")
    assert (inc.kind, level.kind) == ("fiscal-subsidy-increase", "per-capita-fiscal-subsidy")
    assert (level.value, level.unit, level.qualifier) == (Decimal(610), "元/人·年", "at-least")
    assert (c_inc.kind, c_level.kind) == ("individual-contribution-increase", "individual-contribution")
    assert {f.year for f in (inc, level, c_inc, c_level)} == {2022}


def test_the_old_level_is_not_a_figure() -> None:
    (f,) = figures("巩固大病保险保障水平，政策范围内报销比例由50%提高至60%。")
    assert (f.kind, f.value) == ("critical-illness-reimbursement-rate", Decimal(60))


def test_reductions_and_increases_for_a_group() -> None:
    deductible, rate = figures("大病保险对建档立卡贫困人口的政策倾斜继续执行，即起付线降低50%，报销比例提高10个百分点。")
    assert (deductible.kind, deductible.scope) == ("critical-illness-deductible-reduction", "建档立卡贫困人口")
    assert (rate.kind, rate.unit, rate.scope) == ("critical-illness-rate-increase", "个百分点", "建档立卡贫困人口")


def test_qualifiers() -> None:
    about, at_least, at_most = figures(
        "确保住院费用政策范围内基金支付比例稳定在70%左右。保持参保率稳定在97%以上。大病保险最高补偿比例为70%。")
    assert (about.kind, about.qualifier) == ("inpatient-reimbursement-rate", "about")
    assert (at_least.kind, at_least.qualifier) == ("coverage-target", "at-least")
    assert (at_most.kind, at_most.qualifier) == ("critical-illness-reimbursement-rate", "at-most")


def test_periods_and_deadlines() -> None:
    period, benefit, deadline = figures(
        "2022年城乡居民医保集中缴费期为2021年9月1日至12月31日，待遇享受期为2022年1月1日至12月31日。"
        "市级财政补助资金要在次年3月底前预拨到位。")
    assert (period.kind, period.value, period.year) == (
        "contribution-period", DateInterval(dt.date(2021, 9, 1), dt.date(2021, 12, 31)), 2022)
    assert (benefit.kind, benefit.value) == ("benefit-period", DateInterval(dt.date(2022, 1, 1), dt.date(2022, 12, 31)))
    assert (deadline.kind, deadline.value, deadline.qualifier) == (
        "subsidy-transfer-deadline", dt.date(2023, 3, 31), "at-most")  # 次年 of the 2022 the text is about


def test_year_from_the_section_heading_is_inferred() -> None:
    body = "一、2020年财政补助标准\n\n中央财政补助440元/人。\n二、其他\n\n保持参保率稳定在97%以上。"
    second = body.index("二、")
    sections = (Section((1,), "一、", "", Span(0, second)), Section((2,), "二、", "", Span(second, len(body))))
    central, target = figures(body, title="关于做好2019年有关工作的通知", sections=sections)
    assert (central.year, central.year_inferred, central.section_path) == (2020, True, (1,))
    assert (target.year, target.year_inferred, target.section_path) == (2019, True, (2,))  # from the title


def test_restated_figure_that_yields_to_a_national_rule() -> None:
    (f,) = figures("根据桂医保发〔2020〕46号文件规定：2021年度城乡居民医保个人缴费，按照每人不低于280元的标准缴纳；"
                   "国家对个人缴费有新规定的，从其规定。")
    assert f.restates == "桂医保发〔2020〕46号"
    assert f.yields_to_national


def test_a_rule_opening_its_paragraph_covers_the_paragraph() -> None:
    body = "根据桂医保发〔2020〕46号文件规定：人均补助标准新增30元。中央财政补助440元/人。\n\n地方财政补助110元/人。"
    increase, central, local = figures(body)
    assert increase.restates == central.restates == "桂医保发〔2020〕46号"
    assert local.restates is None  # a new paragraph


def test_tiers_split_into_one_figure_each() -> None:
    figs = figures("自治区财政对设区市和非贫困县的补助均为55元/人·年，设区市和非贫困县财政分别负担55元/人·年。")
    assert [(f.kind, f.scope, f.payer) for f in figs] == [
        ("provincial-subsidy", "设区市", "provincial"), ("provincial-subsidy", "非贫困县", "provincial"),
        ("city-subsidy", "设区市", "city"), ("county-subsidy", "非贫困县", "county"),
    ]


def test_a_named_division_is_the_region_and_lists_of_divisions_scope_regions() -> None:
    ratio, city = figures("邕宁区由市财政和城区财政按1:1分担，即市财政补助13.75元/人·年。")
    assert (ratio.kind, ratio.value, ratio.payer, ratio.region_code) == (
        "cost-sharing-ratio", Ratio((Decimal(1), Decimal(1))), "city:district", "450109")
    assert city.region_code == "450109"
    (listed,) = figures("市、县(区)筹集比例分别为榆中县、永登县6:4。", region="620100")
    assert (listed.region_code, listed.scope, listed.scope_regions) == ("620100", "榆中县、永登县", ("620123", "620121"))


def test_a_national_figure() -> None:
    (f,) = figures("全国居民医保人均财政补助标准达到每人每年不低于610元。")
    assert f.region_code == "100000"


def test_categories_paired_with_respective_amounts() -> None:
    figs = figures("“老年居民”、“未成年居民”个人缴费标准分别为650元/人、280元/人。")
    assert [(f.scope, f.value) for f in figs] == [("老年居民", Decimal(650)), ("未成年居民", Decimal(280))]


def test_unknown_kind_is_kept_as_other_with_a_warning() -> None:
    figs, problems = read("对按时参保的居民给予一次性奖励500元。")
    assert [(f.kind, f.value) for f in figs] == [("other", Decimal(500))]
    assert any(p.severity == "warning" and "other" in p.message for p in problems)


def test_a_table_cell_by_cell() -> None:
    body = ("各级财政人均补助标准表\n档次\t市、县\t合计(元)\t中央财政(元)\t省级财政(元)\t市县财政(元)\n"
            "第一档\t兰州、金昌\t550\t440\t96.4\t13.6\n")
    figs = figures(body, region="620000")
    assert [(f.kind, f.value, f.payer) for f in figs] == [
        ("per-capita-fiscal-subsidy", Decimal(550), None), ("central-subsidy", Decimal(440), "central"),
        ("provincial-subsidy", Decimal("96.4"), "provincial"), ("city-subsidy", Decimal("13.6"), "city-county"),
    ]
    assert all(f.scope == "第一档" and f.scope_regions == ("620100", "620300") and f.unit == "元" for f in figs)
    assert figs[-1].quote == "第一档\t兰州、金昌\t550\t440\t96.4\t13.6"
