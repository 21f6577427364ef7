"""Benchmark: the matching engine at 50,000 profiles, beside brute-force scoring in the same run.

Generated data (seeded): 50,000 solution profiles, half Korean and half English, each written
from sentence templates around terms of one field of the glossary plus terms of other fields (so
that fields overlap as in real pitches); problem texts the same way from problem templates.
Measured:

- index build (analysis with Kiwi and PyStemmer, glossary matching, two bm25s indexes): wall
  time with 1 and with N analysis processes, and peak memory;
- single-query latency (analysis + scoring + top 10 + reasons), p50 and p95;
- a batch of 1,000,000 problem texts (generated in the workers, chunk by chunk) ranked against
  all profiles on N processes (queries/s), beside brute-force scoring (the same analysed query
  scored against every profile's term counts one by one, no inverted index) on a sample, in the
  same run;
- the dev-set quality numbers (``foster match evaluate``) when ``../shared/data/matching-dev`` is present.

Run:  .venv/bin/python bench/matching.py [--profiles 50000 --batch 1000000 --workers 2 --no-readme]
"""

from __future__ import annotations

import argparse
import datetime
import functools
import math
import os
import platform
import resource
import statistics
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np

from common import README, cpu_and_memory, readme_text, timed
from foster.engines.matching import (
    MatchingIndex,
    MatchQuery,
    Profile,
    default_glossary,
    evaluate_runs,
    whitespace_baseline,
)
from foster.engines.matching.index import analyse_queries
from foster.engines.matching.jsonl import read_profiles, read_queries

SECTION_START = "<!-- bench:matching:start -->"
SECTION_END = "<!-- bench:matching:end -->"
DEV_SET = Path(__file__).resolve().parents[2] / "shared" / "data" / "matching-dev"
SECTORS = ["manufacturing", "energy", "logistics", "retail", "finance", "healthcare", "construction", "public"]

KOREAN_PROFILE = [
    "{a}와 {b}를 위한 AI 솔루션을 공급합니다.",
    "{a} 데이터를 분석해 {b} 문제를 자동으로 찾아내고 {c} 업무를 줄여 줍니다.",
    "{a} 현장에서 {b}와 {c}를 실시간으로 관리하는 플랫폼입니다.",
    "중소기업도 {a}와 {b}를 쉽게 도입할 수 있도록 구독형으로 제공합니다.",
]
ENGLISH_PROFILE = [
    "We provide AI software for {a} and {b}.",
    "Our platform analyses {a} data to detect {b} automatically and cut {c} work.",
    "A real-time system that manages {a}, {b} and {c} on site.",
    "Small manufacturers can adopt {a} and {b} as a monthly subscription.",
]
KOREAN_QUERY = [
    "{a} 때문에 고민입니다. {b}를 어떻게 개선할지 모르겠습니다.",
    "우리 공장은 {a}가 자주 생기는데 {b}를 사람이 직접 하고 있습니다.",
    "{a}와 {b}를 줄일 방법을 찾고 있습니다.",
]
ENGLISH_QUERY = [
    "We struggle with {a} and do {b} by hand.",
    "Our plant keeps having {a}; nobody knows how to improve {b}.",
    "Looking for a way to reduce {a} and {b}.",
]


@functools.cache
def _terms_by_topic() -> dict[str, dict[str, list[str]]]:
    topics: dict[str, dict[str, list[str]]] = {}
    for concept in default_glossary().concepts.values():
        for topic in concept.topics:
            entry = topics.setdefault(topic, {"ko": [], "en": []})
            entry["ko"].extend(concept.korean)
            entry["en"].extend(concept.english)
    return topics


def generate(count: int, seed: int, kind: str) -> list[Profile]:
    """``count`` profiles or problems (kind "profile" or "query"), half Korean, seeded."""
    rng = np.random.default_rng(seed)
    topics = _terms_by_topic()
    names = sorted(topics)
    weights = 1.0 / np.arange(1, len(names) + 1) ** 0.8
    weights /= weights.sum()
    items = []
    for number in range(count):
        language = "ko" if number % 2 == 0 else "en"
        topic = names[rng.choice(len(names), p=weights)]
        other = names[rng.choice(len(names), p=weights)]
        own, foreign = topics[topic][language], topics[other][language]
        if kind == "profile":
            templates = KOREAN_PROFILE if language == "ko" else ENGLISH_PROFILE
            chosen = rng.choice(len(templates), size=3, replace=False)
        else:
            templates = KOREAN_QUERY if language == "ko" else ENGLISH_QUERY
            chosen = rng.choice(len(templates), size=2, replace=False)
        sentences = []
        for position in chosen:
            pool = own if rng.random() < 0.75 else foreign
            a, b, c = (pool[rng.integers(len(pool))] for _ in range(3))
            sentences.append(templates[position].format(a=a, b=b, c=c))
        items.append(
            Profile(
                id=f"{kind[0]}{number}",
                text=" ".join(sentences),
                name=f"{topic}-{number}",
                sector=SECTORS[rng.integers(len(SECTORS))],
                language=language,
            )
        )
    return items


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


_index: MatchingIndex | None = None
CHUNK = 5_000


def _rank_chunk(chunk: tuple[int, int, int]) -> tuple[int, float]:
    """Generate chunk ``number``'s ``count`` problem texts (seeded) in the worker, rank each against
    the index (top 10, no reasons); returns how many results and the seconds spent ranking only."""
    number, count, seed = chunk
    assert _index is not None
    problems = generate(count, seed + 1_000 * number, "query")
    queries = [MatchQuery(text=problem.text, sector=problem.sector) for problem in problems]
    started = time.perf_counter()
    results = _index.search_many(queries, top=10, explain=False)
    return sum(len(result) for result in results), time.perf_counter() - started


def rank_batch(index: MatchingIndex, total: int, workers: int, seed: int) -> tuple[float, float]:
    """Rank ``total`` generated problems (made in the workers, chunk by chunk, so a million never sit
    in memory at once) on ``workers`` forked processes; returns (wall seconds, summed ranking seconds)."""
    global _index
    _index = index
    chunks = [(number, min(CHUNK, total - start), seed) for number, start in enumerate(range(0, total, CHUNK))]
    started = time.perf_counter()
    ranking = 0.0
    done = 0
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
        for (count, seconds), chunk in zip(pool.map(_rank_chunk, chunks), chunks, strict=True):
            assert count > 0
            ranking += seconds
            done += chunk[1]
            if done % 100_000 < CHUNK:
                print(f"  ranked {done:,} of {total:,} in {time.perf_counter() - started:,.0f} s", flush=True)
    return time.perf_counter() - started, ranking


def brute_force(documents: list[tuple[Counter[str], Counter[str]]], index: MatchingIndex, text: str) -> list[int]:
    """Top 10 by the same two-channel score computed profile by profile from term counts (no index)."""
    (terms,) = analyse_queries([text], index.glossary, index.settings.topic_weight)
    settings = index.settings
    channels = []
    for position, weighted in ((0, terms.lexical), (1, terms.concepts)):
        frequency = Counter(term for document in documents for term in weighted if term in document[position])
        count = len(documents)
        lengths = [sum(document[position].values()) for document in documents]
        average = max(sum(lengths) / max(count, 1), 1.0)
        idf = {term: math.log(1 + (count - df + 0.5) / (df + 0.5)) for term, df in frequency.items()}
        bound = max(sum(weight * idf.get(term, 0.0) for term, weight in weighted.items()), 1e-6)
        scores = []
        for document, length in zip(documents, lengths, strict=True):
            counts, total = document[position], 0.0
            norm = settings.k1 * ((1 - settings.b) + settings.b * length / average)
            for term, weight in weighted.items():
                tf = counts.get(term, 0)
                if tf:
                    total += weight * idf[term] * tf / (norm + tf)
            scores.append(total / bound)
        channels.append(scores)
    combined = [
        settings.lexical_weight * lexical + settings.concept_weight * concept
        for lexical, concept in zip(*channels, strict=True)
    ]
    return sorted(range(len(combined)), key=lambda row: -combined[row])[:10]


def dev_quality() -> list[str]:
    if not DEV_SET.is_dir():
        return [f"(dev set not found at {DEV_SET}; quality not measured)"]
    profiles = read_profiles(DEV_SET / "profiles.jsonl")
    queries = read_queries(DEV_SET / "queries.jsonl")
    index = MatchingIndex.build(profiles)
    ranked = index.search_many([MatchQuery(q.text, sector=q.sector, id=q.id) for q in queries], top=10, explain=False)
    engine = evaluate_runs(queries, {q.id: [m.id for m in r] for q, r in zip(queries, ranked, strict=True)})
    baseline = evaluate_runs(queries, whitespace_baseline(profiles, queries))
    lines = [
        "| queries | n | nDCG@10 | baseline | recall@10 | baseline | MRR | baseline |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    labels = {"overall": "overall", "ko": "Korean", "en": "English", "crosslingual": "cross-lingual"}
    for group, scores in engine.groups.items():
        base = baseline.groups[group]
        lines.append(
            f"| {labels[group]} | {scores.queries} | {scores.ndcg:.3f} | {base.ndcg:.3f} | {scores.recall:.3f} | "
            f"{base.recall:.3f} | {scores.mrr:.3f} | {base.mrr:.3f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=1_000_000, help="Problem texts ranked in the batch run.")
    parser.add_argument("--latency", type=int, default=300, help="Queries timed one by one.")
    parser.add_argument("--brute", type=int, default=20, help="Queries scored by brute force.")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-readme", action="store_true")
    options = parser.parse_args()
    cpu, memory = cpu_and_memory()
    load_before = os.getloadavg()
    lines: list[str] = []

    def say(line: str = "") -> None:
        print(line, flush=True)
        lines.append(line)

    with timed() as start_up:
        default_glossary()  # loads Kiwi with the user dictionary and compiles the glossary
    profiles = generate(options.profiles, options.seed, "profile")
    queries = generate(max(options.brute, options.latency), options.seed + 1, "query")
    rss_before = _current_rss_mib()
    with timed() as build_parallel:
        index = MatchingIndex.build(profiles, workers=options.workers)
    rss_after = _current_rss_mib()
    peak = _peak_rss_mib()
    sample = profiles[: min(5_000, len(profiles))]
    with timed() as build_single:
        MatchingIndex.build(sample, workers=1)

    latencies = []
    for query in queries[: options.latency]:
        started = time.perf_counter()
        index.search(MatchQuery(query.text, sector=query.sector), top=10)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    p50 = statistics.median(latencies)
    p95 = latencies[int(0.95 * (len(latencies) - 1))]

    batch_seconds, ranking_seconds = rank_batch(index, options.batch, options.workers, options.seed + 1)
    batch_rate = options.batch / batch_seconds

    documents = _term_counts(index)
    brute_started = time.perf_counter()
    for query in queries[: options.brute]:
        brute_force(documents, index, query.text)
    brute_per_query = (time.perf_counter() - brute_started) / options.brute

    say(f"### Run of {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    say()
    say(
        f"- command: `.venv/bin/python bench/matching.py --profiles {options.profiles} --batch {options.batch} "
        f"--workers {options.workers}`"
    )
    say(
        f"- machine: {cpu}, {os.cpu_count()} cores, {memory:.1f} GiB RAM; {platform.platform()}; "
        f"Python {platform.python_version()}"
    )
    say(f"- load average before / after: {load_before[0]:.1f} / {os.getloadavg()[0]:.1f} (the machine is shared)")
    say(f"- start-up (Kiwi model + user dictionary + glossary compile): {start_up.wall:.1f} s")
    say()
    say("| measurement | value |")
    say("|---|---:|")
    say(f"| profiles indexed | {len(index):,} |")
    say(f"| build, {options.workers} processes (analysis + 2 bm25s indexes) | {build_parallel.wall:.1f} s |")
    say(
        f"| build, 1 process, {len(sample):,} profiles | {build_single.wall:.1f} s "
        f"({len(sample) / build_single.wall:,.0f} profiles/s) |"
    )
    say(f"| resident memory of the built index (RSS after − before) | {rss_after - rss_before:,.0f} MiB |")
    say(f"| peak resident memory of the process | {peak:,.0f} MiB |")
    say(f"| single query, p50 (analysis + scoring + top 10 + reasons) | {p50:.1f} ms |")
    say(f"| single query, p95 | {p95:.1f} ms |")
    say(
        f"| batch: {options.batch:,} problems × {len(index):,} profiles, {options.workers} processes "
        f"| {batch_seconds:.1f} s |"
    )
    say(f"| batch throughput (wall clock, generation of the texts included) | {batch_rate:,.0f} queries/s |")
    say(
        f"| batch, ranking only (analysis + scoring + top 10), per process | "
        f"{options.batch / ranking_seconds:,.0f} queries/s |"
    )
    say(f"| brute force (no index), {options.brute} queries, 1 process | {brute_per_query * 1000:,.0f} ms/query |")
    say(f"| indexed search, 1 process (p50 above) vs brute force | {brute_per_query * 1000 / p50:,.0f}× faster |")
    say()
    say("Dev-set quality (`foster match evaluate` on ../shared/data/matching-dev, baseline in the same run):")
    say()
    for line in dev_quality():
        say(line)
    if not options.no_readme:
        _write_readme("\n".join(lines))


def _term_counts(index: MatchingIndex) -> list[tuple[Counter[str], Counter[str]]]:
    """Each indexed profile's term counts in both channels, read back from the index's stored rows."""
    channels = (index._lexical, index._concepts)  # the bench reads the engine's internals on purpose
    vocabularies = [channel.inverse_vocabulary() for channel in channels]
    (lexical, concepts), (lexical_terms, concept_terms) = channels, vocabularies
    return [
        (Counter(lexical.tokens_of_row(row, lexical_terms)), Counter(concepts.tokens_of_row(row, concept_terms)))
        for row in range(len(index))
    ]


INTRO = """`bench/matching.py` builds the matching index (`foster.engines.matching`) over generated profiles
and ranks generated problem texts against it, beside brute-force scoring (the same two-channel
BM25 score computed profile by profile from term counts, without the inverted index) in the same
run. Profiles and problems are written from templates around glossary terms, half Korean and half
English. A query's time goes to Korean morphological analysis (Kiwi) and to scoring both BM25
channels over the postings of its terms (glossary topics are frequent terms with long postings);
the top-10 selection is small beside them. The batch generates its problem texts in the worker
processes chunk by chunk and ranks each (top 10, no reasons), so the whole million is measured,
not extrapolated. The generated texts are short (two or three sentences); real profiles of five
sentences cost proportionally more to analyse. Brute force is pure Python over each profile's
term counts, for reference."""


def _write_readme(block: str) -> None:
    text = readme_text()
    if SECTION_START in text and SECTION_END in text:
        before, rest = text.split(SECTION_START, 1)
        old, after = rest.split(SECTION_END, 1)
        earlier = old.split("### Run of", 1)[1] if "### Run of" in old else ""
        runs = f"{block}\n\n### Run of{earlier}".rstrip("\n") if earlier else block
        text = f"{before}{SECTION_START}\n{INTRO}\n\n{runs}\n{SECTION_END}{after}"
    else:
        text = (
            text.rstrip("\n")
            + "\n\n## Matching at 50,000 profiles (`bench/matching.py`)\n\n"
            + f"{SECTION_START}\n{INTRO}\n\n{block}\n{SECTION_END}\n"
        )
    README.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
