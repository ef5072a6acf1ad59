"""The collaborations: the list (search, create, import) and one collaboration's page (its
assessments, their chart, compare any two, edit its name, language and notes)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kansrijk.web.pages import get_store, render


async def index(request: Request) -> Response:
    search = request.query_params.get("q", "").strip()
    return render(request, "collaborations_list.html.j2", {
        "q": search, "collaborations": get_store(request).collaborations(search)})


routes = [
    Route("/", index, methods=["GET"], name="collaborations"),
]
