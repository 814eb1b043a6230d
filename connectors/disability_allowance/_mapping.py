"""Pure mapping: the hub's application -> the 两项补贴 form, keyed by Chinese label."""

from __future__ import annotations

from connectors.sdk import Application
from hub.errors import ConfigurationError

#: The form's answer subsidy_types ("living", "care" or "living,care") -> the system's checkboxes.
SUBSIDIES = {"living": "困难残疾人生活补贴", "care": "重度残疾人护理补贴"}
#: How the system prints several subsidies in one cell (申请查询), and how 补贴类型 is mapped.
SUBSIDY_SEPARATOR = "、"


def to_target(application: Application) -> dict[str, str]:
    return {
        "姓名": application.name,
        "公民身份号码": application.id_number,
        "性别": application.sex,  # the form's option values are GB/T 2261.1 codes
        "残疾证号": application.answer("disability_card_no"),
        "残疾类别": application.answer("disability_category"),  # option values 1-7
        "残疾等级": application.answer("disability_grade"),  # option values 1-4
        "补贴类型": SUBSIDY_SEPARATOR.join(_subsidies(application.answer("subsidy_types"))),
        # The 9-digit 乡镇(街道) code: the first nine digits of the 12-digit community code.
        "所在地区": application.community_code[:9],
        "详细地址": application.address,
        "联系电话": application.phone,
        "开户银行": application.answer("bank"),
        "银行账号": application.answer("bank_account"),
        "申请日期": application.applied_on.isoformat(),
    }


def region_chain(township: str) -> tuple[str, str, str]:
    """The 市, 县(市、区) and 乡镇(街道) codes the three region selects take, from the last."""
    return f"{township[:4]}00", township[:6], township


def _subsidies(answer: str) -> list[str]:
    chosen = [part.strip() for part in answer.split(",") if part.strip()]
    if not chosen or any(part not in SUBSIDIES for part in chosen):
        # The hub's form only offers these; anything else is a form and connector out of step.
        raise ConfigurationError(f"subsidy_types {answer!r} is not living, care or living,care")
    return [SUBSIDIES[part] for part in SUBSIDIES if part in chosen]


#: Fields typed into text boxes and chosen in selects; 补贴类型, 所在地区 and 申请日期 are not.
TEXT_BOXES = ("姓名", "公民身份号码", "残疾证号", "详细地址", "联系电话", "银行账号")
SELECTS = ("性别", "残疾类别", "残疾等级", "开户银行")
