"""A case as the rows of an assessment, and back again, in the same order."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kansrijk.case import Case, Respondent
from kansrijk.store.schema import (Assessment, CharacteristicLevel, Collaboration, Observation, RespondentObservation,
                                   RespondentScore, Score)
from kansrijk.store.schema import Respondent as RespondentRow


def fill(session: Session, assessment: Assessment, case: Case) -> None:
    """Put everything of case but its name and language into assessment, replacing what it held."""
    assessment.date = case.date
    assessment.min_group = case.min_group
    assessment.notes = case.notes
    if assessment.id is not None:
        # the old child rows go first, as the new ones have the same keys (indicator, position);
        # the assessment's own row is written (and its version checked) before them
        for children in (assessment.scores, assessment.characteristics, assessment.observations,
                         assessment.respondents):
            children.clear()
        session.flush()
    assessment.scores = [Score(indicator=indicator, value=value, position=position)
                         for position, (indicator, value) in enumerate(case.scores.items())]
    assessment.characteristics = [CharacteristicLevel(characteristic=ident, level=level, position=position)
                                  for position, (ident, level) in enumerate(case.characteristics.items())]
    assessment.observations = [Observation(observation=ident, position=position)
                               for position, ident in enumerate(case.observations)]
    assessment.respondents = [
        RespondentRow(
            position=position, name=respondent.name, organisation=respondent.organisation,
            scores=[RespondentScore(indicator=indicator, value=value, position=index)
                    for index, (indicator, value) in enumerate(respondent.scores.items())],
            observations=[RespondentObservation(observation=ident, position=index)
                          for index, ident in enumerate(respondent.observations)])
        for position, respondent in enumerate(case.respondents)]


def to_case(collaboration: Collaboration, assessment: Assessment) -> Case:
    """The case an assessment holds, named and in the language of its collaboration.

    Built without validation: the store holds only cases that were validated when they were
    saved, and validating needs the knowledge base, which the store does not load."""
    respondents = [
        Respondent.model_construct(
            name=row.name, organisation=row.organisation,
            scores={score.indicator: score.value for score in row.scores},
            observations=[item.observation for item in row.observations])
        for row in assessment.respondents]
    return Case.model_construct(
        name=collaboration.name,
        language=collaboration.language,
        characteristics={row.characteristic: row.level for row in assessment.characteristics},
        scores={row.indicator: row.value for row in assessment.scores},
        observations=[row.observation for row in assessment.observations],
        respondents=respondents,
        min_group=assessment.min_group,
        date=assessment.date,
        notes=assessment.notes,
    )
