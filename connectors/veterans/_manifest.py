from connectors.sdk import DecisionPollDecl, FieldDecl, Manifest, RetryPolicyDecl

MANIFEST = Manifest(
    id="veterans",
    name="全国退役军人信息管理系统",
    version="0.1.0",
    kind="robot",
    auth="vault",
    allowed_hosts=["127.0.0.1", "localhost"],
    business_type="退役军人信息采集",
    fields=[
        FieldDecl(name="姓名", label="姓名"),
        FieldDecl(name="公民身份号码", label="公民身份号码"),
        FieldDecl(name="性别", label="性别", kind="code"),
        FieldDecl(name="出生日期", label="出生日期", kind="date"),
        FieldDecl(name="民族", label="民族", kind="code"),
        FieldDecl(name="联系电话", label="联系电话"),
        FieldDecl(name="户籍地址", label="户籍地址"),
        FieldDecl(name="入伍时间", label="入伍时间", kind="date"),
        FieldDecl(name="退役时间", label="退役时间", kind="date"),
        FieldDecl(name="服役部队", label="服役部队"),
        FieldDecl(name="退役类别", label="退役类别", kind="code"),
        FieldDecl(name="军衔/级别", label="军衔/级别"),
        FieldDecl(name="安置方式", label="安置方式", kind="code"),
        FieldDecl(name="是否享受抚恤补助", label="是否享受抚恤补助", kind="code"),
        FieldDecl(name="困难情况", label="困难情况", required=False),
    ],
    concurrency=1,  # one session per account on this system
    # A national system, open around the clock: no office hours.
    start_to_close_timeout_s=900,  # room for the worker to read the CAPTCHA (human_wait_s)
    human_wait_s=600,
    heartbeat_timeout_s=60,
    retry=RetryPolicyDecl(initial_interval_s=2, maximum_interval_s=60, maximum_attempts=8),
    # Reviewers decide within days; asking every 10 minutes, backing off to every 6 hours.
    decisions=DecisionPollDecl(
        first_check_s=600, maximum_interval_s=6 * 3600, give_up_after_days=90
    ),
)
