"""The system's code tables: 民族 (GB/T 3304), 退役类别 and 安置方式.

The simulator keeps its own copy rather than importing the hub's (hub/forms/_codes.py), so that a
mistake in one cannot hide behind the same mistake in the other.
"""

from __future__ import annotations

# GB/T 3304-1991 in code order: 01 汉族 … 56 基诺族.
_ETHNIC_NAMES_TEXT = (
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族"
    " 哈萨克族 傣族 黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族"
    " 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族"
    " 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 鄂伦春族 赫哲族"
    " 门巴族 珞巴族 基诺族"
)
ETHNIC_GROUPS = tuple(
    (f"{i:02d}", name) for i, name in enumerate(_ETHNIC_NAMES_TEXT.split(), start=1)
)

DISCHARGE_TYPES = (
    ("1", "退休"),
    ("2", "转业"),
    ("3", "复员"),
    ("4", "退伍（士兵）"),
    ("9", "其他"),
)

PLACEMENTS = (
    ("1", "自主就业"),
    ("2", "安排工作"),
    ("3", "自主择业"),
    ("4", "逐月领取退役金"),
    ("5", "退休安置"),
    ("6", "供养"),
    ("9", "其他"),
)

# The 是否享受抚恤补助 radio buttons.
YES_NO = (("1", "是"), ("0", "否"))
