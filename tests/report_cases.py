"""Cases for the HTML report's tests (tests/test_report.py, tests/test_report_browser.py)."""

from __future__ import annotations

HOSTILE = "<script>alert(1)</script> & <img src=x onerror=alert(2)> \"quoted\" 'single'"

INDICATORS = [
    "ambition.shared", "ambition.meaningful", "ambition.strategic_fit", "ambition.personal_meaning",
    "interests.genuine_interest", "interests.value_for_each", "interests.room_to_negotiate", "interests.real_dialogue",
    "relationship.capacity_to_connect", "relationship.group_dynamics", "relationship.trust",
    "relationship.connecting_leadership", "organisation.fitting_structure", "organisation.support",
    "organisation.decisiveness", "organisation.clear_agreements", "process.phasing", "process.content_and_process",
    "process.roles_and_direction", "process.results",
]

# (organisation, the score each of its people gives, how many answered): the first two are large
# enough to be shown (min_group 3), the third is not — and it is the lowest, so any divergence
# naming or sizing it would be a privacy leak the tests can see.
# two organisations too small to show, together just enough (min_group 3) for the two others to be shown
GROUP = (("Gemeente <b>Noord</b> & Co", 4, 3), ("Zorgverzekeraar", 3, 3), ("Stichting Klein", 1, 1),
         ("Buurtteam Zuid", 2, 2))


def group_case(language: str = "nl", seen: dict[str, int] | None = None) -> dict:
    """A group assessment: four organisations that differ widely, two too small to show.
    seen: observation id -> how many respondents (the first ones) marked it."""
    respondents = [
        {"organisation": organisation, "scores": {indicator: score for indicator in INDICATORS}}
        for organisation, score, people in GROUP
        for _ in range(people)
    ]
    for item, count in (seen or {}).items():
        for respondent in respondents[:count]:
            respondent.setdefault("observations", []).append(item)
    return {
        "name": f"Groep {HOSTILE}",
        "language": language,
        "notes": f"Notes with {HOSTILE}\nsecond line",
        "observations": ["permanent_negotiation"],
        "respondents": respondents,
    }


EMPTY = {"name": "Nog niets bekend", "language": "nl"}  # no scores, no observations: too little to advise

# ambition and interests answered, organisation and process not at all, relationships by one indicator
PARTIAL = {
    "name": "Partial", "language": "en", "date": "2025-03-12",
    "scores": {"ambition.shared": 2, "ambition.meaningful": 2, "interests.genuine_interest": 4,
               "interests.value_for_each": 3, "relationship.trust": 2},
}
