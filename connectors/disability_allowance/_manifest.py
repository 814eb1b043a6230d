from connectors.sdk import DecisionPollDecl, FieldDecl, Manifest, RetryPolicyDecl

MANIFEST = Manifest(
    id="disability_allowance",
    name="省残疾人两项补贴管理系统",
    version="0.1.0",
    kind="robot",
    auth="vault",
    allowed_hosts=["127.0.0.1", "localhost"],
    business_type="残疾人两项补贴",
    fields=[
        FieldDecl(name="姓名", label="姓名"),
        FieldDecl(name="公民身份号码", label="公民身份号码"),
        FieldDecl(name="性别", label="性别", kind="code"),
        FieldDecl(name="残疾证号", label="残疾证号"),
        FieldDecl(name="残疾类别", label="残疾类别", kind="code"),
        FieldDecl(name="残疾等级", label="残疾等级", kind="code"),
        FieldDecl(name="补贴类型", label="补贴类型"),
        FieldDecl(name="所在地区", label="所在地区", kind="code"),
        FieldDecl(name="详细地址", label="详细地址"),
        FieldDecl(name="联系电话", label="联系电话"),
        FieldDecl(name="开户银行", label="开户银行", kind="code"),
        FieldDecl(name="银行账号", label="银行账号"),
        FieldDecl(name="申请日期", label="申请日期", kind="date"),
    ],
    concurrency=1,  # one session per account on this system
    start_to_close_timeout_s=180,
    heartbeat_timeout_s=60,
    retry=RetryPolicyDecl(initial_interval_s=2, maximum_interval_s=60, maximum_attempts=8),
    # Reviewers decide within days; asking every 10 minutes, backing off to every 6 hours.
    decisions=DecisionPollDecl(
        first_check_s=600, maximum_interval_s=6 * 3600, give_up_after_days=90
    ),
)
