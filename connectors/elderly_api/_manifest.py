from connectors.sdk import DecisionPollDecl, FieldDecl, Manifest, RetryPolicyDecl

MANIFEST = Manifest(
    id="elderly_api",
    name="市养老服务信息平台",
    version="0.2.0",
    kind="api",
    auth="api_key",
    allowed_hosts=["127.0.0.1", "localhost"],
    business_type="高龄津贴",
    fields=[
        FieldDecl(name="id_number", label="公民身份号码"),
        FieldDecl(name="name", label="姓名"),
        FieldDecl(name="sex", label="性别", kind="code"),
        FieldDecl(name="birth_date", label="出生日期", kind="date"),
        FieldDecl(name="phone", label="联系电话"),
        FieldDecl(name="address", label="户籍地址"),
        FieldDecl(name="community_code", label="社区代码", kind="code"),
        FieldDecl(name="allowance_type", label="津贴类别", kind="code"),
        FieldDecl(name="applied_on", label="申请日期", kind="date"),
    ],
    concurrency=4,
    start_to_close_timeout_s=30,
    heartbeat_timeout_s=30,
    retry=RetryPolicyDecl(initial_interval_s=1, maximum_interval_s=30, maximum_attempts=10),
    # Reviewers decide within days; asking every 10 minutes, backing off to every 6 hours.
    decisions=DecisionPollDecl(
        first_check_s=600, maximum_interval_s=6 * 3600, give_up_after_days=90
    ),
)
