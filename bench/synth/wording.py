"""The sentences that state figures, several wordings per construction, each read from a real notice
(the notice it comes from is named beside it). A wording appends to a `Doc` and records the golden figure
of every number it writes, in the conventions of tests/data/figures/README.md."""

from __future__ import annotations

import random
from decimal import Decimal

from .style import Style, value_text
from .text import Doc


class Writer:
    """Appends a notice's sentences for one region and year in one style."""

    def __init__(self, doc: Doc, style: Style, rng: random.Random, region: str, year: int):
        self.doc, self.s, self.rng, self.region, self.year = doc, style, rng, region, year

    def add(self, text: str) -> None:
        self.doc.add(text)

    def fig(self, text: str, kind: str, value: Decimal | int | str, unit: str, *, qualifier: str = "exact",
            year: int | None = None, year_type: str = "fiscal", scope: str | None = None,
            region: str | None = None, payer: str | None = None, restates: str | None = None,
            yields: bool = False) -> None:
        self.doc.fig(text, kind=kind, value=value if isinstance(value, str) else value_text(value), unit=unit,
                     qualifier=qualifier, year=year or self.year, year_type=year_type,
                     region=region or self.region, scope=scope, payer=payer, restates=restates,
                     yields_to_national=yields)

    def same(self, kind: str, value: Decimal | int | str, unit: str, **kw: object) -> None:
        """Another figure stated by the last figure's words (A和B…均为 N: one figure per tier)."""
        last = self.doc.marks[-1]
        self.fig("", kind, value, unit, **kw)  # type: ignore[arg-type]
        self.doc.marks[-1].start, self.doc.marks[-1].end = last.start, last.end

    # -- the per-capita subsidy and its increase -------------------------------------------------------

    def subsidy(self, level: Decimal, increase: Decimal, *, at_least: bool, subject: str) -> None:
        s, y = self.s, self.year
        q = "at-least" if at_least else "exact"
        floor = "不低于" if at_least else ""
        v = self.rng.randrange(4)
        if v == 0:  # 桂医保发〔2023〕32号
            self.fig(f"{s.y(y)}{subject}各级财政人均补助标准在{s.y(y - 1)}的基础上新增{s.n(increase)}元",
                     "fiscal-subsidy-increase", increase, "元")
            self.add("，")
            self.fig(f"达到每人每年{floor}{s.n(level)}元", "per-capita-fiscal-subsidy", level, "元/人·年", qualifier=q)
        elif v == 1:  # 医保发〔2020〕24号, 鄂 2021 转发
            self.fig(f"{s.y(y)}城乡居民基本医疗保险（以下简称居民医保）人均财政补助标准新增{s.n(increase)}元",
                     "fiscal-subsidy-increase", increase, "元")
            self.add("，")
            self.fig(f"达到每人每年{floor}{s.n(level)}元", "per-capita-fiscal-subsidy", level, "元/人·年", qualifier=q)
        elif v == 2:  # 晋医保发〔2021〕14号
            self.fig(f"{s.y(y)}，{subject}人均财政补助标准提高{s.n(increase)}元", "fiscal-subsidy-increase", increase, "元")
            self.add("，")
            self.fig(f"达到{floor}{s.n(level)}元", "per-capita-fiscal-subsidy", level, "元", qualifier=q)
        else:  # 锡医保发〔2022〕44号
            self.fig(f"{s.y(y)}城乡居民基本医疗保险(以下简称居民医保)人均财政补助标准新增{s.n(increase)}元",
                     "fiscal-subsidy-increase", increase, "元")
            self.add(",")
            self.fig(f"达到每人每年{floor}{s.n(level)}元", "per-capita-fiscal-subsidy", level, "元/人·年", qualifier=q)
        self.add("。")

    # -- the individual contribution -------------------------------------------------------------------

    def contribution(self, level: Decimal, increase: Decimal | None, cyear: int, *, at_least: bool,
                     restates: str | None = None) -> None:
        s = self.s
        q = "at-least" if at_least else "exact"
        floor = "不低于" if at_least else ""
        v = self.rng.randrange(3) if increase is not None else 3 + self.rng.randrange(2)
        if v == 0:  # 医保发〔2020〕24号
            self.fig(f"原则上个人缴费标准同步提高{s.n(increase)}元", "individual-contribution-increase", increase, "元",
                     year=cyear, year_type="insurance")
            self.add("，")
            self.fig(f"达到每人每年{floor}{s.n(level)}元", "individual-contribution", level, "元/人·年", qualifier=q,
                     year=cyear, year_type="insurance", restates=restates)
            self.add("。")
        elif v == 1:  # 赣医保发〔2020〕15号
            self.fig(f"个人缴费标准在{s.y(cyear - 1)}基础上新增{s.n(increase)}元", "individual-contribution-increase",
                     increase, "元", year=cyear, year_type="insurance")
            self.add("，")
            self.fig(f"达到每人每年{floor}{s.n(level)}元", "individual-contribution", level, "元/人·年", qualifier=q,
                     year=cyear, year_type="insurance", restates=restates)
            self.add("。")
        elif v == 2:  # 鄂 2021 转发
            self.fig(f"{s.y(cyear)}度个人缴费标准同步提高{s.n(increase)}元", "individual-contribution-increase",
                     increase, "元", year=cyear, year_type="insurance")
            self.add(",")
            self.fig(f"达到每人每年{floor}{s.n(level)}元", "individual-contribution", level, "元/人·年", qualifier=q,
                     year=cyear, year_type="insurance", restates=restates)
            self.add("。")
        elif v == 3:  # 桂医保发〔2023〕32号
            self.fig(f"{s.y(cyear)}度居民医保个人缴费，按照每人每年{floor}{s.n(level)}元的标准缴纳",
                     "individual-contribution", level, "元/人·年", qualifier=q, year=cyear, year_type="insurance",
                     restates=restates, yields=True)
            self.add("；国家对个人缴费有新规定的，从其规定。")
        else:  # 洪医保发〔2020〕52号
            self.fig(f"{s.y(cyear)}城乡居民基本医疗保险个人缴费标准为{floor}{s.n(level)}元", "individual-contribution",
                     level, "元", qualifier=q, year=cyear, year_type="insurance", restates=restates)
            self.add("。")

    # -- central and local shares ----------------------------------------------------------------------

    def central_local(self, central: Decimal, local: Decimal, local_word: str = "地方") -> None:
        s = self.s
        if self.rng.random() < 0.5:  # 桂医保发〔2023〕32号
            self.fig(f"中央财政补助{s.n(central)}元/人·年", "central-subsidy", central, "元/人·年", payer="central")
            self.add("，")
            self.fig(f"{local_word}财政补助{s.n(local)}元/人·年", "local-subsidy", local, "元/人·年")
        else:  # 桂人社发〔2017〕33号
            self.fig(f"中央财政补助{s.n(central)}元/人", "central-subsidy", central, "元/人", payer="central")
            self.add("，")
            self.fig(f"{local_word}财政补助{s.n(local)}元/人", "local-subsidy", local, "元/人")
        self.add("。")

    # -- assistance, periods, benefits ---------------------------------------------------------------

    def assistance(self, amount: Decimal) -> None:
        """甘医保发〔2020〕66号 / 兰医保〔2020〕142号. The sentence states no year: by the golden conventions
        it is the year of the sentences before it, its headings, then the title: the notice's year here."""
        cyear = self.year
        s = self.s
        full = "特困人员、孤儿"
        self.fig(f"对{full}参加城乡居民基本医疗保险个人缴费部分给予全额资助", "contribution-assistance", "100", "%",
                 year=cyear, year_type="insurance", scope=full)
        self.add("；")
        group = "城乡低保对象"  # one group name, so that a prefecture's restatement compares with its province's
        self.fig(f"对{group}参加城乡居民基本医疗保险的个人缴费部分给予{s.n(amount)}元的定额资助",
                 "contribution-assistance", amount, "元", year=cyear, year_type="insurance", scope=group)
        self.add("。")

    def periods(self, cyear: int) -> None:
        """南医保发〔2020〕60号: the contribution period of the next insurance year and its benefit period."""
        s = self.s
        b = cyear - 1
        self.fig(f"{s.y(cyear)}城乡居民基本医疗保险集中缴费期为：{s.date(b, 9, 1)}至{s.date(b, 12, 31)}",
                 "contribution-period", f"{b}-09-01/{b}-12-31", "interval", year=cyear, year_type="insurance")
        self.add("，")
        self.fig(f"待遇享受期为{s.date(cyear, 1, 1)}至{s.date(cyear, 12, 31)}", "benefit-period",
                 f"{cyear}-01-01/{cyear}-12-31", "interval", year=cyear, year_type="insurance")
        self.add("。")

    def benefits(self) -> None:
        s = self.s
        if self.rng.random() < 0.6:  # 桂医保发〔2023〕32号
            self.add("继续巩固居民医保住院待遇水平，")
            self.fig(f"确保政策范围内基金支付比例稳定在{s.n(70)}%左右", "inpatient-reimbursement-rate", 70, "%",
                     qualifier="about", year_type="calendar")
            self.add("。")
        if self.rng.random() < 0.6:  # 赣医保发〔2020〕15号
            self.add("对参保人员一个自然年度内累计个人负担的政策范围内医药费用，扣除大病保险起付线以后，")
            self.fig(f"政策范围内支付比例提高到{s.n(60)}%", "critical-illness-reimbursement-rate", 60, "%",
                     year_type="calendar")
            self.add("，")
            self.fig(f"大病保险年度累计支付限额原则上不低于{s.n(25)}万元", "critical-illness-annual-cap", 25, "万元",
                     qualifier="at-least", year_type="calendar")
            self.add("。")

    def coverage(self, pct: int) -> None:
        self.add("建立医保、税务等部门齐抓共管的参保征缴管理和信息交互机制，")
        self.fig(f"保持参保率稳定在{self.s.n(pct)}%以上", "coverage-target", pct, "%", qualifier="at-least",
                 year_type="calendar")
        self.add("。")
