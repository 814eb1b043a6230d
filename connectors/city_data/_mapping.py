"""Pure mapping: the hub's application -> the data-sharing platform's JSON body.

Each bundled form maps this target in its own template (`[mappings.city_data]`, forms/*.toml):
the business type as a constant, the person's facts copied, a summary made from its answers.
This is the connector's own mapping for a form without that table: the business type by the
form's id, and no summary, since which answers belong in one is the form's to say.
"""

from __future__ import annotations

from connectors.sdk import Application
from hub.errors import ConfigurationError

#: The platform's business type for each bundled form.
BUSINESS_TYPES = {
    "elderly-allowance": "高龄津贴",
    "veterans-info": "退役军人信息采集",
    "disability-allowance": "残疾人两项补贴",
    "minimum-living": "最低生活保障",
    "house-safety": "房屋安全排查",
}


def to_target(application: Application) -> dict[str, str]:
    business_type = BUSINESS_TYPES.get(application.form_id)
    if business_type is None:
        raise ConfigurationError(
            f"city_data has no business type for form {application.form_id!r}",
            user_message="该表单未配置数据归集的业务类型，请技术人员在表单模板中映射",
        )
    return {
        "business_type": business_type,
        "id_number": application.id_number,
        "name": application.name,
        "sex": application.sex,
        "birth_date": application.birth_date.isoformat(),
        "community_code": application.community_code,
        "business_date": application.applied_on.isoformat(),
        "phone": application.phone,
        "address": application.address,
        "summary": "",
    }
