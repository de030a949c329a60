"""The `frontlines` command. Each command parses options and calls one plain function."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import click

from frontlines.database import store_exists
from frontlines.errors import FrontlinesError, InputError, UsageError
from frontlines.models import AnalysisResult, Article, Skip


class Progress:
    """Documents/s and ETA on stderr, at most once a second; a summary at the end."""

    def __init__(self, total: int | None, label: str, quiet: bool = False) -> None:
        self.total = total
        self.label = label
        self.quiet = quiet
        self.done = 0
        self.started = time.perf_counter()
        self.first_done = self.started
        self.last = 0.0

    # The first documents pay for loading models: no rate or ETA until the documents
    # after the first have taken this long, so the figures shown are measured ones.
    MEASURE_S = 1.0

    def step(self) -> None:
        self.done += 1
        now = time.perf_counter()
        if self.done == 1:
            self.first_done = now
        if self.quiet or now - self.last < 1.0:
            return
        self.last = now
        line = f"{self.label}: {self.done}"
        line += f"/{self.total} documents" if self.total else " documents"
        measured = now - self.first_done
        if self.done < 3 or measured < self.MEASURE_S:
            line += ", measuring speed" if self.total != self.done else ""
        else:
            rate = (self.done - 1) / measured
            line += f", {rate:.1f} docs/s"
            if self.total:
                line += f", ETA {(self.total - self.done) / rate:.0f} s"
        click.echo(line, err=True)

    @property
    def rate(self) -> float:
        return self.done / max(time.perf_counter() - self.started, 1e-9)


def _fail(exc: FrontlinesError) -> None:
    click.echo(f"frontlines: error: {exc}", err=True)
    sys.exit(exc.exit_code)


def _parse_published(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"--published: not a date (YYYY-MM-DD): {value!r}") from exc


def _collect(
    inputs: Iterable[str],
    published: date | None,
    outlet: str | None,
    allow_private: bool = False,
    max_chars: int | None = None,
) -> list[Any]:
    from frontlines.ingest import MAX_CHARS, iter_articles

    return list(
        iter_articles(
            inputs,
            published=published,
            outlet=outlet,
            allow_private=allow_private,
            max_chars=max_chars or MAX_CHARS,
        )
    )


# Options of every command that reads documents (analyze, ingest, explain).
# What every --db takes.
_DB_HELP = "an SQLite file, or postgresql://USER@HOST/DB (a PostgreSQL database with PostGIS)"

_MAX_CHARS_OPTION = click.option(
    "--max-chars",
    type=click.IntRange(min=1),
    default=1_000_000,
    show_default=True,
    help="Longest document analysed, in characters; longer ones are skipped and counted.",
)
_JOBS_OPTION = click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes on this machine, forked once the models are loaded; the same "
    "events in the same order. Default: every core this process may use (at most 4, or "
    "$FRONTLINES_JOBS); 1 for one process.",
)
_ALLOW_PRIVATE_OPTION = click.option(
    "--allow-private",
    is_flag=True,
    help="Let URLs reach loopback, private and link-local addresses (refused by default).",
)


def _run_pipeline(
    items: list[Article | Skip],
    label: str,
    quiet: bool,
    max_chars: int | None = None,
    jobs: int | None = None,
) -> Iterator[AnalysisResult | Skip]:
    from frontlines.ingest import MAX_CHARS
    from frontlines.pipeline import analyze_articles

    progress = Progress(sum(isinstance(i, Article) for i in items), label, quiet)
    for result in analyze_articles(items, max_chars=max_chars or MAX_CHARS, jobs=jobs):
        if isinstance(result, AnalysisResult):
            progress.step()
        yield result


def _no_jobs_on_cluster(jobs: int | None) -> None:
    if jobs not in (None, 1):
        raise UsageError(
            "--jobs: not with --workers, --scheduler or --from-shards (on Dask, each worker"
            " is one process: choose the number of workers)"
        )


def _summary(
    results: list[AnalysisResult], skips: list[Skip], seconds: float, extra: str = ""
) -> str:
    events = [e for r in results for e in r.events]
    by_type = Counter(e.event_type for e in events)
    types = ", ".join(f"{n} {t}" for t, n in by_type.most_common())
    line = (
        f"{len(results)} documents, {len(events)} events"
        + (f" ({types})" if types else "")
        + f", {len(skips)} skipped"
        + f" in {seconds:.1f} s"
        + extra
    )
    reasons = Counter(s.reason for s in skips)
    for reason, n in reasons.most_common():
        line += f"\n  skipped {n}: {reason}"
    undated = [r for r in results if r.article.published is None]
    if undated:
        without = sum(1 for r in undated for e in r.events if e.event_date is None)
        names = ", ".join(r.article.id for r in undated[:3]) + (", ..." if len(undated) > 3 else "")
        docs = "1 document has" if len(undated) == 1 else f"{len(undated)} documents have"
        line += (
            f"\n  warning: {docs} no publication date ({names}); "
            f"{without} of their events are undated (give --published YYYY-MM-DD)"
        )
    return line


def _prepare_gazetteer(quiet: bool) -> None:
    """Build the offline gazetteer before the first document, saying so: it takes a
    while once, and should not count against the first document's speed."""
    from frontlines.gazetteer import default_path, get_gazetteer

    path = default_path()
    if path.exists():
        return
    if not quiet:
        click.echo(
            f"building the offline gazetteer (GeoNames cities500, countries, first-level "
            f"divisions) at {path}: once, about 20 s...",
            err=True,
        )
    started = time.perf_counter()
    gaz = get_gazetteer()
    if not quiet:
        places = gaz.stats().get("places", "")
        click.echo(
            f"gazetteer built in {time.perf_counter() - started:.0f} s"
            + (f" ({places} places)" if places else ""),
            err=True,
        )


def _cluster_options(command: Any, shard_output: bool = True) -> Any:
    """--workers / --scheduler / --output / --partition-size: the run on Dask. (analyze
    has its own --output: the events file, or the shard folder of a run on Dask.)"""
    options = [
        click.option(
            "--workers",
            type=int,
            help="Run on a local Dask cluster of N worker processes (distributed.py).",
        ),
        click.option(
            "--scheduler", help="Run on the Dask cluster at this address (tcp://HOST:8786)."
        ),
        click.option(
            "--output",
            "shards",
            type=click.Path(path_type=Path),
            help="With --workers/--scheduler: write Parquet shards per partition to DIR (resumable).",
        ),
        click.option(
            "--partition-size",
            type=int,
            default=500,
            show_default=True,
            help="With --workers/--scheduler: documents per partition (one task each).",
        ),
    ]
    if not shard_output:
        options = [o for i, o in enumerate(options) if i != 2]
    for option in reversed(options):
        command = option(command)
    return command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="frontlines")
def main() -> None:
    """frontlines: conflict reports in, attributed and geolocated ACLED-style events out."""


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--published", help="Publication date (YYYY-MM-DD) for inputs that carry none.")
@click.option("--outlet", help="Outlet name for inputs that carry none.")
@click.option(
    "--format",
    "fmt",
    default="jsonl",
    show_default=True,
    help="Output format: jsonl, csv (ACLED columns) or geojson.",
)
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to FILE, not stdout.")
@click.option("--quiet", is_flag=True, help="No progress or summary on stderr.")
@_MAX_CHARS_OPTION
@_JOBS_OPTION
@_ALLOW_PRIVATE_OPTION
@lambda command: _cluster_options(command, shard_output=False)
def analyze(
    inputs: tuple[str, ...],
    published: str | None,
    outlet: str | None,
    fmt: str,
    output: Path | None,
    quiet: bool,
    max_chars: int,
    jobs: int | None,
    allow_private: bool,
    workers: int | None = None,
    scheduler: str | None = None,
    partition_size: int = 500,
) -> None:
    """Analyse INPUTS (.txt, .html, .jsonl, folders, '-' for stdin, http(s) URLs) and write
    events to stdout, or to --output FILE (on Dask: Parquet shards to --output DIR)."""

    try:
        if fmt not in ("jsonl", "csv", "geojson"):
            raise UsageError(f"--format: unknown format {fmt!r}; choose jsonl, csv or geojson")
        if workers is not None or scheduler is not None:
            _no_jobs_on_cluster(jobs)
            shards = output  # on Dask, --output is the folder of Parquet shards
            _analyze_on_cluster(inputs, published, outlet, fmt, quiet, workers, scheduler,
                                shards, partition_size, max_chars)  # fmt: skip
            return
        started = time.perf_counter()
        _check_output(output)
        items = _collect(inputs, _parse_published(published), outlet, allow_private, max_chars)
        _prepare_gazetteer(quiet)
        results: list[AnalysisResult] = []
        skips: list[Skip] = []
        for result in _run_pipeline(items, "analyze", quiet, max_chars, jobs):
            if isinstance(result, Skip):
                skips.append(result)
            else:
                results.append(result)
        events = [e for r in results for e in r.events]
        _write_output(events, fmt, output)
        if not quiet:
            extra = f"; written to {output}" if output is not None else ""
            click.echo(_summary(results, skips, time.perf_counter() - started, extra), err=True)
        if not results:
            raise InputError(", ".join(inputs), "no document could be analysed")
    except FrontlinesError as exc:
        _fail(exc)


@main.command()
@click.argument("inputs", nargs=-1)
@click.option("--published", help="Publication date (YYYY-MM-DD) for inputs that carry none.")
@click.option("--outlet", help="Outlet name for inputs that carry none.")
@click.option(
    "--db",
    "db_path",
    default="frontlines.db",
    show_default=True,
    help=f"Store to write: {_DB_HELP}.",
)
@click.option("--quiet", is_flag=True, help="No progress on stderr (the summary stays).")
@_MAX_CHARS_OPTION
@_JOBS_OPTION
@_ALLOW_PRIVATE_OPTION
@_cluster_options
@click.option(
    "--from-shards",
    type=click.Path(path_type=Path),
    help="Store the Parquet shards of an `--output DIR` run instead of analysing INPUTS.",
)
def ingest(
    inputs: tuple[str, ...],
    published: str | None,
    outlet: str | None,
    db_path: str,
    quiet: bool,
    max_chars: int,
    jobs: int | None,
    allow_private: bool,
    workers: int | None = None,
    scheduler: str | None = None,
    shards: Path | None = None,
    partition_size: int = 500,
    from_shards: Path | None = None,
) -> None:
    """Analyse INPUTS and store documents, events and evidence (one transaction per document)."""
    from frontlines.store import Store

    try:
        if from_shards is not None or workers is not None or scheduler is not None:
            _no_jobs_on_cluster(jobs)
            _ingest_on_cluster(inputs, published, outlet, db_path, quiet, workers, scheduler,
                               shards, partition_size, from_shards, max_chars)  # fmt: skip
            return
        if not inputs:
            raise UsageError("ingest: give INPUTS (or --from-shards DIR)")
        if shards is not None:
            raise UsageError("--output: only with --workers or --scheduler")
        started = time.perf_counter()
        items = _collect(inputs, _parse_published(published), outlet, allow_private, max_chars)
        statuses: Counter[str] = Counter()
        results: list[AnalysisResult] = []
        skips: list[Skip] = []
        _prepare_gazetteer(quiet)
        with Store(db_path) as store:
            pending = []
            for item in items:
                if isinstance(item, Article) and store.has_content(item):
                    statuses["unchanged"] += 1
                    continue
                pending.append(item)
            for result in _run_pipeline(pending, "ingest", quiet, max_chars, jobs):
                if isinstance(result, Skip):
                    skips.append(result)
                    continue
                outcome = store.ingest(result.article, result.events, result.claims)
                statuses[outcome.status] += 1
                results.append(result)
            totals = store.counts()
        extra = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
        click.echo(
            _summary(results, skips, time.perf_counter() - started, f"; documents: {extra}")
            + f"\nstore {db_path}: {totals['documents']} documents, {totals['events']} events",
            err=True,
        )
        if not results and not statuses["unchanged"]:
            raise InputError(", ".join(inputs), "no document could be analysed")
    except FrontlinesError as exc:
        _fail(exc)


@main.command()
@click.option(
    "--db",
    "db_path",
    default="frontlines.db",
    show_default=True,
    help=f"Store to read: {_DB_HELP}.",
)
@click.option(
    "--format",
    "fmt",
    required=True,
    help="acled-csv (ACLED's 31 columns, then extras), jsonl, geojson or parquet.",
)
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to FILE, not stdout.")
@click.option("--since", help="Only events on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Only events on or before this date (YYYY-MM-DD).")
@click.option(
    "--country",
    help="Only events in this country: a name or an ISO 3166 code (alpha-2, alpha-3, numeric).",
)
@click.option("--event-type", help="Only events of this ACLED event type.")
@click.option(
    "--sub-event-type",
    "sub_event_types",
    multiple=True,
    help="Only events of this ACLED sub-event type (repeat for several).",
)
@click.option(
    "--level",
    type=click.Choice(["consolidated", "report"]),
    default="consolidated",
    show_default=True,
    help="consolidated: one row per act, merged across reports; report: one row per report.",
)
def export(
    db_path: str,
    fmt: str,
    output: Path | None,
    since: str | None,
    until: str | None,
    country: str | None,
    event_type: str | None,
    sub_event_types: tuple[str, ...],
    level: str,
) -> None:
    """Write stored events in an export format."""
    from frontlines.export import FORMATS, ExportFilters, select_events, why_empty
    from frontlines.store import Store

    try:
        if fmt not in FORMATS or fmt == "csv":
            raise UsageError(
                f"--format: unknown format {fmt!r}; choose acled-csv, jsonl, geojson or parquet"
            )
        if not store_exists(db_path):
            raise InputError(db_path, "no such store (run `frontlines ingest` first)")
        if fmt == "parquet" and output is None:
            raise UsageError("--format parquet needs --output FILE")
        filters = ExportFilters(
            since=_parse_date_option("--since", since),
            until=_parse_date_option("--until", until),
            country=country,
            event_type=event_type,
            sub_event_types=sub_event_types,
        )
        with Store(db_path) as store:
            events = select_events(store, filters, level)
            notes = why_empty(store, filters, level) if not events else []
        count = _write_output(events, fmt, output)
        click.echo(f"exported {count} events as {fmt}", err=True)
        for note in notes:
            click.echo(f"  {note}", err=True)
    except FrontlinesError as exc:
        _fail(exc)


def _check_output(output: Path | None) -> None:
    """Refuse an output file that cannot be written before doing any work."""
    if output is None:
        return
    if not output.parent.is_dir():
        raise InputError(str(output), f"no such folder {str(output.parent)!r}")
    if output.is_dir():
        raise InputError(str(output), "is a folder, not a file")


def _write_output(events: list[Any], fmt: str, output: Path | None) -> int:
    """Events to FILE (created whole, closed) or to stdout."""
    from frontlines.export import write_events

    if output is None:
        return write_events(events, fmt, sys.stdout)
    _check_output(output)
    if fmt == "parquet":
        return write_events(events, fmt, output)
    try:
        with output.open("w", encoding="utf-8", newline="") as stream:
            return write_events(events, fmt, stream)
    except OSError as exc:
        raise InputError(str(output), f"cannot write ({exc.strerror or exc})") from exc


def _parse_date_option(name: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"{name}: not a date (YYYY-MM-DD): {value!r}") from exc


@main.command("eval")
@click.option(
    "--articles",
    type=click.Path(path_type=Path),
    help="Folder of .txt reports (file name = doc id); needs --gold.",
)
@click.option("--gold", type=click.Path(path_type=Path), help="Gold events of --articles, JSONL.")
@click.option(
    "--docs",
    type=click.Path(path_type=Path),
    help="TSV of doc, outlet, published: the reports to score and their dates.",
)
@click.option(
    "--actor-patterns",
    type=click.Path(path_type=Path),
    multiple=True,
    help='JSON {"KEY": "regex"}: a gold actor key is found when a predicted actor name '
    "matches (repeatable; a later file's key wins; other keys: our actor keys).",
)
@click.option(
    "--claims",
    type=click.Path(path_type=Path),
    help="Gold control and withdrawal claims of --articles, JSONL: adds claim recall.",
)
@click.option(
    "--sentences",
    type=click.Path(path_type=Path),
    help="TSV of labelled passages (id, text, sub_event_type, also_ok): scores the first "
    "event's sub-type of each (instead of --articles).",
)
@click.option(
    "--floors",
    type=click.Path(path_type=Path),
    help="JSON of minimum figures; exit 1 when any figure falls below its floor.",
)
@click.option(
    "--floors-set",
    help="Which set of a --floors file nested by set applies (e.g. dev, world, sentences).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--errors", is_flag=True, help="Also list missed gold events and false alarms.")
def eval_command(
    articles: Path | None,
    gold: Path | None,
    docs: Path | None,
    actor_patterns: tuple[Path, ...],
    claims: Path | None,
    sentences: Path | None,
    floors: Path | None,
    floors_set: str | None,
    as_json: bool,
    errors: bool,
) -> None:
    """Score the extractor on gold annotations: an event set (event F1, row F1, field
    accuracies, claim recall) or a sentence set (per-class and weighted F1, no-event rate)."""
    from frontlines import evaluate as ev

    try:
        if sentences is not None:
            if articles or gold or docs or actor_patterns or claims:
                raise UsageError(
                    "--sentences scores a sentence set on its own: "
                    "drop --articles, --gold, --docs, --actor-patterns and --claims"
                )
            kind = "sentences"
        elif articles is None or gold is None:
            raise UsageError("give --articles DIR and --gold FILE, or --sentences TSV")
        else:
            kind = "events"
        limits = ev.load_floors(floors, floors_set, kind) if floors is not None else None
        _prepare_gazetteer(as_json)
        if sentences is not None:
            sentence_scores = ev.evaluate_sentences(sentences)
            figures = sentence_scores.figures()
            stats = sentence_scores.per_class()
            if errors:
                for row, got in sentence_scores.wrong:
                    click.echo(f"WRONG   {row.id} gold={row.sub_event_type} first={got}")
            if as_json:
                click.echo(json.dumps({**figures, "per_class": stats}, indent=2))
            else:
                click.echo(ev.format_classes(stats))
                click.echo(ev.format_figures(figures))
        else:
            assert articles is not None and gold is not None
            scores = ev.evaluate(
                articles, gold, docs, actor_patterns=actor_patterns, claims_path=claims
            )
            figures = scores.figures()
            if errors:
                _echo_event_errors(scores)
            click.echo(json.dumps(figures, indent=2) if as_json else ev.format_figures(figures))
        if limits is not None:
            below = ev.check_floors(figures, limits)
            for message in below:
                click.echo(f"FLOOR: {message}", err=True)
            if below:
                sys.exit(1)
    except FrontlinesError as exc:
        _fail(exc)


def _echo_event_errors(scores: Any) -> None:
    for g in scores.missed:
        click.echo(f"MISSED  {g.id} {g.sub_event_type} @ {g.location}")
    for row in scores.false_alarms:
        click.echo(
            f"EXTRA   {row.get('article_id')} {row.get('sub_event_type')} @ {row.get('location')}"
        )
    for p in scores.pairs:
        if not p.signed:
            click.echo(
                f"UNSIGNED {p.gold.id} sub={p.row.get('sub_event_type')} "
                f"date={p.row.get('event_date')} actors={p.row.get('actor_keys')} "
                f"fat={p.row.get('fatalities')} gold=({p.gold.sub_event_type}, "
                f"{p.gold.date}..{p.gold.date_latest}, {list(p.gold.actors)}, "
                f"{p.gold.fatalities})"
            )
    if scores.claims is not None:
        for g in scores.claims.missed:
            who = g.get("controller") or g.get("withdrawn")
            click.echo(f"MISSED CLAIM {g.get('id')}: {who} {g.get('stance')} @ {g.get('place')}")


@main.command()
@click.argument("input_path", metavar="INPUT")
@click.option("--published", help="Publication date (YYYY-MM-DD) if the input carries none.")
@click.option("--outlet", help="Outlet name if the input carries none.")
@_MAX_CHARS_OPTION
@_ALLOW_PRIVATE_OPTION
def explain(
    input_path: str, published: str | None, outlet: str | None, max_chars: int, allow_private: bool
) -> None:
    """Print each sentence of INPUT with what was found in it and the rule behind each find."""
    from frontlines.explain import explain_articles

    try:
        items = _collect(
            [input_path], _parse_published(published), outlet, allow_private, max_chars
        )
        articles = [i for i in items if isinstance(i, Article)]
        if not articles:
            raise InputError(input_path, "no document to explain")
        for line in explain_articles(articles):
            click.echo(line)
    except FrontlinesError as exc:
        _fail(exc)


# ---------------------------------------------------------------- places and gazetteer
# (owned by the places module: a self-contained block, calling plain functions)


@main.command("places")
@click.argument("input_path", metavar="INPUT")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to FILE, not stdout.")
@click.option(
    "--gazetteer",
    "gazetteer_path",
    type=click.Path(path_type=Path),
    help="Gazetteer index (default: $FRONTLINES_CACHE or ~/.cache/frontlines).",
)
def places_command(input_path: str, output: Path | None, gazetteer_path: Path | None) -> None:
    """Resolve the toponyms of INPUT (JSONL: id, text, optional toponyms [{start, end}])."""
    from frontlines.places import places_records

    try:
        docs = list(_read_place_docs(input_path))
        out = output.open("w", encoding="utf-8") if output else sys.stdout
        try:
            for record in places_records(docs, gazetteer_path=gazetteer_path):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        finally:
            if output:
                out.close()
    except FrontlinesError as exc:
        _fail(exc)


def _read_place_docs(input_path: str) -> Iterator[dict[str, Any]]:
    if input_path == "-":
        lines: Iterable[str] = sys.stdin
    else:
        try:
            lines = Path(input_path).read_text("utf-8").splitlines()
        except OSError as exc:
            raise InputError(input_path, f"cannot read ({exc.strerror or exc})") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{input_path}:{number}", f"not JSON ({exc.msg})") from exc
        if not isinstance(doc, dict) or not isinstance(doc.get("text"), str):
            raise InputError(f"{input_path}:{number}", "each line needs a 'text' string")
        yield doc


@main.group("gazetteer")
def gazetteer_group() -> None:
    """The local GeoNames gazetteer (place data (c) GeoNames, CC BY 4.0)."""


_GAZ_OPTION = click.option(
    "--gazetteer",
    "gazetteer_path",
    type=click.Path(path_type=Path),
    help="Gazetteer index (default: $FRONTLINES_CACHE or ~/.cache/frontlines).",
)


@gazetteer_group.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@_GAZ_OPTION
def gazetteer_add(files: tuple[Path, ...], gazetteer_path: Path | None) -> None:
    """Load GeoNames dumps (SY.zip, allCountries, cities500, alternateNamesV2,
    admin1CodesASCII, admin2Codes) or a CSV (name,aliases,lat,lon,country,admin1)."""
    from frontlines.gazetteer import add_files

    try:
        counts = add_files(files, gazetteer_path)
        for kind, n in counts.items():
            click.echo(f"{kind}: {n}")
    except FrontlinesError as exc:
        _fail(exc)


@gazetteer_group.command("download")
@click.argument("codes", nargs=-1, required=True)
@click.option(
    "--base-url",
    envvar="FRONTLINES_GEONAMES_URL",
    help="Dump site (default: GeoNames' export/dump; env FRONTLINES_GEONAMES_URL).",
)
@click.option("--dest", type=click.Path(path_type=Path), help="Folder for the downloaded files.")
@click.option("--no-add", is_flag=True, help="Only download; do not load into the index.")
@_GAZ_OPTION
def gazetteer_download(
    codes: tuple[str, ...],
    base_url: str | None,
    dest: Path | None,
    no_add: bool,
    gazetteer_path: Path | None,
) -> None:
    """Fetch GeoNames country files (SY, IQ...) or named dumps, then load them."""
    from frontlines.gazetteer import add_files, download

    try:
        files = download(codes, base_url=base_url, dest=dest)
        for f in files:
            click.echo(f"downloaded {f}")
        if not no_add:
            for kind, n in add_files(files, gazetteer_path).items():
                click.echo(f"{kind}: {n}")
    except FrontlinesError as exc:
        _fail(exc)


@gazetteer_group.command("info")
@_GAZ_OPTION
def gazetteer_info(gazetteer_path: Path | None) -> None:
    """Where the index is and what it holds (builds it if missing)."""
    from frontlines.gazetteer import Gazetteer

    gaz = Gazetteer(gazetteer_path)
    click.echo(f"path: {gaz.path}")
    for key, n in gaz.stats().items():
        click.echo(f"{key}: {n}")
    click.echo("place data (c) GeoNames (geonames.org), CC BY 4.0")


# ---------------------------------------------------------------- claims and control
# (owned by the claims module: a self-contained block, calling plain functions)


def _claims_store(db_path: str) -> Any:
    from frontlines.store import Store

    if not store_exists(db_path):
        raise InputError(db_path, "no such store (run `frontlines ingest` first)")
    return Store(db_path)


@main.command("claims")
@click.option(
    "--db",
    "db_path",
    default="frontlines.db",
    show_default=True,
    help=f"Store to read: {_DB_HELP}.",
)
@click.option("--place", help="Only claims about this place (name or gazetteer alias).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "text"]),
    default="jsonl",
    show_default=True,
    help="jsonl: one JSON object a line (type claim or contradiction); text: for reading.",
)
def claims_command(db_path: str, place: str | None, fmt: str) -> None:
    """List stored claims (control, withdrawal, tolls, denials), then the contradictions
    between them, each with the claims on every side."""
    from frontlines.claims import claim_record, position, who_says

    try:
        with _claims_store(db_path) as store:
            claims = store.claims(place)
            disputes = store.contradictions(place)
        for claim in claims:
            if fmt == "jsonl":
                click.echo(json.dumps(claim_record(claim), ensure_ascii=False))
            else:
                where = (claim.place.name if claim.place else claim.place_text) or "no place named"
                day = claim.claim_date or "undated"
                click.echo(f"{day}  {where}: {position(claim)}  ({who_says(claim)})")
        for dispute in disputes:
            if fmt == "jsonl":
                click.echo(json.dumps(dispute.to_record(), ensure_ascii=False))
            else:
                click.echo(f"CONTRADICTION {dispute.question} ({', '.join(dispute.reasons)})")
                for side in dispute.sides:
                    sources = ", ".join(who_says(c) for c in side.claims)
                    click.echo(f"    {side.position}: {sources}")
        click.echo(f"{len(claims)} claims, {len(disputes)} contradictions", err=True)
    except FrontlinesError as exc:
        _fail(exc)


@main.command("control")
@click.option("--place", required=True, help="The place (name or gazetteer alias).")
@click.option(
    "--db",
    "db_path",
    default="frontlines.db",
    show_default=True,
    help=f"Store to read: {_DB_HELP}.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "jsonl"]),
    default="text",
    show_default=True,
    help="text: a day-by-day timeline; jsonl: one JSON object per day.",
)
def control_command(place: str, db_path: str, fmt: str) -> None:
    """Day by day: who is claimed to hold PLACE, by whom, and where claims contradict."""
    from frontlines.claims import control_timeline, format_timeline

    try:
        with _claims_store(db_path) as store:
            days = control_timeline(store.claims(place), store.contradictions(place))
        if not days:
            raise InputError(place, "no control or withdrawal claims about this place")
        if fmt == "jsonl":
            for day in days:
                click.echo(json.dumps(day.to_record(place), ensure_ascii=False))
        else:
            for line in format_timeline(place, days):
                click.echo(line)
    except FrontlinesError as exc:
        _fail(exc)


# ---------------------------------------------------------------- serve
# (owned by the API module: a self-contained block, calling plain functions)


@main.command("serve")
@click.option(
    "--db",
    "db_path",
    default="frontlines.db",
    show_default=True,
    help=f"Store to serve: {_DB_HELP}.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port (0: any free one).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the map in a web browser.")
@click.option(
    "--allow-ingest", is_flag=True, help="Accept POST /api/ingest (needs --token); else read-only."
)
@click.option(
    "--token",
    envvar="FRONTLINES_TOKEN",
    help="Bearer token that POST /api/ingest must send (env FRONTLINES_TOKEN).",
)
@click.option(
    "--max-body",
    default=2_000_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Largest ingest request, in bytes.",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    help="Host header to accept besides --host and localhost (repeatable; '*' for any).",
)
@click.option(
    "--time-budget",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds a read request may take; past it the answer is 503 with Retry-After.",
)
def serve_command(
    db_path: str,
    host: str,
    port: int,
    open_browser: bool,
    allow_ingest: bool,
    token: str | None,
    max_body: int,
    allowed_hosts: tuple[str, ...],
    time_budget: float,
) -> None:
    """Serve the HTTP API (OpenAPI at /openapi.json) and the web map and timeline."""
    from frontlines.api import serve

    try:
        if allow_ingest and not token:
            raise UsageError("--allow-ingest needs --token (or FRONTLINES_TOKEN)")
        if not allow_ingest and not store_exists(db_path):
            raise InputError(db_path, "no such store (run `frontlines ingest` first)")
        serve(
            db_path,
            host,
            port,
            open_browser=open_browser,
            allow_ingest=allow_ingest,
            token=token,
            max_body=max_body,
            allowed_hosts=allowed_hosts,
            time_budget=time_budget,
            announce=lambda line: click.echo(line, err=True),
        )
    except FrontlinesError as exc:
        _fail(exc)


# ---------------------------------------------------------------- event classifier
# (owned by the classifier module: a self-contained block, calling plain functions)


@main.command("train")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    help="Folder of training JSONL files (default: the bundled data/training).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    help="Where to write the head's weights (default: the shipped data/classifier/head.npz).",
)
@click.option("--seed", type=int, help="Seed of the held-out split (default: fixed).")
@click.option(
    "--test-share",
    type=float,
    help="Share of each label held out for the report (default 0.2; 0 skips the report).",
)
@click.option(
    "--per-class", type=int, help="Use only the first N passages of each label (a quick run)."
)
@click.option(
    "--defer-below",
    type=float,
    help="The cascade: a short input's passage goes on to MiniLM when the static head's top "
    "probability is below this (default 0.95).",
)
@click.option(
    "--defer-below-in-context",
    type=float,
    help="The same for a sentence of a long report (default 0.7).",
)
def train_command(
    data_dir: Path | None,
    output: Path | None,
    seed: int | None,
    test_share: float | None,
    per_class: int | None,
    defer_below: float | None,
    defer_below_in_context: float | None,
) -> None:
    """Train the event classifier's two heads (MiniLM's and the static cascade's): report on
    a held-out split, then fit on all and write them."""
    from frontlines import train as training

    try:
        training.train(
            data_dir or training.TRAINING_DIR,
            output or training.HEAD_PATH,
            seed=training.DEFAULT_SEED if seed is None else seed,
            test_share=training.DEFAULT_TEST_SHARE if test_share is None else test_share,
            per_class=per_class,
            defer_below=training.DEFAULT_DEFER_BELOW if defer_below is None else defer_below,
            defer_below_in_context=(
                training.DEFAULT_DEFER_BELOW_IN_CONTEXT
                if defer_below_in_context is None
                else defer_below_in_context
            ),
            echo=click.echo,
        )
    except FrontlinesError as exc:
        _fail(exc)


if __name__ == "__main__":  # pragma: no cover
    main()


@main.command("watch")
@click.argument("feeds", nargs=-1, required=True, metavar="FEED_URL...")
@click.option("--every", default="15m", show_default=True, help="Poll interval: 30s, 15m, 1h...")
@click.option(
    "--db",
    "db_path",
    default="frontlines.db",
    show_default=True,
    help=f"Store to write: {_DB_HELP}.",
)
@click.option("--polls", type=click.IntRange(min=1), help="Stop after N rounds of polls.")
@_ALLOW_PRIVATE_OPTION
def watch_command(
    feeds: tuple[str, ...], every: str, db_path: str, polls: int | None, allow_private: bool
) -> None:
    """Poll RSS/Atom FEED_URLs (conditional GET), fetch and ingest new items' pages; one
    log line per poll, on stderr."""
    from frontlines.watch import parse_interval, watch

    try:
        watch(
            feeds,
            db_path,
            parse_interval(every),
            polls=polls,
            allow_private=allow_private,
            log=lambda line: click.echo(line, err=True),
        )
    except KeyboardInterrupt:
        click.echo("watch: stopped", err=True)
    except FrontlinesError as exc:
        _fail(exc)


# ---------------------------------------------------------------- runs on a Dask cluster


def _analyze_on_cluster(
    inputs: tuple[str, ...],
    published: str | None,
    outlet: str | None,
    fmt: str,
    quiet: bool,
    workers: int | None,
    scheduler: str | None,
    shards: Path | None,
    partition_size: int,
    max_chars: int | None = None,
) -> None:
    """`analyze --workers/--scheduler`: events to stdout in input order, or shards to
    --output DIR."""
    from frontlines.distributed import run
    from frontlines.export import write_events

    if workers is None and scheduler is None:
        raise UsageError("--output: only with --workers or --scheduler")
    events: list[Any] = []

    def keep(result: Any) -> None:
        events.extend(e for r in result.results for e in r.events)

    summary = run(
        inputs,
        workers=workers,
        scheduler=scheduler,
        output=shards,
        published=_parse_published(published),
        outlet=outlet,
        partition_size=partition_size,
        max_chars=max_chars,
        on_result=None if shards else keep,
        progress=None if quiet else (lambda line: click.echo(f"analyze: {line}", err=True)),
    )
    if shards is None:
        write_events(events, fmt, sys.stdout)
    if not quiet:
        click.echo(_cluster_summary(summary, shards), err=True)
    if not summary.documents:
        raise InputError(", ".join(inputs), "no document could be analysed")


def _ingest_on_cluster(
    inputs: tuple[str, ...],
    published: str | None,
    outlet: str | None,
    db_path: str,
    quiet: bool,
    workers: int | None,
    scheduler: str | None,
    shards: Path | None,
    partition_size: int,
    from_shards: Path | None,
    max_chars: int | None = None,
) -> None:
    """`ingest --workers/--scheduler` (results stored as partitions finish, in input
    order) or `ingest --from-shards DIR`."""
    from frontlines.distributed import read_shards, run
    from frontlines.store import Store

    statuses: Counter[str] = Counter()
    started = time.perf_counter()
    with Store(db_path) as store:

        def store_all(results: Iterable[AnalysisResult]) -> None:
            for result in results:
                outcome = store.ingest(result.article, result.events, result.claims)
                statuses[outcome.status] += 1

        if from_shards is not None:
            if inputs or workers is not None or scheduler is not None:
                raise UsageError("--from-shards: give no INPUTS, --workers or --scheduler")
            store_all(read_shards(from_shards))
            line = f"{sum(statuses.values())} documents from shards in {from_shards}"
        else:
            if not inputs:
                raise UsageError("ingest: give INPUTS (or --from-shards DIR)")
            summary = run(
                inputs,
                workers=workers,
                scheduler=scheduler,
                output=shards,
                published=_parse_published(published),
                outlet=outlet,
                partition_size=partition_size,
                max_chars=max_chars,
                on_result=None if shards else (lambda r: store_all(r.results)),
                progress=None if quiet else (lambda text: click.echo(f"ingest: {text}", err=True)),
            )
            if shards is not None:
                store_all(read_shards(shards))
            line = _cluster_summary(summary, shards)
        totals = store.counts()
    extra = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
    click.echo(
        f"{line}; documents: {extra or 'none'} in {time.perf_counter() - started:.1f} s"
        f"\nstore {db_path}: {totals['documents']} documents, {totals['events']} events",
        err=True,
    )
    if not statuses:
        raise InputError(", ".join(inputs) or str(from_shards), "no document could be analysed")


def _cluster_summary(summary: Any, shards: Path | None) -> str:
    line = (
        f"{summary.documents} documents, {summary.events} events in {summary.partitions} "
        f"partitions ({summary.reused} already done) on {summary.workers} workers, "
        f"{summary.seconds:.1f} s"
    )
    if shards is not None:
        line += f"; shards in {shards}"
    for reason, n in sorted(summary.skipped.items(), key=lambda kv: -kv[1]):
        line += f"\n  skipped {n}: {reason}"
    return line
