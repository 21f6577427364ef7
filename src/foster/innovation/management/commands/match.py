"""`foster match`: rank profiles for problems from JSONL files, and `foster match evaluate`: measure it."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from foster.engines.matching import (
    EvaluationReport,
    JudgedQuery,
    Match,
    MatchingIndex,
    MatchQuery,
    Profile,
    evaluate_runs,
    whitespace_baseline,
)
from foster.engines.matching.dense import EmbeddingReranker
from foster.engines.matching.evaluation import GROUPS
from foster.engines.matching.jsonl import read_profiles, read_queries, read_results, result_line

GROUP_LABELS = {"overall": "overall", "ko": "Korean", "en": "English", "crosslingual": "cross-lingual"}


class Command(BaseCommand):
    help = (
        "Match problem statements to startup solution profiles (Korean and English) from JSON Lines files: "
        "`foster match --profiles P.jsonl --queries Q.jsonl --top 10 --out R.jsonl` writes one line per query, "
        '{"query": id, "results": [{"id": profile id, "score": number}, ...]} best first. '
        "`foster match evaluate --profiles P.jsonl --queries Q.jsonl [--results R.jsonl]` prints nDCG@10, "
        "recall@10 and MRR overall and for Korean, English and cross-lingual queries, beside a BM25 baseline "
        "on whitespace tokens measured in the same run (without --results the engine is run first). "
        "File format: see docs/matching.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action", nargs="?", choices=["run", "evaluate"], default="run", help="run (default) or evaluate."
        )
        parser.add_argument(
            "--profiles", required=True, metavar="P.jsonl", help="Profiles: id, lang, name, sector, text."
        )
        parser.add_argument("--queries", required=True, metavar="Q.jsonl", help="Problems: id, lang, sector, text.")
        parser.add_argument("--top", type=int, default=10, help="Results per query (default 10).")
        parser.add_argument("--out", metavar="R.jsonl", help="Where to write the results (default: standard output).")
        parser.add_argument(
            "--results", metavar="R.jsonl", help="evaluate: score this results file instead of running the engine."
        )
        parser.add_argument(
            "--explain", action="store_true", help="run: add each result's shared terms and concepts (key 'why')."
        )
        parser.add_argument("--save-index", metavar="DIR", help="Also save the built index to this directory.")
        parser.add_argument(
            "--rerank-model",
            metavar="DIR",
            help="Optional: re-rank the best 50 by a sentence-embedding model stored in DIR (needs the optional "
            "sentence-transformers install; never downloads). Default: no re-ranking.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["top"] <= 0:
            raise CommandError("--top must be a positive number.")
        profiles_path, queries_path = Path(options["profiles"]), Path(options["queries"])
        for path in (profiles_path, queries_path, *([Path(options["results"])] if options["results"] else [])):
            if not path.is_file():
                raise CommandError(f"There is no file {path}.")
        try:
            profiles = read_profiles(profiles_path)
            queries = read_queries(queries_path)
        except (ValueError, UnicodeDecodeError) as error:
            raise CommandError(str(error)) from None
        if options["action"] == "evaluate":
            self._evaluate(profiles, queries, options)
        else:
            self._run(profiles, queries, options)

    def _ranked(
        self, profiles: Sequence[Profile], queries: Sequence[JudgedQuery], options: Mapping[str, Any]
    ) -> list[list[Match]]:
        started = time.perf_counter()
        reranker = None
        if options.get("rerank_model"):
            try:
                reranker = EmbeddingReranker.from_local_model(options["rerank_model"])
            except (ValueError, ImportError) as error:
                raise CommandError(f"--rerank-model: {error}") from None
        index = MatchingIndex.build(profiles, reranker=reranker)
        built = time.perf_counter()
        if options["save_index"]:
            index.save(options["save_index"])
        ranked = index.search_many(
            [MatchQuery(text=query.text, sector=query.sector, id=query.id) for query in queries],
            top=options["top"],
            explain=options["explain"],
        )
        if options["verbosity"] > 0:
            self.stderr.write(
                f"Indexed {len(index)} profiles in {built - started:.1f} s and ranked {len(queries)} queries "
                f"in {time.perf_counter() - built:.1f} s."
            )
        return ranked

    def _run(self, profiles: Sequence[Profile], queries: Sequence[JudgedQuery], options: Mapping[str, Any]) -> None:
        ranked = self._ranked(profiles, queries, options)
        if options["out"]:
            with Path(options["out"]).open("w", encoding="utf-8") as out:
                self._write(out, queries, ranked, explain=options["explain"])
        else:
            self._write(sys.stdout if self.stdout is None else self.stdout, queries, ranked, explain=options["explain"])

    @staticmethod
    def _write(out: Any, queries: Sequence[JudgedQuery], ranked: Sequence[Sequence[Match]], *, explain: bool) -> None:
        for query, matches in zip(queries, ranked, strict=True):
            if not explain:
                out.write(result_line(query.id, matches) + "\n")
                continue
            results = []
            for match in matches:
                result: dict[str, Any] = {"id": match.id, "score": match.score}
                if match.reason is not None:
                    result["why"] = {
                        "terms": list(match.reason.terms),
                        "concepts": list(match.reason.concept_labels),
                        "same_sector": match.reason.same_sector,
                    }
                results.append(result)
            out.write(json.dumps({"query": query.id, "results": results}, ensure_ascii=False) + "\n")

    def _evaluate(
        self, profiles: Sequence[Profile], queries: Sequence[JudgedQuery], options: Mapping[str, Any]
    ) -> None:
        if not any(query.relevant for query in queries):
            raise CommandError(f'{options["queries"]} has no judgements ("relevant"): nothing to evaluate against.')
        if options["results"]:
            try:
                rankings = read_results(Path(options["results"]))
            except ValueError as error:
                raise CommandError(str(error)) from None
            label = f"results ({Path(options['results']).name})"
        else:
            ranked = self._ranked(profiles, queries, options)
            rankings = {
                query.id: [match.id for match in matches] for query, matches in zip(queries, ranked, strict=True)
            }
            label = "engine"
        engine = evaluate_runs(queries, rankings)
        baseline = evaluate_runs(queries, whitespace_baseline(profiles, queries))
        self._print_table(self.stdout, label, engine, baseline)

    @staticmethod
    def _print_table(out: TextIO | Any, label: str, engine: EvaluationReport, baseline: EvaluationReport) -> None:
        out.write(f"{label} beside the baseline (BM25 on whitespace tokens), measured in the same run\n")
        out.write(
            f"{'queries':<15}{'n':>4}  {'nDCG@10':>8} {'base':>6}  "
            f"{'recall@10':>9} {'base':>6}  {'MRR':>6} {'base':>6}\n"
        )
        for group in GROUPS:
            if group not in engine.groups:
                continue
            ours, theirs = engine.groups[group], baseline.groups[group]
            out.write(
                f"{GROUP_LABELS[group]:<15}{ours.queries:>4}  {ours.ndcg:>8.3f} {theirs.ndcg:>6.3f}  "
                f"{ours.recall:>9.3f} {theirs.recall:>6.3f}  {ours.mrr:>6.3f} {theirs.mrr:>6.3f}\n"
            )
