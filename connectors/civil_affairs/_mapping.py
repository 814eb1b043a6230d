"""Pure mapping: the hub's application -> the civil-affairs form, keyed by Chinese label."""

from __future__ import annotations

from connectors.sdk import Application


def to_target(application: Application) -> dict[str, str]:
    return {
        "姓名": application.name,
        "公民身份号码": application.id_number,
        "性别": application.sex,  # the form's option values are GB/T 2261.1 codes
        "出生日期": application.birth_date.isoformat(),
        "联系电话": application.phone,
        "户籍地址": application.address,
        "所属社区": application.community_name,
        "津贴类别": application.answer("allowance_type"),
        "开户银行": application.answer("bank"),
        "银行账号": application.answer("bank_account"),
        "申请日期": application.applied_on.isoformat(),
    }


#: Fields filled through <select>; the others are text boxes.
SELECTS = frozenset({"性别", "津贴类别", "开户银行"})
