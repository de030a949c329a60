import json
from datetime import date

import pytest

from frontlines.errors import InputError, SkippedInput
from frontlines.ingest import check_language, iter_articles
from frontlines.models import Article, Skip


def articles(*inputs, **kwargs):
    return list(iter_articles([str(i) for i in inputs], **kwargs))


def test_plain_text_with_date_header(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text("DATE: 2024-12-04\n\nJets struck Idlib on Wednesday.\n", encoding="utf-8")
    (article,) = articles(path)
    assert article.id == "report"
    assert article.published == date(2024, 12, 4)
    assert "Jets struck Idlib" in article.text


def test_published_option_fills_missing_dates(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Jets struck Idlib on Wednesday.", encoding="utf-8")
    (article,) = articles(path, published=date(2024, 1, 3), outlet="Wire")
    assert article.published == date(2024, 1, 3)
    assert article.outlet == "Wire"


def test_jsonl_documents_keep_their_own_fields(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text(
        json.dumps({"id": "x1", "text": "Shelling hit Homs.", "published": "2024-11-30"})
        + "\n\n"
        + json.dumps({"id": "x2", "text": "Clashes near Hama.", "outlet": "AP"})
        + "\n",
        encoding="utf-8",
    )
    first, second = articles(path, published=date(2024, 12, 1))
    assert (first.id, first.published) == ("x1", date(2024, 11, 30))
    assert (second.id, second.published, second.outlet) == ("x2", date(2024, 12, 1), "AP")


def test_bad_jsonl_line_names_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "ok", "text": "Clashes near Hama."}\n{not json\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.jsonl:2: not valid JSON"):
        articles(path)


def test_empty_and_binary_files_are_rejected(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x89PNG\x00\x00\x01\x02" * 10)
    with pytest.raises(InputError, match="empty input"):
        articles(empty)
    with pytest.raises(InputError, match="binary"):
        articles(binary)


def test_folder_reads_known_files_and_counts_bad_ones(tmp_path):
    (tmp_path / "a.txt").write_text("Clashes near Hama.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("", encoding="utf-8")
    (tmp_path / "notes.bin").write_bytes(b"\x00\x01")
    found = articles(tmp_path)
    assert [type(x) for x in found] == [Article, Skip]
    assert found[1].reason == "empty input"


def test_html_page_gives_main_text_title_and_date(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Strikes on Idlib</title>"
        '<meta property="article:published_time" content="2024-12-02T10:00:00Z"></head>'
        "<body><nav>Home | World</nav><article><h1>Strikes on Idlib</h1>"
        "<p>Syrian and Russian warplanes struck the city of Idlib on Monday, killing at least "
        "eleven people, a war monitor said.</p><p>Rescue workers searched the rubble of "
        "residential buildings in the city centre for survivors.</p></article></body></html>",
        encoding="utf-8",
    )
    (article,) = articles(page)
    assert "warplanes struck the city of Idlib" in article.text
    assert "Home | World" not in article.text
    assert article.title == "Strikes on Idlib"
    assert article.published == date(2024, 12, 2)


def test_html_without_article_text_is_an_error(tmp_path):
    page = tmp_path / "empty.html"
    page.write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match="no article text"):
        articles(page)


def test_missing_input(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        articles(tmp_path / "nope.txt")


def test_rss_feed_entries_become_documents(tmp_path):
    feed = tmp_path / "feed.rss"
    feed.write_text(
        """<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
        <item><title>Clashes near Hama</title><link>http://example.org/1</link>
        <pubDate>Tue, 03 Dec 2024 10:00:00 GMT</pubDate>
        <description>Government troops clashed with rebels north of Hama.</description></item>
        </channel></rss>""",
        encoding="utf-8",
    )
    (article,) = articles(feed)
    assert article.outlet == "Wire"
    assert article.published == date(2024, 12, 3)
    assert "clashed with rebels north of Hama" in article.text


def test_url_is_fetched_from_a_real_local_server(web_root):
    base, root = web_root
    (root / "story.txt").write_text("Rebels seized the town of Saraqib.", encoding="utf-8")
    (article,) = articles(f"{base}/story.txt", published=date(2024, 12, 1), allow_private=True)
    assert article.text.startswith("Rebels seized")
    assert article.url == f"{base}/story.txt"


def test_url_errors_are_one_line(web_root):
    from frontlines.ingest import read_url

    base, _ = web_root
    with pytest.raises(InputError, match="HTTP 404"):
        list(read_url(f"{base}/missing.txt", allow_private=True))
    with pytest.raises(InputError, match="timed out"):
        list(read_url(f"{base}/slow", timeout=0.5, allow_private=True))
    with pytest.raises(InputError, match="too large"):
        list(read_url(f"{base}/huge", max_bytes=100_000, allow_private=True))


def test_non_english_documents_are_skipped():
    german = Article(
        id="de",
        text="Die syrische Armee hat am Mittwoch die Stadt Hama nach heftigen Kämpfen verlassen.",
    )
    with pytest.raises(SkippedInput, match="not English"):
        check_language(german)
    check_language(Article(id="en", text="The Syrian army left the city of Hama on Wednesday."))


def test_english_wire_copy_with_a_capitalised_dateline_is_english():
    # the detector's lite model once read this as Spanish (0.99)
    wire = Article(
        id="wire",
        text=(
            "KAMPALA, July 9 - Protesters marched through Gulu on Tuesday to demand lower "
            "fuel prices, organisers said.\n\nBy the afternoon the protesters were hurling "
            "stones at police in Gulu and burning tyres.\n\nPolice fired tear gas at them."
        ),
    )
    check_language(wire)
    spanish = Article(
        id="es",
        text="Los manifestantes marcharon por la ciudad el martes para exigir precios más bajos.",
    )
    with pytest.raises(SkippedInput, match="not English"):
        check_language(spanish)
