"""Reading raw files: encodings, line ends, empty and binary files (helpers.rawio)."""

from __future__ import annotations

import hashlib

import pytest

from helpers.errors import InputError
from helpers.rawio import check_text, decode_bytes, file_sha256, read_text

# Japanese text with CP932 extensions (①, ㈱, Ⅳ, 髙 is IBM-extended) and full-width forms.
TEXT = (
    "分野,項目数,予定以上に進捗(S)\n"
    "1 地域協働の推進,7,0\n"
    "Ⅳ 財政基盤の強化,１４,▲3\n"
    "①利用料収入 ㈱髙橋～－\n"
)

VARIANTS = {
    "utf8_lf": TEXT.encode("utf-8"),
    "utf8_crlf": TEXT.replace("\n", "\r\n").encode("utf-8"),
    "utf8bom_lf": b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
    "utf8bom_crlf": b"\xef\xbb\xbf" + TEXT.replace("\n", "\r\n").encode("utf-8"),
    "cp932_lf": TEXT.encode("cp932"),
    "cp932_crlf": TEXT.replace("\n", "\r\n").encode("cp932"),
    "utf8_cr": TEXT.replace("\n", "\r").encode("utf-8"),
    "cp932_cr": TEXT.replace("\n", "\r").encode("cp932"),
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_encodings_and_line_ends_give_identical_text(tmp_path, name):
    p = tmp_path / f"{name}.csv"
    p.write_bytes(VARIANTS[name])
    text = read_text(p)
    assert text == TEXT
    assert "\r" not in text
    assert not text.startswith("\ufeff")


def test_all_variants_equal_each_other(tmp_path):
    texts = set()
    for name, data in VARIANTS.items():
        p = tmp_path / name
        p.write_bytes(data)
        texts.add(read_text(p))
    assert texts == {TEXT}


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("utf8_lf", "utf-8"),
        ("utf8_crlf", "utf-8"),
        ("utf8bom_lf", "utf-8-sig"),
        ("utf8bom_crlf", "utf-8-sig"),
        ("cp932_lf", "cp932"),
        ("cp932_crlf", "cp932"),
    ],
)
def test_decode_bytes_reports_encoding(tmp_path, name, encoding):
    text, enc = decode_bytes(VARIANTS[name], tmp_path / "x.csv")
    assert enc == encoding
    assert text.replace("\r\n", "\n") == TEXT


def test_cp932_extension_characters_decode(tmp_path):
    # shift_jis would fail on these; CP932 must not
    data = "①②③ ㈱ Ⅳ 髙 ～".encode("cp932")
    with pytest.raises(UnicodeDecodeError):
        data.decode("shift_jis")
    p = tmp_path / "ext.txt"
    p.write_bytes(data)
    assert read_text(p) == "①②③ ㈱ Ⅳ 髙 ～"


def test_ascii_only_file(tmp_path):
    p = tmp_path / "a.csv"
    p.write_bytes(b"a,b\r\n1,2\r\n")
    assert read_text(p) == "a,b\n1,2\n"


def test_read_text_never_writes(tmp_path):
    p = tmp_path / "r.csv"
    p.write_bytes(VARIANTS["cp932_crlf"])
    before = p.read_bytes()
    read_text(p)
    assert p.read_bytes() == before


# --------------------------------------------------------------------------
# errors: they name the file, and the line where known
# --------------------------------------------------------------------------


def _error(tmp_path, name, data) -> InputError:
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_text(p)
    err = info.value
    assert err.path == p
    assert str(p) in str(err)
    return err


@pytest.mark.parametrize(
    "data",
    [b"", b"   ", b"\r\n\n", b"\t\r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n"],
)
def test_empty_file(tmp_path, data):
    err = _error(tmp_path, "empty.csv", data)
    assert "empty" in str(err)


def test_nul_bytes_name_line(tmp_path):
    err = _error(tmp_path, "nul.csv", b"abc\ndef\nab\x00c\n")
    assert err.line == 3
    assert "line 3" in str(err)
    assert "NUL" in str(err)


def test_utf16_file_is_binary(tmp_path):
    err = _error(tmp_path, "utf16.csv", "分野,項目数\n".encode("utf-16"))
    assert "NUL" in str(err)
    assert err.line == 1


def test_xlsx_like_binary(tmp_path):
    err = _error(tmp_path, "book.csv", b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)))
    assert "binary" in str(err)
    assert err.line is not None


@pytest.mark.parametrize("bad", [b"\xff", b"\xfe", b"\xfd", b"\x80", b"\xa0"])
def test_undecodable_byte_in_ascii_file(tmp_path, bad):
    err = _error(tmp_path, "bad.csv", b"line1\nline2\nline" + bad + b"3\n")
    assert err.line == 3
    assert "line 3" in str(err)
    assert f"0x{bad[0]:02x}" in str(err)
    assert "neither UTF-8 nor CP932" in str(err)


def test_undecodable_byte_in_cp932_file_names_its_line(tmp_path):
    # CP932 Japanese on lines 1-2 (not UTF-8 from line 1), an illegal pair on line 3
    data = "あ\nい\n".encode("cp932") + b"ok\x81\x7f\n"
    err = _error(tmp_path, "bad_cp932.csv", data)
    assert err.line == 3
    assert "0x81" in str(err)


def test_damaged_utf8_file_is_refused_not_mojibake(tmp_path):
    # UTF-8 Japanese, then a truncated character: CP932 would decode it as mojibake
    data = "分野,項目数\n1 地域協働の推進,7\n".encode() + "財政".encode()[:-1] + b"\n"
    err = _error(tmp_path, "damaged.csv", data)
    assert err.line == 3
    assert "not UTF-8" in str(err)


def test_bom_then_invalid_utf8(tmp_path):
    data = b"\xef\xbb\xbf" + "分野\n".encode() + "分野\n".encode("cp932")
    err = _error(tmp_path, "bom_bad.csv", data)
    assert err.line == 2
    assert "byte-order mark" in str(err)


def test_control_characters(tmp_path):
    err = _error(tmp_path, "ctrl.csv", b"ok\n" + b"\x01\x02\x03\x04\x05" * 10)
    assert "control characters" in str(err)
    assert err.line == 2


def test_a_few_stray_control_characters_are_tolerated(tmp_path):
    p = tmp_path / "ff.txt"
    p.write_bytes(("本文\f次のページ\n" * 50).encode("utf-8") + b"\x1b")
    assert read_text(p).count("次のページ") == 50


def test_missing_file(tmp_path):
    p = tmp_path / "nope.csv"
    with pytest.raises(InputError) as info:
        read_text(p)
    assert "not found" in str(info.value) and str(p) in str(info.value)


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(InputError, match="folder"):
        read_text(tmp_path)


def test_check_text_directly():
    check_text("普通の文章\n" * 10, "x.txt")  # no error
    with pytest.raises(InputError) as info:
        check_text("a\n" + "\x07" * 20, "x.txt")
    assert info.value.line == 2 and "x.txt" in str(info.value)


def test_file_sha256(tmp_path):
    p = tmp_path / "h.csv"
    p.write_bytes(VARIANTS["cp932_crlf"])
    assert file_sha256(p) == hashlib.sha256(VARIANTS["cp932_crlf"]).hexdigest()
    assert len(file_sha256(p)) == 64
