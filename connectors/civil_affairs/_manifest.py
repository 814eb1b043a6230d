from connectors.sdk import DecisionPollDecl, FieldDecl, Manifest, RetryPolicyDecl

MANIFEST = Manifest(
    id="civil_affairs",
    name="省民政厅高龄津贴管理系统",
    version="0.1.0",
    kind="robot",
    auth="vault",
    allowed_hosts=["127.0.0.1", "localhost"],
    business_type="高龄津贴",
    fields=[
        FieldDecl(name="姓名", label="姓名"),
        FieldDecl(name="公民身份号码", label="公民身份号码"),
        FieldDecl(name="性别", label="性别", kind="code"),
        FieldDecl(name="出生日期", label="出生日期", kind="date"),
        FieldDecl(name="联系电话", label="联系电话"),
        FieldDecl(name="户籍地址", label="户籍地址"),
        FieldDecl(name="所属社区", label="所属社区"),
        FieldDecl(name="津贴类别", label="津贴类别", kind="code"),
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
