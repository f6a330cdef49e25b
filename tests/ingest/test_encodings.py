"""The same raw data in any accepted encoding and line ending gives the same processed tables.

The real raw files are re-encoded as UTF-8, UTF-8 with BOM and CP932, each with
LF and CRLF line ends, into separate temporary data folders; the cleaning stage
(``clean_period(..., write=True)``) must write byte-identical ``areas.csv``,
``items.csv`` and ``indicators.csv`` for each.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import PLAN, REAL_RAW, SOURCE_FILES, copy_raw

from helpers.ingest.clean import clean_period

ENCODINGS = {"utf-8": "utf-8", "utf-8-bom": "utf-8-sig", "cp932": "cp932"}
NEWLINES = {"lf": "\n", "crlf": "\r\n"}
PROCESSED = ("areas.csv", "items.csv", "indicators.csv")
# 2018-03 is the period the brief is about (report + KPI sheet); 2017-09 (a
# per-area CSV with Japanese headers and comment lines) is checked the same way.
PERIODS = ("2018-03", "2017-09")


def _raw_texts(period: str) -> dict[str, str]:
    """Each raw text file of a period, decoded, with LF line ends."""
    out = {}
    for rel in SOURCE_FILES:
        p = REAL_RAW / rel
        if rel.parent == Path(PLAN) / period and p.suffix.lower() in (".txt", ".csv"):
            out[p.name] = p.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    assert out, f"no raw files for {period}"
    return out


def _write_period(data: Path, period: str, encoding: str, newline: str) -> None:
    folder = data / "raw" / PLAN / period
    folder.mkdir(parents=True)
    for name, text in _raw_texts(period).items():
        (folder / name).write_bytes(text.replace("\n", newline).encode(encoding))


def _processed(data: Path, period: str) -> dict[str, bytes]:
    result = clean_period(period, data, write=True)
    out = data / "processed" / PLAN / period
    assert {p.name for p in result.written} >= set(PROCESSED)
    return {name: (out / name).read_bytes() for name in PROCESSED}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, dict[str, bytes]]:
    """Processed tables of the real raw data, as received."""
    data = tmp_path_factory.mktemp("reference")
    copy_raw(data)
    return {period: _processed(data, period) for period in PERIODS}


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("newline", NEWLINES, ids=str)
@pytest.mark.parametrize("encoding", ENCODINGS, ids=str)
def test_same_tables_whatever_the_encoding(encoding, newline, period, reference, tmp_path):
    codec, nl = ENCODINGS[encoding], NEWLINES[newline]
    data = tmp_path / "data"
    _write_period(data, period, codec, nl)

    # the files really are in that form
    for f in (data / "raw" / PLAN / period).iterdir():
        raw = f.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") == (codec == "utf-8-sig"), f.name
        assert (b"\r\n" in raw) == (nl == "\r\n"), f.name
        if codec == "cp932":
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")

    got = _processed(data, period)
    for name in PROCESSED:
        assert got[name] == reference[period][name], f"{name} differs for {encoding}/{newline}"
    assert len(got["areas.csv"].splitlines()) == 6  # header + five areas


def test_reference_tables_hold_the_data(reference):
    """Guard against comparing empty tables: the reference has areas, items and KPIs."""
    ref = reference["2018-03"]
    assert len(ref["areas.csv"].splitlines()) == 6
    assert len(ref["items.csv"].splitlines()) > 43  # 43 items, some texts span lines
    assert "市民活動支援センター来場者数".encode() in ref["indicators.csv"]
