"""Pure mapping: the hub's 低保 application -> the 社会救助 entry form, keyed by Chinese label."""

from __future__ import annotations

from connectors.sdk import Application


def to_target(application: Application) -> dict[str, str]:
    return {
        "申请人姓名": application.name,
        "公民身份号码": application.id_number,
        "性别": application.sex,  # the form's option values are GB/T 2261.1 codes
        "家庭人口": application.answer("household_size"),
        "家庭月人均收入（元）": application.answer("monthly_income"),
        "户籍地址": application.address,
        "所属社区": application.community_name,
        "申请原因": application.answer("application_reason"),
        "联系电话": application.phone,
        "申请日期": application.applied_on.isoformat(),
    }


#: Fields filled through <select>; the others are text boxes, a number box and a textarea.
SELECTS = frozenset({"性别"})
