from connectors.sdk import FieldDecl, Manifest, RetryPolicyDecl

MANIFEST = Manifest(
    id="city_data",
    name="市基层数据共享平台",
    version="0.1.0",
    kind="api",
    auth="api_key",
    allowed_hosts=["127.0.0.1", "localhost"],
    business_type="数据归集",
    fields=[
        # One of the platform's catalogue: 高龄津贴, 退役军人信息采集, 残疾人两项补贴,
        # 最低生活保障, 房屋安全排查 (a form's mapping sends it as a constant).
        FieldDecl(name="business_type", label="业务类型", kind="code"),
        FieldDecl(name="id_number", label="公民身份号码"),
        FieldDecl(name="name", label="姓名"),
        FieldDecl(name="sex", label="性别", kind="code"),
        FieldDecl(name="birth_date", label="出生日期", kind="date"),
        FieldDecl(name="community_code", label="社区代码", kind="code"),
        FieldDecl(name="business_date", label="业务日期", kind="date"),
        # Not every form asks for these; the platform takes them blank.
        FieldDecl(name="phone", label="联系电话", required=False),
        FieldDecl(name="address", label="地址", required=False),
        FieldDecl(name="summary", label="业务摘要", required=False),
    ],
    concurrency=4,
    # The platform admits 120 POSTs a minute per API key; the hub keeps below it.
    rate_limit_per_minute=100,
    start_to_close_timeout_s=30,
    heartbeat_timeout_s=30,
    # A 429 clears once its rolling minute has passed: start at 5 s and double up to 2 minutes,
    # so ten attempts span about ten minutes, past a burst and a short maintenance (503).
    retry=RetryPolicyDecl(
        initial_interval_s=5, backoff=2, maximum_interval_s=120, maximum_attempts=10
    ),
)
