"""Answers for the five universal forms: one valid set each, and values at the edges of their
rules, shared by the template tests."""

from __future__ import annotations

from datetime import date, timedelta

from hub.clock import beijing_today
from hub.store import ResidentFacts

ID_NUMBER = "32020619420315124X"  # born 1942-03-15
OTHER_ID = "320206193607080025"
TODAY = beijing_today()
TOMORROW = (TODAY + timedelta(days=1)).isoformat()

VALID: dict[str, dict[str, str]] = {
    "elderly-allowance": {
        "phone": "13912345678",
        "address": "无锡市惠山区玉祁街道玉祁社区1幢1单元101室",
        "allowance_type": "80-89",
        "bank": "江苏银行",
        "bank_account": "6228480012345678901",
        "applied_on": "2026-11-25",
    },
    "veterans-info": {
        "phone": "13812345678",
        "address": "江苏省无锡市惠山区堰桥街道锡澄路88号",
        "ethnic_group": "01",
        "enlisted_on": "1986-12-01",
        "discharged_on": "1990-12-01",
        "unit": "南京军区某部",
        "discharge_type": "4",
        "rank": "中士",
        "placement": "1",
        "receives_pension": "no",
        "hardship": "",
        "applied_on": "2026-11-28",
    },
    "disability-allowance": {
        "phone": "13901000315",
        "address": "无锡市惠山区玉祁街道玉祁社区3幢101室",
        "disability_card_no": f"{ID_NUMBER}41",
        "disability_category": "4",
        "disability_grade": "1",
        "subsidy_types": "living,care",
        "bank": "江苏银行",
        "bank_account": "6228480012345678901",
        "applied_on": "2026-11-28",
    },
    "minimum-living": {
        "phone": "13902000419",
        "address": "无锡市惠山区玉祁街道瑞星社区3幢101室",
        "household_size": "2",
        "monthly_income": "600.50",
        "application_reason": "年老体弱，无固定收入",
        "applied_on": "2026-11-28",
    },
    "house-safety": {
        "phone": "13902000419",
        "address": "无锡市梁溪区崇安寺街道健康路12号",
        "structure": "砖混",
        "built_year": "1985",
        "floors": "3",
        "safety_level": "C",
        "hazards": "北侧承重墙斜向开裂",
        "applied_on": "2026-11-24",
        "inspector": "李芳",
    },
    # A data request's row (the locked name, ID number and birth date come from the store).
    "collect-elderly-80": {
        "address": "玉祁社区锦绣苑3幢2单元101室",
        "phone": "13812345678",
        "living_status": "alive",
        "living_arrangement": "alone",
        "health": "fair",
        "emergency_phone": "13987654321",
        "remarks": "子女在外地",
    },
    "survey-home-care": {
        "age_band": "80+",
        "lives_with": "alone",
        "most_needed": "meals",
        "satisfaction": "4",
        "suggestions": "希望增加助餐点",
        "phone": "",
    },
}

# Values near each rule's edges, and ones that trip Unicode digits and whitespace.
TRICKY = [
    "",
    " ",
    "\u3000",
    "x",
    "0",
    "00",
    "03",
    "1",
    "21",
    "100",
    "1899",
    "1900",
    str(TODAY.year),
    str(TODAY.year + 1),
    "1.5",
    "12.345",
    "1,000",
    "1e3",
    "-5",
    "２",
    "６２２８４８００１２３４５６７８９",
    "622848001234567²",
    "6228480012345678\n",
    "6228 4800 1234 5678 901",
    "6" * 15,
    "6" * 16,
    "6" * 20,
    "1391234567",
    " 13912345678 ",
    "23912345678",
    "无锡",
    "无锡市区",
    "某",
    "裂" * 501,
    "困" * 20,
    "困" * 21,
    "2026-11-25",
    "1986-12-01",
    "1970-01-01",
    "25/11/2026",
    "2026-1-5",
    "2026-11-25T00:00:00",
    TODAY.isoformat(),
    TOMORROW,
    f"{ID_NUMBER}41",
    f"{ID_NUMBER}42",
    f"{ID_NUMBER}51",
    f"{ID_NUMBER}31",
    f"{ID_NUMBER}81",
    f"{OTHER_ID}21",
    "32020619420315124x 41",
    "80-89",
    "90-99",
    "100+",
    "70-79",
    "江苏银行",
    "花旗银行",
    "living",
    "care",
    "living,care",
    "both",
    "A",
    "C",
    "E",
    "砖混",
    "钢结构",
    "yes",
    "是",
    "01",
    "56",
    "57",
    "4",
    "9",
    "003",
    "0003",
]


def facts(
    birth: date, id_number: str = ID_NUMBER, phone: str | None = "13901000315"
) -> ResidentFacts:
    return ResidentFacts(
        id=1,
        name="𠮷祥英",
        id_number=id_number,
        phone=phone,
        sex="2",
        birth_date=birth,
        address="无锡市惠山区玉祁街道玉祁社区3幢101室",
        community_code="320206104001",
        community_name="玉祁社区",
    )


#: A small template with a condition and a repeating group (the bundled forms have none).
HOUSEHOLD = """\
id = "household"
version = 1
title = "家庭情况登记"
targets = ["social_assistance"]

[[sections]]
title = "申请人"

[[sections.fields]]
name = "has_card"
label = "是否持证"
type = "select"
options = "yes_no"

[[sections.fields]]
name = "card_no"
label = "证号"
normalize = ["strip"]
pattern = "[0-9]{6}"
pattern_message = "证号应为6位数字"
visible_if = { field = "has_card", equals = "yes" }

[[sections.fields]]
name = "note"
label = "备注"

[[sections]]
title = "家庭成员"
name = "members"
repeat = { min = 1, max = 3, item_label = "家庭成员" }

[[sections.fields]]
name = "member_name"
label = "姓名"
normalize = ["strip"]
min_length = 2
message = "请填写成员姓名"

[[sections.fields]]
name = "id_number"
label = "公民身份号码"
type = "idcard"

[[sections.fields]]
name = "works"
label = "是否就业"
type = "select"
options = "yes_no"

[[sections.fields]]
name = "employer"
label = "工作单位"
visible_if = { field = "works", equals = "yes" }

[[sections.fields]]
name = "born_on"
label = "出生日期"
type = "date"
required = false
"""
