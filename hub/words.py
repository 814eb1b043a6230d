"""Chinese words for statuses, shared by the portal, reports and ledgers."""

STATUS_WORDS = {
    "pending": "排队中",
    "running": "正在提交",
    "needs_login": "等待重新登录",
    "succeeded": "已受理",
    "rejected": "被退回",
    "failed": "提交失败",
    "in_progress": "处理中",
    "needs_attention": "需要处理",
}
