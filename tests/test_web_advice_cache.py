"""The reports the web keeps for stored assessments (kansrijk/web/advice_cache.py): the same
version answers with the very same report, an edit never with the old one, and the cache stays
small and consistent when several threads use it at once."""

from __future__ import annotations

import threading

import pytest

from kansrijk.model import Model
from kansrijk.store import Store
from kansrijk.web.advice_cache import AdviceCache, advise_cached
from tests.web_support import example_case


@pytest.fixture
def store(tmp_path) -> Store:
    opened = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    yield opened
    opened.close()


@pytest.fixture
def runs(monkeypatch) -> list:
    """The cases the engine was run on."""
    seen = []
    advise = Model.advise

    def counted(self, case, lang=None, trace=True):
        seen.append(case)
        return advise(self, case, lang, trace)

    monkeypatch.setattr(Model, "advise", counted)
    return seen


def test_the_same_version_gives_the_same_report_and_an_edit_a_new_one(store, model, runs):
    cid, aid = store.import_case(example_case("zorgalliantie.yaml"))
    cache = AdviceCache()
    view = store.assessment(aid)
    first = cache.report(model, view, view.case, "nl")
    # the summary the list has names the same state as the view
    (summary, case), = store.last_cases()
    assert cache.report(model, summary.last, case, "nl") is first and len(runs) == 1
    assert first == model.advise(view.case, "nl", trace=False)

    edited = view.case.model_copy(update={"scores": {key: 1 for key in view.case.scores}})
    store.save_assessment(cid, edited, aid, view.version)
    after = store.assessment(aid)
    again = cache.report(model, after, after.case, "nl")
    assert again is not first and again == model.advise(after.case, "nl", trace=False)
    assert [c.score for c in again.conditions] != [c.score for c in first.conditions]


def test_each_language_is_a_report_of_its_own(store, model, runs):
    _, aid = store.import_case(example_case("zorgalliantie.yaml"))
    view = store.assessment(aid)
    cache = AdviceCache()
    reports = [cache.report(model, view, view.case, lang) for lang in ("nl", "en")]
    assert len({id(report) for report in reports}) == 2 and len(runs) == 2
    again = [cache.report(model, view, view.case, lang) for lang in ("nl", "en")]
    assert all(a is b for a, b in zip(again, reports, strict=True)) and len(runs) == 2
    assert reports[1] == model.advise(view.case, "en", trace=False) != reports[0]


def test_another_database_with_the_same_ids_is_not_answered_from_the_cache(tmp_path, model, runs):
    first, second = (Store(f"sqlite:///{tmp_path / name}") for name in ("a.sqlite3", "b.sqlite3"))
    first.import_case(example_case("zorgalliantie.yaml"))
    second.import_case(example_case("regionale_zorg_groep.yaml"))
    one, other = first.assessment(1), second.assessment(1)
    assert (one.id, one.version) == (other.id, other.version)
    cache = AdviceCache()
    assert cache.report(model, one, one.case, "en") is not cache.report(model, other, other.case, "en")
    assert cache.report(model, other, other.case, "en") == model.advise(other.case, "en", trace=False)
    first.close()
    second.close()


def test_the_least_recently_used_report_goes_first(store, model, make_case, runs):
    cid = store.create_collaboration("A", "nl")
    views = [store.assessment(store.save_assessment(cid, make_case(scores={"ambition.shared": n}))) for n in (1, 2, 3)]
    cache = AdviceCache(size=2)
    kept = [cache.report(model, view, view.case, "nl") for view in views[:2]]
    assert cache.report(model, views[0], views[0].case, "nl") is kept[0]  # now the most recently used
    cache.report(model, views[2], views[2].case, "nl")  # pushes out views[1]
    assert len(cache) == 2 and len(runs) == 3
    assert cache.report(model, views[0], views[0].case, "nl") is kept[0]
    assert cache.report(model, views[1], views[1].case, "nl") is not kept[1] and len(runs) == 4


def test_threads_at_once_get_equal_reports_and_the_cache_stays_bounded(store, model, make_case):
    cid = store.create_collaboration("A", "nl")
    views = [store.assessment(store.save_assessment(cid, make_case(scores={"ambition.shared": n % 5 + 1}, notes=str(n))))
             for n in range(6)]
    expected = {view.id: model.advise(view.case, "nl", trace=False) for view in views}
    cache = AdviceCache(size=4)
    wrong, failures = [], []

    def read(offset: int) -> None:
        try:
            for index in range(12):
                view = views[(index + offset) % len(views)]
                if cache.report(model, view, view.case, "nl") != expected[view.id]:
                    wrong.append(view.id)
        except Exception as error:  # noqa: BLE001 - a thread's error is to fail the test, not vanish
            failures.append(error)

    threads = [threading.Thread(target=read, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and wrong == [] and len(cache) <= 4


def test_the_process_cache_serves_the_web(store, model):
    _, aid = store.import_case(example_case("zorgalliantie.yaml"))
    view = store.assessment(aid)
    assert advise_cached(model, view, view.case, "en") is advise_cached(model, view, view.case, "en")
