"""Demo recommendations: plausible, invented content (not real applications). Each entry is
(implementing officer, province officer, how far along the path it goes, form content)."""

import datetime as dt
from typing import Any

# A one-page PDF (the scan of a sealed page, for the demo).
SEALED_PAGE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _unit(
    name: str, leader: str, area: str, phone: str, mobile: str, address: str, email: str
) -> dict[str, Any]:
    return {
        "name": name,
        "representative": {"name": leader, "title": "局长"},
        "phone": f"{area}-{phone}",
        "fax": f"{area}-{phone[:-1]}9",
        "responsible": {
            "name": "李卫东",
            "title": "副局长",
            "landline": f"{area}-{phone[:-1]}2",
            "mobile": mobile,
        },
        "contact": {
            "name": "陈晓燕",
            "mobile": mobile[:-1] + "8",
            "landline": f"{area}-{phone[:-1]}3",
            "fax": None,
        },
        "address": address,
        "email": email,
    }


def _texts(gi: str, place: str, industry: str) -> dict[str, str]:
    return {
        "introduction": (
            f"{place}是{gi}的核心产区，{gi}产业已有数百年历史，是当地农民增收的主导产业。"
            f"近年来，{place}围绕{gi}持续推进标准化生产、品牌培育和市场开拓，"
            f"形成了政府引导、协会牵头、企业带动、农户参与的工作机制。\n"
            f"本项目以用好{gi}地理标志为抓手，力争三年内实现{industry}综合产值增长30%，"
            "带动脱贫户稳定增收，成立由分管副市长任组长的项目领导小组，统筹推进项目实施。"
        ),
        "achievements": (
            f"一是用好一件地理标志：制定{gi}地理标志产品专用标志使用管理办法，核准使用企业逐年增加。\n"
            f"二是打造一个品牌：连续举办{gi}文化节，{gi}区域公用品牌价值稳步提升。\n"
            f"三是发展一个产业：建成标准化生产基地，{industry}链条不断延伸。\n"
            "四是造福一方百姓：带动近万户农户参与生产经营，户均年增收明显。"
        ),
        "practices": (
            "（一）强化标准引领，完善生产技术规程和质量追溯体系；\n"
            "（二）加强保护监管，开展地理标志专项执法行动；\n"
            "（三）拓展营销渠道，利用网络直播、电商平台开展品牌推广；\n"
            "（四）推动融合发展，发展地理标志+文旅、+电商新业态。"
        ),
        "safeguards": (
            f"市委、市政府高度重视{gi}产业发展，将其纳入乡村振兴重点工作；"
            "市财政每年安排专项资金支持地理标志运用促进，各县区配套落实；"
            "建立部门协同工作机制，定期调度、督查推进。"
        ),
    }


def _approval(authority: str, year: int, month: int, day: int) -> dict[str, str]:
    return {"authority": authority, "date": dt.date(year, month, day).isoformat()}


def _form(
    project: str, unit: dict[str, Any], province: str, gis: list[dict[str, Any]], texts: dict[str, str]
) -> dict[str, Any]:
    return {
        "project_name": project,
        "implementing_unit": unit,
        "recommending_unit": {
            "name": province,
            "division_head": {"name": "周建华", "mobile": "13905510001"},
            "contact": {"name": "吴丽", "mobile": "13905510002"},
        },
        "geographical_indications": gis,
        **texts,
        "recommender_support": None,
    }


PROJECTS: list[tuple[str, str, str, dict[str, Any]]] = [
    (
        "lu_an",
        "anhui",
        "received",
        _form(
            "六安瓜片地理标志助力乡村振兴项目",
            _unit(
                "六安市知识产权局",
                "王建国",
                "0564",
                "3371234",
                "13905641234",
                "安徽省六安市金安区梅山南路1号",
                "zscq@la.example.cn",
            ),
            "安徽省知识产权局",
            [
                {
                    "name": "六安瓜片",
                    "rights_holder": "六安市茶叶产业协会",
                    "approvals": [
                        _approval("原国家质检总局", 2007, 12, 24),
                        _approval("商标局", 2010, 3, 14),
                    ],
                    "production_area": "安徽省六安市金安区、裕安区、霍山县、金寨县、舒城县现辖行政区域",
                }
            ],
            _texts("六安瓜片", "六安市", "茶产业"),
        ),
    ),
    (
        "hefei",
        "anhui",
        "submitted",
        _form(
            "长丰草莓地理标志运用促进工程",
            _unit(
                "合肥市知识产权局",
                "刘志强",
                "0551",
                "6353123",
                "13905511234",
                "安徽省合肥市蜀山区潜山路1号",
                "zscq@hf.example.cn",
            ),
            "安徽省知识产权局",
            [
                {
                    "name": "长丰草莓",
                    "rights_holder": "长丰县草莓协会",
                    "approvals": [_approval("商标局", 2011, 6, 7)],
                    "production_area": "安徽省合肥市长丰县现辖行政区域",
                }
            ],
            _texts("长丰草莓", "长丰县", "草莓产业"),
        ),
    ),
    (
        "hefei",
        "anhui",
        "draft",
        _form(
            "巢湖银鱼品牌建设项目",
            _unit(
                "合肥市知识产权局",
                "刘志强",
                "0551",
                "6353123",
                "13905511234",
                "安徽省合肥市蜀山区潜山路1号",
                "zscq@hf.example.cn",
            ),
            "安徽省知识产权局",
            [
                {
                    "name": "巢湖银鱼",
                    "rights_holder": None,
                    "approvals": [{"authority": None, "date": None}],
                    "production_area": None,
                }
            ],
            {
                "introduction": "巢湖银鱼是巢湖特产……（草稿，待补充）",
                "achievements": "",
                "practices": "",
                "safeguards": "",
            },
        ),
    ),
    (
        "hangzhou",
        "zhejiang",
        "recommended",
        _form(
            "西湖龙井茶地理标志品牌提升项目",
            _unit(
                "杭州市知识产权局",
                "沈国平",
                "0571",
                "8702123",
                "13905711234",
                "浙江省杭州市上城区解放东路18号",
                "zscq@hz.example.cn",
            ),
            "浙江省知识产权局",
            [
                {
                    "name": "西湖龙井",
                    "rights_holder": "杭州市西湖区龙井茶产业协会",
                    "approvals": [
                        _approval("原国家质检总局", 2001, 10, 22),
                        _approval("商标局", 2011, 6, 14),
                    ],
                    "production_area": "浙江省杭州市西湖区现辖168平方公里茶区",
                }
            ],
            _texts("西湖龙井", "杭州市西湖区", "茶产业"),
        ),
    ),
    (
        "ganzhou",
        "jiangxi",
        "received",
        _form(
            "赣南脐橙地理标志助力乡村振兴项目",
            _unit(
                "赣州市知识产权局",
                "黄志明",
                "0797",
                "8121234",
                "13907971234",
                "江西省赣州市章贡区长征大道1号",
                "zscq@gz.example.cn",
            ),
            "江西省知识产权局",
            [
                {
                    "name": "赣南脐橙",
                    "rights_holder": "赣州市果业局",
                    "approvals": [_approval("商标局", 2010, 3, 21), _approval("原国家质检总局", 2009, 12, 1)],
                    "production_area": "江西省赣州市所辖18个县（市、区）",
                }
            ],
            _texts("赣南脐橙", "赣州市", "脐橙产业"),
        ),
    ),
]
