"""Chinese words for statuses, shared by the portal, reports and ledgers."""

STATUS_WORDS = {
    "pending": "排队中",
    "running": "正在提交",
    "needs_login": "等待重新登录",
    "waiting_hours": "等待受理时间",
    "needs_human": "等待输入验证码",
    "succeeded": "已受理",
    "rejected": "被退回",
    "failed": "提交失败",
    "withdrawn": "已撤回",
    "manual": "需手工修改",
    "in_progress": "处理中",
    "needs_attention": "需要处理",
}

#: The failures only IT can mend (hub.errors.NEEDS_IT), as the ops page names them.
IT_ERROR_WORDS = {
    "RobotBroken": "机器人故障",
    "ConfigurationError": "配置错误",
}
