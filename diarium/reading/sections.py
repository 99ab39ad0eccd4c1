"""The reading's section of the case page (registered in ReadingConfig.ready):
the earlier decisions its documents cite, "Hänvisningar till tidigare beslut"."""

from . import selectors


def case_section(request, case) -> dict:
    """The case's citations as the request's user may see them (selectors.case_citations)."""
    return {"case": case, "citations": selectors.case_citations(user=request.user, case=case)}
