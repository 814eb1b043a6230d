from connectors.sdk import DecisionPollDecl, FieldDecl, Manifest, RetryPolicyDecl

MANIFEST = Manifest(
    id="housing_safety",
    name="市房屋安全信息平台",
    version="0.1.0",
    kind="api",
    auth="api_key",
    allowed_hosts=["127.0.0.1", "localhost"],
    business_type="房屋安全排查",
    fields=[
        FieldDecl(name="address", label="房屋地址"),
        FieldDecl(name="community_code", label="社区代码", kind="code"),
        FieldDecl(name="owner_name", label="产权人/使用人姓名"),
        FieldDecl(name="owner_id_number", label="公民身份号码"),
        FieldDecl(name="phone", label="联系电话"),
        FieldDecl(name="structure", label="结构类型", kind="code"),
        FieldDecl(name="built_year", label="建成年份", kind="number"),
        FieldDecl(name="floors", label="层数", kind="number"),
        FieldDecl(name="safety_level", label="安全等级", kind="code"),
        FieldDecl(name="hazards", label="隐患描述", required=False),
        FieldDecl(name="inspected_on", label="排查日期", kind="date"),
        FieldDecl(name="inspector", label="排查人"),
    ],
    concurrency=4,
    # The platform admits 60 POSTs a minute per API key; the hub keeps below it.
    rate_limit_per_minute=60,
    start_to_close_timeout_s=30,
    heartbeat_timeout_s=30,
    # A 429 clears once its rolling minute has passed: start at 5 s and double up to 2 minutes,
    # so ten attempts span about ten minutes, past a burst and a short maintenance (503).
    retry=RetryPolicyDecl(
        initial_interval_s=5, backoff=2, maximum_interval_s=120, maximum_attempts=10
    ),
    # 复核 happens within days; asking every 10 minutes, backing off to every 6 hours.
    decisions=DecisionPollDecl(
        first_check_s=600, maximum_interval_s=6 * 3600, give_up_after_days=90
    ),
)
