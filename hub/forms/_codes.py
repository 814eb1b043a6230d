"""Code tables the forms offer as choices: (code, Chinese name) pairs, in the order shown."""

from __future__ import annotations

# GB/T 3304-1991 民族代码 in code order, 01 汉族 … 56 基诺族.
_ETHNIC_NAMES = (
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族"
    " 哈萨克族 傣族 黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族"
    " 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族"
    " 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 鄂伦春族 赫哲族"
    " 门巴族 珞巴族 基诺族"
)
ETHNIC_GROUPS = [(f"{i:02d}", name) for i, name in enumerate(_ETHNIC_NAMES.split(), start=1)]

# 退役类别 and 安置方式 as the 全国退役军人信息管理系统 codes them.
DISCHARGE_TYPES = [
    ("1", "退休"),
    ("2", "转业"),
    ("3", "复员"),
    ("4", "退伍（士兵）"),
    ("9", "其他"),
]
PLACEMENTS = [
    ("1", "自主就业"),
    ("2", "安排工作"),
    ("3", "自主择业"),
    ("4", "逐月领取退役金"),
    ("5", "退休安置"),
    ("6", "供养"),
    ("9", "其他"),
]
YES_NO = [("yes", "是"), ("no", "否")]
# The banks the allowances and subsidies are paid through; each is its own code.
BANKS = [(bank, bank) for bank in ("中国农业银行", "中国工商银行", "江苏银行", "无锡农村商业银行")]

# GB/T 2261.1-2003 人的性别代码. The forms offer only 男 and 女; targets may send all four.
SEXES = [("0", "未知的性别"), ("1", "男"), ("2", "女"), ("9", "未说明的性别")]
# GB/T 4761-2008 家庭关系代码: the two-digit code that heads each group, as 与户主关系 selects
# offer them (20 子 stands for 21 独生子 … 29 其他儿子, 80 其他 for 81 伯父 … 97 其他亲属).
FAMILY_RELATIONS = [
    ("01", "本人"),
    ("02", "户主"),
    ("10", "配偶"),
    ("20", "子"),
    ("30", "女"),
    ("40", "孙子、孙女或外孙子、外孙女"),
    ("50", "父母"),
    ("60", "祖父母或外祖父母"),
    ("70", "兄、弟、姐、妹"),
    ("80", "其他"),
]
