"""A tile-grid map of China: one square per provincial unit, placed roughly where it lies.

A cartographic map of China on a public page needs an approved map with its 审图号; a grid of
equal squares is a chart, not a map, and needs none. (row, column) counts from the top left:
黑龙江 at the top right, 新疆 (with 兵团 beside it) far left, 海南 at the bottom.
"""

from typing import NamedTuple


class Tile(NamedTuple):
    row: int
    col: int
    short: str


ROWS = 8
COLS = 9

TILES: dict[str, Tile] = {
    "23": Tile(0, 8, "黑龙江"),
    "65": Tile(1, 0, "新疆"),
    "66": Tile(1, 1, "兵团"),
    "15": Tile(1, 5, "内蒙古"),
    "22": Tile(1, 8, "吉林"),
    "62": Tile(2, 3, "甘肃"),
    "64": Tile(2, 4, "宁夏"),
    "14": Tile(2, 5, "山西"),
    "11": Tile(2, 6, "北京"),
    "12": Tile(2, 7, "天津"),
    "21": Tile(2, 8, "辽宁"),
    "63": Tile(3, 2, "青海"),
    "61": Tile(3, 4, "陕西"),
    "41": Tile(3, 5, "河南"),
    "13": Tile(3, 6, "河北"),
    "37": Tile(3, 7, "山东"),
    "54": Tile(4, 1, "西藏"),
    "51": Tile(4, 3, "四川"),
    "50": Tile(4, 4, "重庆"),
    "42": Tile(4, 5, "湖北"),
    "34": Tile(4, 6, "安徽"),
    "32": Tile(4, 7, "江苏"),
    "31": Tile(4, 8, "上海"),
    "53": Tile(5, 3, "云南"),
    "52": Tile(5, 4, "贵州"),
    "43": Tile(5, 5, "湖南"),
    "36": Tile(5, 6, "江西"),
    "33": Tile(5, 7, "浙江"),
    "45": Tile(6, 4, "广西"),
    "44": Tile(6, 5, "广东"),
    "35": Tile(6, 6, "福建"),
    "46": Tile(7, 5, "海南"),
}
