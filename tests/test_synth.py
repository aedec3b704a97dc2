"""The synthetic corpus generator: determinism, accounting that holds, faults that break it."""

from __future__ import annotations

import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from synth import checks, faults, truth
from synth.cli import main
from synth.corpus import Entry, entries, generate
from synth.layout.document import sections
from synth.render import pdf as pdf_render
from synth.render import (
    txt,
    write_corpus,
)

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "inbox" / "henan-xuchang-hrss-2023.txt"
FORMATS = ["pdf", "docx", "xlsx", "txt"]


def _with_prior(corpus: list[Entry]) -> list[tuple[Entry, truth.Truth | None]]:
    out: list[tuple[Entry, truth.Truth | None]] = []
    prior: dict[str, truth.Truth] = {}
    for entry in corpus:
        slug = entry.department.slug
        out.append((entry, prior.get(slug)))
        prior[slug] = entry.truth
    return out


@pytest.fixture(scope="module")
def clean() -> list[tuple[Entry, truth.Truth | None]]:
    return _with_prior(list(entries(14, range(2016, 2025), FORMATS, seed=21, rate=0.0)))


@pytest.fixture(scope="module")
def faulty() -> list[tuple[Entry, truth.Truth | None]]:
    return _with_prior(list(entries(40, range(2018, 2021), FORMATS, seed=8, rate=0.8)))


def test_same_seed_same_corpus(tmp_path: Path) -> None:
    runs = []
    for name in ("a", "b"):  # faults planted; the broken PDFs (LibreOffice) are tested below
        write_corpus(tmp_path / name, list(entries(3, range(2021, 2023), ["txt", "docx", "xlsx"],
                                                   seed=4, rate=0.5)))
        runs.append({p.relative_to(tmp_path / name): p.read_bytes()
                     for p in sorted((tmp_path / name).rglob("*")) if p.is_file()
                     and p.suffix != ".pdf"})
    assert runs[0].keys() == runs[1].keys()
    assert any(p.name == "truth.json" for p in runs[0])
    for path, data in runs[0].items():
        assert data == runs[1][path], path
    other = tmp_path / "c"
    generate(other, 3, range(2021, 2023), ["txt"], seed=5)
    truths = sorted(other.rglob("truth.json"))
    assert truths and all(t.read_bytes() != runs[0].get(t.relative_to(other)) for t in truths)


def test_truth_round_trips(clean: list[tuple[Entry, truth.Truth | None]]) -> None:
    entry, _ = clean[0]
    data = entry.truth.to_json()
    assert truth.from_json(json.loads(json.dumps(data))).to_json() == data


def test_clean_documents_hold_every_identity(clean: list[tuple[Entry, truth.Truth | None]]
                                             ) -> None:
    tails: Counter[str] = Counter()
    for entry, prior in clean:
        results = checks.run(entry.truth, prior, strict=True)
        failed = [r for r in results if r.status == "fail"]
        assert not failed, (entry.truth.department, failed[:3])
        for r in results:
            if r.difference and r.check_id.split(".")[0] in ("summary", "income", "expenditure",
                                                              "gpb_basic", "three_public"):
                tails[r.check_id] += 1
    # printed rounding leaves honest tails between totals and the sums of their terms
    assert sum(tails.values()) > 100 and len(tails) >= 8, tails


def test_years_chain_and_names_follow_the_year(clean: list[tuple[Entry, truth.Truth | None]]
                                                ) -> None:
    seen = set()
    for entry, prior in clean:
        t = entry.truth
        if prior is not None:
            assert checks.Checker(t, prior).years().__next__().status == "pass"
        summary = t.table("summary")
        assert summary is not None
        names = {r.code: r.label.split("、", 1)[1] for r in summary.rows if r.code}
        year = t.department["fiscal_year"]
        assert names["210"] == ("卫生健康支出" if year >= 2019 else "医疗卫生与计划生育支出")
        assert names["207"] == ("文化旅游体育与传媒支出" if year >= 2019 else "文化体育与传媒支出")
        assert ("224" in names) == (year >= 2019) and ("234" in names) == (year >= 2020)
        seen.add((t.department["template_family"], t.department["unit"],
                  t.department["format"]))
    assert {f for f, _, _ in seen} == {"henan", "shanghai"}
    assert {u for _, u, _ in seen} == {"万元", "元"}
    assert {f for _, _, f in seen} == set(FORMATS)


def test_each_fault_breaks_the_identity_it_names(faulty: list[tuple[Entry, truth.Truth | None]]
                                                 ) -> None:
    planted: Counter[str] = Counter()
    for entry, prior in faulty:
        if not entry.truth.faults:
            assert not checks.failed_ids(entry.truth, prior)
            continue
        (fault,) = entry.truth.faults
        planted[fault.kind] += 1
        results = [r for r in checks.run(entry.truth, prior) if r.check_id == fault.check_id]
        broken = [r for r in results if r.status == "fail"]
        assert broken, fault
        for r in broken:
            if r.difference is not None and r.tolerance is not None:
                assert abs(r.difference) > r.tolerance
        assert fault.triggers == checks.failed_ids(entry.truth, prior)
        assert fault.check_id in fault.triggers
        assert fault.severity == checks.severity(fault.check_id)
    assert set(planted) == set(faults.KINDS), set(faults.KINDS) - set(planted)
    assert max(planted.values()) <= 3


def test_text_dump_has_the_shape_of_the_henan_sample(
        clean: list[tuple[Entry, truth.Truth | None]]) -> None:
    entry = next(e for e, _ in clean if e.truth.department["template_family"] == "henan")
    ours = txt.dump(sections(entry.draft))
    sample = SAMPLE.read_text(encoding="utf-8")
    for text in (ours, sample):
        lines = text.splitlines()
        cells = [line for line in lines if line.startswith("\t")]
        assert len(cells) > len(lines) / 3
        for number in range(1, 10):
            assert f"\t公开0{number}表" in lines
        assert any(re.fullmatch(r"\t部门：\S+", line) for line in lines)
        assert "\t金额单位：万元" in lines or "\t金额单位：元" in lines
        for title in ("收入支出决算总表", "收入决算表", "支出决算表", "财政拨款收入支出决算总表",
                      "财政拨款“三公”经费支出决算表"):
            assert any(line.strip().endswith(title) for line in lines), title
        for heading in ("第二部分", "第三部分", "部门整体支出绩效自评情况表"):
            assert heading in text
        # a table row is a run of tab-prefixed lines ended by a blank line
        runs = re.findall(r"(?:\t[^\n]*\n)+(.*)\n", text)
        assert runs and Counter(runs).most_common(1)[0][0] == ""
    assert "\t栏次" in ours.splitlines()


def test_docx_and_xlsx_hold_real_tables(tmp_path: Path) -> None:
    from docx import Document
    from openpyxl import load_workbook

    paths = generate(tmp_path, 2, range(2023, 2024), ["docx", "xlsx"], seed=2)
    by_suffix = {p.suffix: p for p in paths}
    doc = Document(str(by_suffix[".docx"]))
    assert len(doc.tables) >= 11
    book = load_workbook(by_suffix[".xlsx"])
    numbers = [n for n in book.sheetnames if n.startswith(("公开", "一", "二", "三"))]
    assert len(numbers) >= 3 and "情况说明" in book.sheetnames
    figures = [c.value for ws in book for row in ws.iter_rows() for c in row
               if isinstance(c.value, (int, float, Decimal))]
    assert len(figures) > 100


@pytest.mark.skipif(pdf_render.soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_pdf_conversion_and_broken_files(tmp_path: Path) -> None:
    import pdfplumber

    paths = generate(tmp_path, 1, range(2023, 2024), ["pdf"], seed=3, faults=1.0)
    assert len(paths) == 4
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    kinds = {d["bad_file"]: tmp_path / d["path"] for d in manifest["documents"]}
    good = truth.read(kinds[None].parent / "truth.json")
    with pdfplumber.open(kinds[None]) as document:
        text = "".join(page.extract_text() or "" for page in document.pages)
    flat = re.sub(r"[\s“”\"]", "", text)
    for table in good.tables:
        assert re.sub(r"[“”]", "", table.title) in flat, table.title
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    with pytest.raises(PdfminerException):
        pdfplumber.open(kinds["truncated"]).pages[0].extract_text()
    with pytest.raises(PdfminerException) as locked:
        pdfplumber.open(kinds["encrypted"])
    assert isinstance(locked.value.args[0], PDFPasswordIncorrect)
    with pdfplumber.open(kinds["encrypted"], password=pdf_render.PASSWORD) as document:
        assert document.pages
    scanned = truth.read(kinds["image_page"].parent / "truth.json")
    assert scanned.bad_file is not None
    (page,) = scanned.bad_file["image_pages"]
    with pdfplumber.open(kinds["image_page"]) as document:
        assert not (document.pages[page - 1].extract_text() or "").strip()
        assert document.pages[page - 1].images


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "corpus"
    assert main(["--out", str(out), "--departments", "2", "--years", "2022-2023",
                 "--formats", "txt", "--seed", "1"]) == 0
    assert len(list(out.rglob("truth.json"))) == 4
    with pytest.raises(SystemExit):
        main(["--out", str(out), "--formats", "doc"])
    assert "formats" in capsys.readouterr().err
