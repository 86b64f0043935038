"""The product's URLs plus a baseline page for the load benchmark (never in the product).

The baseline is a bare Django view rendering a 50-row table from a template string: no
database, no login. Its rate is what this machine does for Django at all, so the list pages'
rates read against it stay meaningful when the machine is busy.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import engines
from django.urls import path

from dibiao.urls import urlpatterns as product_urlpatterns

TABLE = engines["django"].from_string(
    """<!DOCTYPE html><html lang="zh-hans"><head><meta charset="utf-8"><title>baseline</title></head><body>
<table><thead><tr><th>编号</th><th>推荐单位</th><th>实施单位</th><th>项目名称</th><th>状态</th></tr></thead><tbody>
{% for row in rows %}<tr><td>{{ row.number }}</td><td>{{ row.province }}</td><td>{{ row.unit }}</td><td><a href="/x/{{ row.pk }}/">{{ row.name }}</a></td><td>{{ row.state }}</td></tr>
{% endfor %}</tbody></table></body></html>"""
)
ROWS = [
    {
        "pk": index,
        "number": f"2025-34-{index:02d}",
        "province": "安徽省知识产权局",
        "unit": f"合肥市市场监督管理局{index}",
        "name": f"合肥市地理标志运用促进项目{index}",
        "state": "已接收",
    }
    for index in range(1, 51)
]


def baseline(request: HttpRequest) -> HttpResponse:
    return HttpResponse(TABLE.render({"rows": ROWS}, request))


def empty_page(request: HttpRequest) -> HttpResponse:
    return render(request, "base.html")


urlpatterns = [path("bench/baseline/", baseline), path("bench/empty/", empty_page), *product_urlpatterns]
