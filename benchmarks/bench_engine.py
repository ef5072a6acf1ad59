"""How fast is the engine in process, and how far from CLIPS? Prints the median time per case of
kansrijk's engine (experta) and of the same rule records compiled to CLIPS, and their ratio.

Cases: the bundled examples (the monitoring pair both ways) and generated ones (a fixed seed).
CLIPS gets one deftemplate per kind of fact, one defrule per rule instance with the same
premises and salience, and MYCIN's combination as CLIPS rules and deffunctions; both engines run
every case from its facts to the record of firings and beliefs, and the benchmark checks that
they reach the same firings and beliefs.

Targets: experta ≤ 10 ms per example case; experta ≤ 3 × CLIPS.

    .venv/bin/pip install -e '.[bench]'   # clipspy; without it the CLIPS part is skipped
    .venv/bin/python benchmarks/bench_engine.py [--generated N] [--runs N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kansrijk.case import load_case  # noqa: E402
from kansrijk.engine.compiler import fact_node  # noqa: E402
from kansrijk.engine.facts import Level, Observed  # noqa: E402
from kansrijk.engine.inference import Evidence, input_facts  # noqa: E402
from kansrijk.engine.facts import value_of  # noqa: E402
from kansrijk.group import Gap  # noqa: E402
from kansrijk.knowledgebase import LEVELS  # noqa: E402
from kansrijk.model import Model, load_model  # noqa: E402
from kansrijk.rulebook import BELIEF_KINDS, Premise, RuleBook  # noqa: E402

TARGET_MS = 10.0
TARGET_RATIO = 3.0


# --- the cases ----------------------------------------------------------------------------------

def example_cases(model: Model) -> list[Evidence]:
    cases = [model.evidence(load_case(str(path), model.kb)) for path in sorted((ROOT / "examples").glob("*.yaml"))]
    earlier, later = [load_case(str(p), model.kb) for p in sorted((ROOT / "examples" / "monitoring").glob("*.yaml"))]
    return cases + [model.evidence(later, earlier), model.evidence(earlier, later)]


def generated_cases(model: Model, count: int, seed: int = 9) -> list[Evidence]:
    """Varied valid cases: partial scores (half points too), observations by the adviser or a share of
    respondents, characteristics, divergences and trends."""
    kb, rng = model.kb, random.Random(seed)
    indicators, conditions = [i.id for i in kb.indicators], kb.condition_ids()
    observable, characteristics = kb.observable_ids(), [c.id for c in kb.characteristics]
    cases = []
    for _ in range(count):
        scores = {i: rng.choice([1, 2, 3, 4, 5, 1.5, 2.5, 3.5]) for i in rng.sample(indicators, rng.randint(0, len(indicators)))}
        observations = {o: rng.choice([1.0, 1.0, round(rng.uniform(0.05, 1), 4)]) for o in rng.sample(observable, rng.randint(0, 6))}
        levels = {c: rng.choice(LEVELS) for c in rng.sample(characteristics, rng.randint(0, len(characteristics)))}
        gaps = {}
        for target in rng.sample(conditions + indicators, rng.randint(0, 3)):
            level = "condition" if target in conditions else "indicator"
            gaps[target] = Gap(level, target, round(rng.uniform(0, 4), 2), 1.0, "A", "B")
        trends = {t: round(rng.uniform(-3, 3), 2) for t in rng.sample(conditions + indicators, rng.randint(0, 4))}
        cases.append(Evidence(scores=scores, observations=observations, characteristics=levels, divergences=gaps,
                              trends=trends))
    return cases


# --- kansrijk's engine ----------------------------------------------------------------------------

def time_experta(model: Model, cases: list[Evidence], runs: int) -> tuple[list[float], list]:
    records = [model.reasoner.run(case) for case in cases]  # warm up
    times = []
    for _ in range(runs):
        for case in cases:
            start = time.perf_counter()
            model.reasoner.run(case)
            times.append(time.perf_counter() - start)
    return times, records


# --- the same rules in CLIPS ----------------------------------------------------------------------

CLIPS_BASE = """
(deftemplate input (slot node (type STRING)) (slot value))
(deftemplate belief (slot node (type STRING)) (slot for) (slot against) (slot cf))
(deftemplate evidence (slot seq) (slot node (type STRING)) (slot cf))
(deftemplate fired (slot seq) (slot rule (type STRING)) (slot cf))
(defglobal ?*seq* = 0)
(deffunction precise (?x) (/ (round (* ?x 1e10)) 1e10))  ; certainty.PRECISION: 0.5 x 0.4 is 0.2
(deffunction pool (?pooled ?strength) (- 1 (* (- 1 ?pooled) (- 1 ?strength))))
(deffunction mycin (?for ?against)
  (if (= ?against 0) then (return ?for))
  (if (= ?for 0) then (return (- 0 ?against)))
  (if (and (= ?for 1) (= ?against 1)) then (return 0.0))
  (/ (- ?for ?against) (- 1 (min ?for ?against))))
(defrule open-belief (declare (salience 10000))
  ?e <- (evidence (node ?n) (cf ?c))
  (not (belief (node ?n)))
  =>
  (retract ?e)
  (bind ?f (pool 0.0 (max ?c 0.0)))
  (bind ?a (pool 0.0 (max (- 0 ?c) 0.0)))
  (assert (belief (node ?n) (for ?f) (against ?a) (cf (precise (mycin ?f ?a))))))
(defrule add-evidence (declare (salience 10000))
  ?e <- (evidence (node ?n) (cf ?c))
  ?b <- (belief (node ?n) (for ?f) (against ?a))
  =>
  (retract ?e)
  (bind ?f2 (pool ?f (max ?c 0.0)))
  (bind ?a2 (pool ?a (max (- 0 ?c) 0.0)))
  (modify ?b (for ?f2) (against ?a2) (cf (precise (mycin ?f2 ?a2)))))
"""


def _number(value: float) -> str:
    return repr(float(value))


def _test(premise: Premise, var: str) -> str | None:
    """The CLIPS test of the premise on a value bound to var (Premise.accepts in CLIPS)."""
    if premise.kind == "observed":
        return None
    if premise.kind == "characteristic":  # values are level ranks 1..3
        return f"(and (>= {var} {premise.min_level}) (<= {var} {premise.max_level}))"
    low = premise.threshold if premise.kind in BELIEF_KINDS else premise.at_least
    tests = ([f"(>= {var} {_number(low)})"] if low is not None else []) + (
        [f"(<= {var} {_number(premise.at_most)})"] if premise.at_most is not None else [])
    return None if not tests else tests[0] if len(tests) == 1 else f"(and {' '.join(tests)})"


def clips_rules(book: RuleBook) -> tuple[str, dict[str, str]]:
    """One defrule per rule instance; and the CLIPS rule name -> the instance key."""
    constructs, names = [CLIPS_BASE], {}
    for number, instance in enumerate(book.instances):
        name = f"r{number}"
        names[name] = instance.key
        patterns, weights = [], []
        for index, premise in enumerate(instance.premises):
            var = f"?v{index}"
            test = _test(premise, var)
            constraint = var if test is None else f"{var}&:{test}"
            template, slot = ("belief", "cf") if premise.kind in BELIEF_KINDS else ("input", "value")
            pattern = f'({template} (node "{premise.node}") ({slot} {constraint}))'
            if premise.negated:
                patterns.append(f"(not {pattern})")
            else:
                patterns.append(pattern)
                if premise.kind == "observed" or premise.kind in BELIEF_KINDS:
                    weights.append(var)
        certainty = _number(instance.record.certainty)
        cf = f"(precise (* {certainty} (min {' '.join(weights)})))" if weights else certainty
        constructs.append(
            f"(defrule {name} (declare (salience {2 * book.salience_of(instance)}))\n  " + "\n  ".join(patterns)
            + f"\n  =>\n  (bind ?*seq* (+ ?*seq* 1))\n  (bind ?cf {cf})\n"
            f'  (assert (fired (seq ?*seq*) (rule "{name}") (cf ?cf)))\n'
            f'  (assert (evidence (seq ?*seq*) (node "{instance.conclusion.node}") (cf ?cf))))')
    return "\n".join(constructs), names


def clips_inputs(model: Model, case: Evidence, read: set[str]) -> list[tuple[str, float]]:
    """(node, value) of every fact of the case some premise reads; a level as its rank 1..3."""
    out = []
    for fact in input_facts(model.kb, case):
        node = fact_node(fact)
        if node in read:
            value = LEVELS.index(fact["level"]) + 1 if isinstance(fact, Level) else value_of(fact)
            out.append((node, float(value) if not isinstance(fact, Observed) else fact["cf"]))
    return out


def time_clips(clips, model: Model, cases: list[Evidence], runs: int) -> tuple[list[float], list]:
    env = clips.Environment()
    source, names = clips_rules(model.book)
    with tempfile.TemporaryDirectory() as folder:  # build takes one construct, load a file of them
        path = Path(folder) / "kansrijk.clp"
        path.write_text(source, encoding="utf-8")
        env.load(str(path))
    template = env.find_template("input")
    read = {p.node for i in model.book.instances for p in i.premises}
    inputs = [clips_inputs(model, case, read) for case in cases]

    def run(facts):
        env.reset()
        env.eval("(bind ?*seq* 0)")
        for node, value in facts:
            template.assert_fact(node=node, value=value)
        env.run()
        fired, beliefs = [], {}
        for fact in env.facts():
            name = fact.template.name
            if name == "fired":
                fired.append((fact["seq"], names[fact["rule"]], fact["cf"]))
            elif name == "belief":
                beliefs[fact["node"]] = fact["cf"]
        return sorted(fired), beliefs

    records = [run(facts) for facts in inputs]  # warm up
    times = []
    for _ in range(runs):
        for facts in inputs:
            start = time.perf_counter()
            run(facts)
            times.append(time.perf_counter() - start)
    return times, records


def agree(experta_record, clips_record) -> bool:
    """The same firings (rule instance and certainty; the order within a salience layer is each
    engine's own) and the same beliefs, certainties equal but for float rounding."""
    fired, beliefs = clips_record
    ours = sorted((f.rule + (f"[{f.binding}]" if f.binding else ""), f.certainty) for f in experta_record.firings)
    theirs = sorted((key, cf) for _, key, cf in fired)
    return (len(ours) == len(theirs)
            and all(a == b and abs(x - y) < 1e-9 for (a, x), (b, y) in zip(ours, theirs))
            and experta_record.beliefs.keys() == beliefs.keys()
            and all(abs(b.certainty - beliefs[node]) < 1e-9 for node, b in experta_record.beliefs.items()))


# --- the report ---------------------------------------------------------------------------------

def ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--generated", type=int, default=200, help="generated cases besides the examples (200)")
    parser.add_argument("--runs", type=int, default=5, help="times each case is run (5)")
    args = parser.parse_args()
    model = load_model()
    examples, generated = example_cases(model), generated_cases(model, args.generated)
    sets = {"examples": examples, "generated": generated}

    experta_times = {label: time_experta(model, cases, args.runs) for label, cases in sets.items()}
    firings = statistics.median(len(r.firings) for r in experta_times["examples"][1])
    print(f"kansrijk (experta): {len(model.book.instances)} rule instances; median {firings:.0f} firings per example")
    for label, cases in sets.items():
        print(f"  {label:<10} {len(cases):>4} cases: median {ms(experta_times[label][0]):6.2f} ms per case")
    met = ms(experta_times["examples"][0]) <= TARGET_MS
    print(f"  target: ≤ {TARGET_MS:.0f} ms per example case — {'met' if met else 'NOT met'}")

    try:
        import clips
    except ImportError:
        print("CLIPS: skipped (clipspy is not installed: pip install -e '.[bench]')")
        return 0 if met else 1
    print("CLIPS (clipspy), the same rule records:")
    for label, cases in sets.items():
        times, records = time_clips(clips, model, cases, args.runs)
        agreeing = sum(agree(e, c) for e, c in zip(experta_times[label][1], records))
        ratio = ms(experta_times[label][0]) / ms(times)
        print(f"  {label:<10} {len(cases):>4} cases: median {ms(times):6.2f} ms per case; experta/CLIPS {ratio:4.1f}× "
              f"(target ≤ {TARGET_RATIO:.0f}×); same firings and beliefs in {agreeing} of {len(cases)}")
        met = met and agreeing == len(cases) and (label != "examples" or ratio <= TARGET_RATIO)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
