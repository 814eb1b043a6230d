from connectors.sdk import FieldDecl, Manifest, RetryPolicyDecl

MANIFEST = Manifest(
    id="social_assistance",
    name="江苏省民政厅社会救助系统",
    version="0.1.0",
    kind="robot",
    auth="sso",
    allowed_hosts=["127.0.0.1", "localhost"],
    business_type="最低生活保障",
    fields=[
        FieldDecl(name="申请人姓名", label="申请人姓名"),
        FieldDecl(name="公民身份号码", label="公民身份号码"),
        FieldDecl(name="性别", label="性别", kind="code"),
        FieldDecl(name="家庭人口", label="家庭人口", kind="number"),
        FieldDecl(name="家庭月人均收入（元）", label="家庭月人均收入（元）", kind="number"),
        FieldDecl(name="户籍地址", label="户籍地址"),
        FieldDecl(name="所属社区", label="所属社区"),
        FieldDecl(name="申请原因", label="申请原因"),
        FieldDecl(name="联系电话", label="联系电话"),
        FieldDecl(name="申请日期", label="申请日期", kind="date"),
    ],
    # Each delivery acts as its own worker through her own token: no shared session to protect.
    concurrency=2,
    start_to_close_timeout_s=180,
    heartbeat_timeout_s=60,
    retry=RetryPolicyDecl(initial_interval_s=2, maximum_interval_s=60, maximum_attempts=8),
    # The token lives minutes, so it cannot be kept for months of decision polling; bringing
    # decisions back from SSO targets is future work.
    decisions=None,
)
