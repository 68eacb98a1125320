"""Whole notices: header (issuers, 文号, title, addressees), body, footer, for each level of the chain.

national → provincial (implements or forwards the national notice) → prefecture (forwards or implements its
province's) → county (forwards its prefecture's). Each writer returns a `Written`: the text and its truth.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from graph import regions

from . import filler
from .facts import MUNICIPALITIES, NATIONAL, agencies
from .plan import RATIOS, ProvinceYear, Tier, split
from .style import Style
from .text import Doc, add_noise
from .wording import Writer


@dataclass
class Written:
    docno: str
    level: str
    region: str
    year: int
    title: str
    issuers: tuple[str, ...]
    date: dt.date
    text: str = ""
    figures: list[dict] = field(default_factory=list)
    relations: list[dict] = field(default_factory=list)  # {"relation", "docno", "title"}
    findings: list[dict] = field(default_factory=list)
    # Findings that follow from another notice's planted one (a prefecture that states the true share of a tier
    # its province misstated disagrees with it): explained, not planted; the bench does not count them as
    # unplanned, nor their absence as a miss (agrees-with-followed may or may not reach that far).
    consequences: list[dict] = field(default_factory=list)
    file: str = ""


def _we(code: str) -> str:
    level = regions.get(code).level
    name = regions.get(code).name
    if level == "provincial":
        return "我区" if name.endswith("自治区") else ("我市" if name.endswith("市") else "我省")
    if level == "municipal":
        return "我州" if name.endswith("州") else "我盟" if name.endswith("盟") else "我市"
    return "我区" if name.endswith("区") else "我旗" if name.endswith("旗") else "我市" if name.endswith("市") else "我县"


def _provincial_word(code: str) -> str:
    return "自治区" if regions.get(code).name.endswith("自治区") else "市" if code.endswith("0000") and regions.get(code).name.endswith("市") else "省"


def _header(doc: Doc, st: Style, rng: random.Random, w: Written, addressees: str) -> None:
    if rng.random() < 0.5:  # 版头 with 文件, as the scans show it
        doc.add("\n\n" + " ".join(w.issuers[:2]) + " 文件 " + " ".join(w.issuers[2:]) + "\n\n")
        doc.add(st.docno(w.docno) + "\n\n")
        title = w.title
        if rng.random() < 0.4 and len(title) > 30:  # a title broken over lines
            cut = rng.randrange(12, len(title) - 8)
            title = title[:cut] + "\n" + title[cut:]
        doc.add(("**" + title + "**" if rng.random() < 0.1 else title) + "\n\n")
    else:  # a web page: title first, then the number
        # 芜医保〔2022〕73号's page: the issuers before a title that does not name them.
        lead = "" if w.title.startswith(w.issuers[0]) else " ".join(w.issuers) + "\n\n"
        doc.add(lead + w.title + "\n\n" + st.docno(w.docno) + "\n\n")
    doc.add(addressees + "：\n\n")


def _footer(doc: Doc, st: Style, rng: random.Random, w: Written) -> None:
    d = w.date
    if rng.random() < 0.5:
        doc.add("\n\n" + "\n\n".join(w.issuers) + "\n\n" + st.date(d.year, d.month, d.day) + "\n\n")
        doc.add("（此件主动公开）\n" if rng.random() < 0.5 else "")
    else:
        printed = d + dt.timedelta(days=rng.randrange(0, 6))
        office = w.issuers[0] + "办公室"
        doc.add("\n\n公开方式：主动公开\n\n" + office + "\n\n" + st.date(printed.year, printed.month, printed.day) + "印发\n")


def _finish(doc: Doc, st: Style, rng: random.Random, w: Written, body_start: int) -> Written:
    doc.parts = [st.finish(doc.text)]
    add_noise(doc, rng, body_start, breaks=rng.choice((0, 0.02, 0.05)), pages=rng.random() < 0.4,
              watermark=rng.random() < 0.5)
    w.text = doc.text
    w.figures = doc.figures()
    return w


def _cite(st: Style, rng: random.Random, title: str, docno: str) -> str:
    return f"《{title}》（{st.docno(docno, rng)}）"


# -- national ------------------------------------------------------------------------------------------

def national(year: int, rng: random.Random) -> Written:
    """医保发〔2020〕24号 (the development set's partial copy) as the model."""
    nat = NATIONAL[year]
    st = Style.draw(rng)
    date = dt.date(year, nat.month, rng.randrange(1, 28))
    w = Written(nat.docno, "national", regions.NATION, year, nat.title, nat.issuers, date)
    doc = Doc()
    doc.add(nat.title + "\n\n" + st.docno(nat.docno) + "\n\n")
    doc.add("各省、自治区、直辖市及新疆生产建设兵团医保局、财政厅（局），国家税务总局各省、自治区、直辖市和计划单列市税务局：\n\n")
    body = doc.length
    doc.add(f"为进一步贯彻落实党中央、国务院关于完善统一的城乡居民基本医疗保险制度和大病保险制度的决策部署，"
            f"落实{st.y(year)}《政府工作报告》任务要求，做好城乡居民基本医疗保障工作，现就有关工作通知如下：\n\n")
    doc.add("一、提高城乡居民基本医疗保险筹资标准\n\n（一）继续提高财政补助标准。\n\n")
    wr = Writer(doc, st, rng, regions.NATION, year)
    wr.fig(f"{st.y(year)}城乡居民基本医疗保险（以下简称居民医保）人均财政补助标准新增{st.n(nat.subsidy_increase)}元",
           "fiscal-subsidy-increase", nat.subsidy_increase, "元")
    doc.add("，")
    wr.fig(f"达到每人每年不低于{st.n(nat.subsidy)}元", "per-capita-fiscal-subsidy", nat.subsidy, "元/人·年",
           qualifier="at-least")
    doc.add("。中央财政按规定对地方实行分档补助，地方各级财政要按规定足额安排财政补助资金并及时拨付到位。\n\n")
    doc.add("（二）稳步提高个人缴费标准。\n\n")
    wr.contribution(Decimal(nat.contribution), Decimal(nat.contribution_increase), year, at_least=False)
    doc.add("各统筹地区要统筹考虑基金收支平衡、待遇保障需要和各方承受能力等因素，合理确定具体筹资标准。\n\n")
    doc.add("二、巩固提高待遇保障水平\n\n")
    wr.benefits()
    doc.add(filler.BENEFITS[0] + "\n\n三、做好组织实施\n\n" + filler.PROVINCIAL[1] + "\n\n")
    _footer(doc, st, rng, w)
    return _finish(doc, st, rng, w, body)


# -- provincial ----------------------------------------------------------------------------------------

def _tiers(wr: Writer, py: ProvinceYear, pword: str) -> None:
    s, style = wr.s, py.province.style
    if style == "A":  # 桂医保发〔2023〕32号
        city, other, poor = py.tiers
        wr.add("地方财政补助部分，")
        wr.fig(f"{pword}财政对{poor.label}补助{s.n(poor.provincial)}元/人·年", "provincial-subsidy", poor.provincial,
               "元/人·年", scope=poor.label, payer="provincial")
        wr.add("，")
        wr.fig(f"{poor.label}财政负担{s.n(poor.lower)}元/人·年", "county-subsidy", poor.lower, "元/人·年",
               scope=poor.label, payer="county")
        wr.add("；")
        # "A和B…均为 N" and "A和B…分别负担 N" state one figure per tier (tests/data/figures/README.md).
        wr.fig(f"{pword}财政对设区市和{other.label}的补助均为{s.n(city.provincial)}元/人·年", "provincial-subsidy",
               city.provincial, "元/人·年", scope=city.label, payer="provincial")
        wr.same("provincial-subsidy", other.provincial, "元/人·年", scope=other.label, payer="provincial")
        wr.add("，")
        wr.fig(f"设区市和{other.label}财政分别负担{s.n(city.lower)}元/人·年", "city-subsidy", city.lower, "元/人·年",
               scope=city.label, payer="city")
        wr.same("county-subsidy", other.lower, "元/人·年", scope=other.label, payer="county")
        wr.add("。")
    elif style == "B":  # 晋医保发〔2021〕14号
        wr.add("各级财政补助标准为：")
        for i, t in enumerate(py.tiers):
            wr.fig(f"{t.label}中央补助{s.n(t.central)}元", "central-subsidy", t.central, "元", scope=t.label,
                   payer="central")
            wr.add("、")
            wr.fig(f"省级补助{s.n(t.provincial)}元", "provincial-subsidy", t.provincial, "元", scope=t.label,
                   payer="provincial")
            wr.add("、")
            wr.fig(f"市县两级补助不低于{s.n(t.lower)}元", "city-subsidy", t.lower, "元", qualifier="at-least",
                   scope=t.label, payer="city-county")
            wr.add("；" if i == 0 else "。")
    elif style == "C":  # 甘医保发〔2020〕66号 附表, 云 2024 转发, in prose
        wr.add("地方财政补助部分实行省级与各地财政分档分担，具体是：")
        for i, t in enumerate(py.tiers):
            names = "、".join(regions.get(c).name for c in t.members)
            wr.add(f"{t.label}（{names}），")
            wr.fig(f"省级财政补助{s.n(t.provincial)}元/人·年", "provincial-subsidy", t.provincial, "元/人·年",
                   scope=t.label, payer="provincial")
            wr.add("，")
            wr.fig(f"市县财政补助{s.n(t.lower)}元/人·年", "city-subsidy", t.lower, "元/人·年", scope=t.label,
                   payer="city-county")
            wr.add("；" if i < len(py.tiers) - 1 else "。")
    elif style == "D":
        t = py.tiers[0]
        wr.add("地方财政补助部分，")
        wr.fig(f"省级财政补助{s.n(t.provincial)}元/人·年", "provincial-subsidy", t.provincial, "元/人·年",
               payer="provincial")
        wr.add("，")
        wr.fig(f"市县财政补助{s.n(t.lower)}元/人·年", "city-subsidy", t.lower, "元/人·年", payer="city-county")
        wr.add("。")


def provincial(py: ProvinceYear, docno: str, date: dt.date, rng: random.Random, shiquan: str,
               plant: str | None) -> Written:
    code, year = py.province.code, py.year
    name = regions.get(code).name
    nat = NATIONAL[year]
    st = Style.draw(rng)
    issuers = agencies(name, "provincial", year)
    forwards = rng.random() < 0.25
    what = "城乡居民基本医疗保障有关工作" if year >= 2019 else "城乡居民基本医疗保险工作"
    if forwards:  # 云 2024 / 鄂 2021
        title = f"{' '.join(issuers)}转发关于做好{year}年{what}文件的通知"
    else:
        title = f"{' '.join(issuers)}关于做好{year}年{what}的通知"
    w = Written(docno, "provincial", code, year, title, issuers, date)
    doc = Doc()
    pword = _provincial_word(code)
    lower = "各区" if code in MUNICIPALITIES else "各市、县（市、区）"
    _header(doc, st, rng, w, f"{lower}医疗保障局、财政局、税务局" if year >= 2019 else f"{lower}人力资源社会保障局、财政局")
    body = doc.length
    cite = _cite(st, rng, nat.title, nat.docno)
    if forwards:
        doc.add(f"现将{cite}转发给你们，同时结合{_we(code)}实际，提出以下贯彻意见，请一并落实。\n\n")
        w.relations.append({"relation": "forwards", "docno": nat.docno, "title": nat.title})
    else:
        opening = rng.choice((f"为贯彻落实{cite}，结合{_we(code)}实际，现将有关事项通知如下：",
                              f"为持续推进医疗保障制度改革，保障城乡居民基本医疗保险制度稳健运行，根据{cite}精神，"
                              f"现就做好{regions.get(code).short_name}{year}年城乡居民基本医疗保障有关工作通知如下："))
        doc.add(opening + "\n\n")
        w.relations.append({"relation": "implements", "docno": nat.docno, "title": nat.title})
    wr = Writer(doc, st, rng, code, year)
    doc.add("一、合理确定居民医保筹资标准\n\n（一）继续提高财政补助和个人缴费标准。")
    subsidy_at_least = rng.random() < 0.5
    wr.subsidy(py.subsidy, py.increase, at_least=subsidy_at_least, subject="居民医保")
    cy = py.contribution_year
    at_least = py.contribution_year != year or rng.random() < 0.5
    wr.contribution(py.contribution, py.contribution_increase if cy == year else None, cy, at_least=at_least)
    doc.add("\n\n（二）按规定及时足额落实参保补助资金。")
    local = py.local
    if plant == "shares-add-up":
        local = local + rng.choice((Decimal(10), Decimal(-10), Decimal(5)))
        w.findings.append({"rule": "shares-add-up", "docno": docno, "accept": ["shares-add-up", "row-adds-up", "tier-shares-add-up"],
                           "message": f"central {py.central} + local {local} != {py.subsidy}"})
    if py.province.style != "B":
        wr.central_local(py.central, local, "我区" if pword == "自治区" else "地方")
    tiers_py = py
    if plant == "tier-shares-add-up" and py.tiers and py.province.style in ("C", "D"):
        t = py.tiers[0]
        bad = Tier(t.label, t.provincial, t.lower + Decimal(5), t.lower_kind, t.lower_payer, t.central, t.members)
        tiers_py = ProvinceYear(**{**py.__dict__, "tiers": (bad, *py.tiers[1:])})
        w.findings.append({"rule": "tier-shares-add-up", "docno": docno, "accept": ["tier-shares-add-up", "row-adds-up"],
                           "tier": t.label, "lower": str(bad.lower),
                           "message": f"{t.label}: {t.provincial} + {bad.lower} != {py.local}"})
    _tiers(wr, tiers_py, pword)
    if py.province.style != "M":
        doc.add(f"各级财政分担比例按照{_cite(st, rng, shiquan_title(code), shiquan)}规定执行。")
        w.relations.append({"relation": "applies", "docno": shiquan, "title": shiquan_title(code)})
    doc.add("\n\n（三）" + rng.choice(filler.ENROLMENT) + "\n\n")
    wr.assistance(py.province.assistance)
    doc.add("\n\n二、健全待遇保障机制\n\n" + filler.BENEFITS[0] + "\n\n")
    wr.benefits()
    doc.add(rng.choice(filler.BENEFITS[1:]) + "\n\n三、扎实推进参保扩面\n\n")
    if rng.random() < 0.5:
        wr.coverage(rng.choice((95, 97)))
    doc.add(filler.ENROLMENT[1] + "\n\n")
    if rng.random() < 0.5:
        wr.periods(year + 1)
        doc.add("\n\n")
    doc.add("四、切实抓好组织实施\n\n" + "\n\n".join(filler.PROVINCIAL) + "\n")
    _footer(doc, st, rng, w)
    return _finish(doc, st, rng, w, body)


def shiquan_title(code: str) -> str:
    name = regions.get(code).name
    return f"{name}人民政府办公厅关于印发{regions.get(code).short_name}医疗卫生领域财政事权和支出责任划分改革实施方案的通知"


# -- prefecture ----------------------------------------------------------------------------------------

def prefecture(city: str, py: ProvinceYear, parent: Written, docno: str, date: dt.date, rng: random.Random,
               counties: list[str], plant: str | None) -> tuple[Written, dict]:
    """兰医保〔2020〕142号, 洪医保发〔2020〕52号, 芜医保〔2022〕73号, 锡医保发〔2022〕44号 as the models.
    Returns the notice and what its counties follow (contribution, county shares by county)."""
    year = py.year
    r = regions.get(city)
    st = Style.draw(rng)
    issuers = agencies(r.name, "municipal", year)
    forwards = rng.random() < 0.65
    parent_short = parent.title.split("关于", 1)[-1]
    title = f"关于转发《关于{parent_short}》的通知" if forwards else \
        f"{' '.join(issuers)}关于做好{year}年{r.short_name}城乡居民基本医疗保障工作的通知"
    w = Written(docno, "municipal", city, year, title, issuers, date)
    doc = Doc()
    _header(doc, st, rng, w, "各县（区）医疗保障局、财政局，国家税务总局" + r.name + "各县（区）税务局")
    body = doc.length
    cite = _cite(st, rng, parent.title, parent.docno)
    if forwards:
        doc.add(rng.choice((f"现将{cite}转发给你们，请认真遵照执行，并在执行该文件过程中落实以下几个问题：",
                            f"现将{cite}转发给你们，请遵照执行。并就有关具体事项通知如下：",
                            f"现将{cite}转发给你们，同时结合{_we(city)}实际提出如下要求，请一并贯彻执行。")) + "\n\n")
        w.relations.append({"relation": "forwards", "docno": parent.docno, "title": parent.title})
    else:
        doc.add(rng.choice((f"根据{cite}精神，结合{_we(city)}实际，现将有关事宜通知如下：",
                            f"为深入贯彻落实{cite}要求，现就进一步做好{_we(city)}城乡居民基本医疗保险筹资和待遇保障等工作通知如下："))
                + "\n\n")
        w.relations.append({"relation": "implements", "docno": parent.docno, "title": parent.title})
    wr = Writer(doc, st, rng, city, year)
    follow: dict = {"counties": {}}
    doc.add("一、进一步提高城乡居民基本医疗保险财政补助标准。\n\n")
    if py.tiers and py.province.style in ("C", "D", "A"):
        t = py.tier_for_prefecture(city)
        wr.fig(f"{st.y(year)}{r.short_name}城乡居民基本医疗保险（以下简称居民医保）人均财政标准新增{st.n(py.increase)}元",
               "fiscal-subsidy-increase", py.increase, "元")
        doc.add("，")
        wr.fig(f"达到每人每年{st.n(py.subsidy)}元", "per-capita-fiscal-subsidy", py.subsidy, "元/人·年")
        doc.add("，")
        wr.fig(f"其中中央财政补贴{st.n(py.central)}元", "central-subsidy", py.central, "元", payer="central")
        doc.add("，")
        wr.fig(f"省级财政补贴{st.n(t.provincial)}元", "provincial-subsidy", t.provincial, "元", payer="provincial")
        doc.add("，")
        lower = t.lower
        misstated = next((f for f in parent.findings if f["rule"] == "tier-shares-add-up"), None)
        if plant == "row-adds-up":
            lower = lower + Decimal(5)
            w.findings.append({"rule": "row-adds-up", "docno": docno, "accept": ["row-adds-up", "agrees-with-followed"],
                               "message": f"{py.central} + {t.provincial} + {lower} != {py.subsidy}"})
        if misstated and t.label == misstated["tier"] and lower != Decimal(misstated["lower"]):
            w.consequences.append({"rule": "agrees-with-followed", "docno": docno, "cause": parent.docno,
                                   "message": f"{t.label}: {lower} against {misstated['lower']} in {parent.docno}"})
        wr.fig(f"市县（区）财政补贴{st.n(lower)}元", "city-subsidy", lower, "元", payer="city-county")
        doc.add("。")
        groups = _groups(counties, rng)
        if groups:
            doc.add("市、县（区）筹集比例分别为")
            for i, (members, ratio) in enumerate(groups):
                names = "、".join(regions.get(c).name for c in members)
                rtext = f"{ratio[0]}:{ratio[1]}"
                wr.fig(f"{names}{rtext}" if i else f"{names}{rtext}", "cost-sharing-ratio", rtext, "ratio",
                       scope=names, payer="city:county")
                doc.add("，" if i < len(groups) - 1 else "。")
            if rng.random() < 0.5:  # 锡医保发〔2022〕44号: the amounts of each group
                for members, ratio in groups:
                    names = "、".join(regions.get(c).name for c in members)
                    a, b = split(lower, ratio)
                    if plant == "ratio-matches-amounts" and not any(
                            f["rule"] == plant for f in w.findings):
                        a, b = a + Decimal(2), b - Decimal(2)
                        w.findings.append({"rule": plant, "docno": docno, "accept": [plant],
                                           "message": f"{ratio[0]}:{ratio[1]} of {lower} is not {a} + {b}"})
                    doc.add(f"{names}，")
                    wr.fig(f"市本级财政补助{st.n(a)}元/人", "city-subsidy", a, "元/人", scope=names, payer="city")
                    doc.add("，")
                    wr.fig(f"县（区）级财政补助{st.n(b)}元/人", "county-subsidy", b, "元/人", scope=names, payer="county")
                    doc.add("；")
                    for c in members:
                        follow["counties"][c] = b
        doc.add("市级及各区县财政补助资金要按规定及时足额拨付到位。\n\n")
    doc.add("二、明确城乡居民个人缴费标准\n\n")
    cy, level = py.contribution_year, py.contribution
    if plant == "below-floor":
        level = level - rng.choice((Decimal(20), Decimal(30)))
        w.findings.append({"rule": "below-floor", "docno": docno, "other": parent.docno,
                           "accept": ["below-floor", "agrees-with-followed"],
                           "message": f"individual contribution {level} below {py.contribution}"})
    else:
        follow["contribution"] = (cy, level)
    wr.contribution(level, None, cy, at_least=False)
    doc.add("\n\n三、进一步提高困难群众参保资助标准。")
    wr.assistance(py.province.assistance)
    doc.add("\n\n四、" + rng.choice(filler.LOCAL).format(place=r.short_name) + "\n\n")
    if rng.random() < 0.5:
        wr.periods(year + 1)
        follow["periods"] = True
    if forwards:  # the 附件说明 naming the forwarded notice (its text is not carried here)
        doc.add("\n\n附件：" + _cite(st, rng, parent.title, parent.docno) + "\n")
        w.relations.append({"relation": "attachment", "docno": parent.docno, "title": parent.title})
    _footer(doc, st, rng, w)
    return _finish(doc, st, rng, w, body), follow


def _groups(counties: list[str], rng: random.Random) -> list[tuple[list[str], tuple[int, int]]]:
    if len(counties) < 4:
        return []
    shuffled = sorted(counties, key=lambda c: rng.random())
    cut = len(shuffled) // 2
    first, second = sorted(shuffled[:cut]), sorted(shuffled[cut:])
    r1, r2 = rng.sample(RATIOS, 2)
    return [(first[:6], r1), (second[:6], r2)]


# -- county --------------------------------------------------------------------------------------------

def county(code: str, parent: Written, follow: dict, year: int, docno: str, date: dt.date,
           rng: random.Random) -> Written:
    """芜医保〔2022〕73号 shape, one level down: forward the prefecture's notice, add the county's own part."""
    r = regions.get(code)
    st = Style.draw(rng)
    issuers = agencies(r.name, "county", year)
    title = f"关于转发《{parent.title}》的通知"
    w = Written(docno, "county", code, year, title, issuers, date)
    doc = Doc()
    _header(doc, st, rng, w, f"各乡（镇）人民政府、街道办事处，{'区' if r.name.endswith('区') else '县'}直各有关单位")
    body = doc.length
    doc.add(f"现将{_cite(st, rng, parent.title, parent.docno)}转发给你们，请认真贯彻执行。结合{_we(code)}实际，"
            f"现就有关事项补充通知如下：\n\n")
    w.relations.append({"relation": "forwards", "docno": parent.docno, "title": parent.title})
    wr = Writer(doc, st, rng, code, year)
    n = 1
    if code in follow.get("counties", {}):
        amount = follow["counties"][code]
        doc.add(f"{'一二三四'[n - 1]}、")
        district = r.name.endswith("区")  # a 市辖区's own share is the scheme's district subsidy (kinds.ttl)
        wr.fig(f"{st.y(year)}{r.name}级财政按每人每年{st.n(amount)}元安排城乡居民基本医疗保险财政补助资金",
               "district-subsidy" if district else "county-subsidy", amount, "元/人·年",
               payer="district" if district else "county")
        doc.add("，并按规定及时足额拨付到位。\n\n")
        n += 1
    if "contribution" in follow:
        cy, level = follow["contribution"]
        doc.add(f"{'一二三四'[n - 1]}、")
        wr.contribution(level, None, cy, at_least=False)
        doc.add("\n\n")
        n += 1
    doc.add(f"{'一二三四'[n - 1]}、" + rng.choice(filler.LOCAL).format(place=r.short_name) + "\n")
    _footer(doc, st, rng, w)
    return _finish(doc, st, rng, w, body)


# -- a second, contribution-only notice ----------------------------------------------------------------

def contribution_notice(code: str, parent: Written, follow: dict, year: int, docno: str, date: dt.date,
                        rng: random.Random) -> Written:
    """泰州 2022 (明确2023年度…个人缴费标准的通知): a prefecture states next year's contribution on its own."""
    r = regions.get(code)
    st = Style.draw(rng)
    issuers = agencies(r.name, r.level, year)[:2]
    cy = year + 1
    title = f"{' '.join(issuers)}关于明确{cy}年度城乡居民基本医疗保险个人缴费标准的通知"
    w = Written(docno, r.level, code, year, title, issuers, date)
    doc = Doc()
    _header(doc, st, rng, w, "各县（市、区）医疗保障局，各县（市、区）财政局")
    body = doc.length
    doc.add(f"根据{_cite(st, rng, parent.title, parent.docno)}要求，结合{_we(code)}实际，现对{_we(code)}{st.y(cy)}度"
            f"城乡居民基本医疗保险个人缴费标准明确如下：\n\n")
    w.relations.append({"relation": "implements", "docno": parent.docno, "title": parent.title})
    wr = Writer(doc, st, rng, code, year)
    if "contribution" in follow and follow["contribution"][0] == cy:
        level = follow["contribution"][1]
        doc.add("一、")
        wr.fig(f"{st.y(cy)}度城乡居民基本医疗保险个人缴费标准为{st.n(level)}元/人", "individual-contribution", level,
               "元/人", year=cy, year_type="insurance")
        doc.add("。其他符合条件的困难群体按规定予以资助参保。\n\n二、")
    else:
        doc.add("一、")
    doc.add(rng.choice(filler.LOCAL).format(place=r.short_name) + "\n")
    _footer(doc, st, rng, w)
    return _finish(doc, st, rng, w, body)
