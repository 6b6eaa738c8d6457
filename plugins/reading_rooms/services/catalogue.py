"""The network's catalogue: title records (ISBN checked, one of the 22 classes) and copies
(barcode unique in the network), searched by words, class and room availability; imported from a
sheet with per-row errors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from piccolo.query.functions.aggregate import Count

from core.plugin import Access, ApiError, now_utc
from plugins.reading_rooms.services.common import (
    CLASSES,
    NetworkRef,
    check_isbn,
    get_room,
    require,
)
from plugins.reading_rooms.tables import Copy, Room, Title, TitleGram

__all__ = [
    "SHEET_HEADERS",
    "SHEET_ROWS",
    "ImportReport",
    "add_copies",
    "add_title",
    "availability",
    "gram_rows",
    "grams_of",
    "import_rows",
    "import_sheet",
    "read_sheet",
    "rooms_by_name",
    "search_text_of",
    "search_titles",
    "titles_by_ids",
]


def grams_of(text: str) -> list[str]:
    """Distinct two-character grams of every word (a one-character word is its own gram),
    sorted: the rows of ``reading_rooms_title_gram`` and what a search word must all match."""
    out: set[str] = set()
    for word in text.lower().split():
        if len(word) == 1:
            out.add(word)
        out.update(word[i:i + 2] for i in range(len(word) - 1))
    return sorted(out)


def gram_rows(titles: list[Title]) -> list[TitleGram]:
    """The gram rows of freshly inserted titles (insert them in the same transaction)."""
    return [TitleGram(tenant_id=t.tenant_id, title_id=t.id, gram=g[:8])
            for t in titles for g in grams_of(f"{t.title} {t.authors}")]


def search_text_of(title: str, authors: str, isbn13: str, isbn10: str | None) -> str:
    """What search matches: title and authors lower-cased, both ISBN forms. A substring match
    on this one column finds a two-character fragment of a Chinese title (红楼 → 红楼梦) on
    both engines without a tokenizer."""
    return " ".join(p for p in (title.lower(), authors.lower(), isbn13, isbn10 or "") if p)


def _text(value: str | None, field: str, max_len: int, *, required: bool = False) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise ApiError.invalid(field, "不能为空", "must not be empty")
    if len(text) > max_len:
        raise ApiError.invalid(field, f"不能超过{max_len}个字", f"at most {max_len} characters")
    return text


def _title_row(network: NetworkRef, *, isbn: str, title: str, authors: str, publisher: str,
               year: int | None, class_letter: str, call_number: str) -> Title:
    isbn13, isbn10 = check_isbn(isbn)
    letter = (class_letter or "").strip().upper()
    if letter not in CLASSES:
        raise ApiError.invalid("classLetter", "中图法大类须为22个大类之一",
                               "the class must be one of the 22 top-level classes")
    call = _text(call_number, "callNumber", 40)
    if call and not call.upper().startswith(letter):
        raise ApiError.invalid("callNumber", "索书号须以大类字母开头",
                               "the call number starts with the class letter")
    if year is not None and not 1800 <= year <= 2100:
        raise ApiError.invalid("year", "出版年不合理", "implausible year")
    name = _text(title, "title", 200, required=True)
    who = _text(authors, "authors", 200)
    return Title(tenant_id=network.county.id, network_id=network.id, isbn13=isbn13,
                 isbn10=isbn10, title=name, authors=who,
                 publisher=_text(publisher, "publisher", 100), year=year, class_letter=letter,
                 call_number=call, search_text=search_text_of(name, who, isbn13, isbn10),
                 created_at=now_utc())


async def add_title(access: Access, network: NetworkRef, **fields: Any) -> dict[str, Any]:
    require(access, "reading_rooms.manage")
    if access.node_id != network.county.id:
        raise ApiError.not_found("书房网络", "reading-room network", "networkId")
    row = _title_row(network, **fields)
    if await Title.exists().where((Title.network_id == network.id)
                                  & (Title.isbn13 == row.isbn13)):
        raise ApiError.conflict("该ISBN已在目录中", "this ISBN is already catalogued", "isbn")
    await Title.insert(row)
    await TitleGram.insert(*gram_rows([row]))
    return dict(await Title.select().where(Title.id == row.id).first() or {})


async def add_copies(access: Access, network: NetworkRef, title_id: int, room_id: int,
                     barcodes: list[str]) -> list[dict[str, Any]]:
    """Copies of a title owned by (and shelved in) a room; a barcode used anywhere in the
    network is refused (the unique key backs the check)."""
    require(access, "reading_rooms.manage")
    if access.node_id != network.county.id:
        raise ApiError.not_found("书房网络", "reading-room network", "networkId")
    await get_room(room_id, network)
    if not await Title.exists().where((Title.id == title_id) & (Title.network_id == network.id)):
        raise ApiError.not_found("书目", "title", "titleId")
    codes = [_text(b, "barcodes", 32, required=True) for b in barcodes]
    if not codes or len(codes) != len(set(codes)) or len(codes) > 500:
        raise ApiError.invalid("barcodes", "条码须为1–500个且不重复",
                               "1–500 distinct barcodes")
    taken = await Copy.select(Copy.barcode).where((Copy.network_id == network.id)
                                                  & Copy.barcode.is_in(codes))
    if taken:
        raise ApiError.conflict(f"条码已被使用：{taken[0]['barcode']}",
                                f"barcode in use: {taken[0]['barcode']}", "barcodes")
    now = now_utc()
    rows = [Copy(tenant_id=network.county.id, network_id=network.id, title_id=title_id,
                 barcode=code, owning_room_id=room_id, current_room_id=room_id,
                 status="available", updated_at=now) for code in codes]
    await Copy.insert(*rows)
    return [dict(r) for r in await Copy.select().where(Copy.id.is_in([r.id for r in rows]))]


async def search_titles(network_id: int, county_id: int, *, words: str | None = None,
                        class_letter: str | None = None, room_id: int | None = None,
                        first: int = 20, after: int = 0) -> list[dict[str, Any]]:
    """Titles matching every word (title, author or ISBN in either form), of a class, with a
    copy available in a room; keyset-paged by id (``first + 1`` rows). One statement: each
    word of two or more characters must hold all its two-character grams — a semi-join per
    gram on ``reading_rooms_title_gram``'s (tenant, gram, title) index with the county named,
    equality only (which row-level security lets PostgreSQL use), so the postings come in title
    order and are merged, stopping at the page — and a longer word must also be a substring
    (the order of its characters). ``county_id`` is the network's owner."""
    query = Title.select().where((Title.network_id == network_id) & (Title.id > after))
    for word in (words or "").lower().split()[:5]:
        term = word.replace("-", "")
        if len(term) in (10, 13) and term[:-1].isdigit() and (term[-1].isdigit()
                                                              or term[-1] == "x"):
            try:
                isbn13, _ = check_isbn(term)
            except ApiError:
                pass
            else:
                query = query.where(Title.isbn13 == isbn13)   # the network's unique key
                continue
        escaped = term.replace("\\", "").replace("%", "").replace("_", "")
        if not escaped:
            continue
        grams = grams_of(escaped) if len(escaped) > 1 else []
        for gram in grams[:GRAMS_PER_WORD]:
            # the postings of every gram (the network's county named, so its index yields them
            # in title order), joined by the database in the same statement
            query = query.where(Title.id.is_in(TitleGram.select(TitleGram.title_id).where(
                (TitleGram.tenant_id == county_id) & (TitleGram.gram == gram[:8]))))
        if len(escaped) != 2 or len(grams) != 1:
            # a two-character word is its one gram; a longer one must also be contiguous
            query = query.where(Title.search_text.like(f"%{escaped}%"))
    if class_letter:
        query = query.where(Title.class_letter == class_letter.upper())
    if room_id is not None:
        query = query.where(Title.id.is_in(
            Copy.select(Copy.title_id).where((Copy.current_room_id == room_id)
                                             & (Copy.status == "available"))))
    return [dict(r) for r in await query.order_by(Title.id).limit(first + 1)]


GRAMS_PER_WORD = 6
"""A longer word is narrowed by its first six grams (sorted); the substring check does the rest."""


async def titles_by_ids(ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = await Title.select().where(Title.id.is_in(sorted(set(ids))))
    return {int(r["id"]): dict(r) for r in rows}


async def availability(title_ids: list[int]) -> dict[int, dict[int, int]]:
    """``{title: {room: available copies}}`` for many titles in one statement."""
    if not title_ids:
        return {}
    rows = await Copy.select(Copy.title_id, Copy.current_room_id, Count(alias="count")).where(
        Copy.title_id.is_in(sorted(set(title_ids))) & (Copy.status == "available")
    ).group_by(Copy.title_id, Copy.current_room_id)
    out: dict[int, dict[int, int]] = {t: {} for t in title_ids}
    for r in rows:
        out.setdefault(int(r["title_id"]), {})[int(r["current_room_id"])] = int(r["count"])
    return out


@dataclass
class ImportReport:
    """What an import did: titles and copies added, copies already there, and each refused row
    with its reason."""

    titles: int = 0
    copies: int = 0
    errors: list[tuple[int, str, str, str]] = field(default_factory=list)
    """(row number, field, zh, en)."""
    unchanged: int = 0
    """Copies already catalogued under the same title (a rerun adds nothing)."""


async def import_rows(access: Access, network: NetworkRef,
                      rows: list[tuple[int, list[str]]], rooms_by_name: dict[str, int], *,
                      default_room: int | None = None,
                      done: Callable[[int], None] | None = None) -> ImportReport:
    """Rows of a catalogue sheet: ISBN, title, authors, publisher, year, class, call number,
    room, barcodes (comma-separated). A bad row is reported and skipped with nothing of it
    written; good rows are added (a title already catalogued gets the new copies). Idempotent:
    a barcode already on the same title is left as it is, so a sheet imported twice adds
    nothing the second time; a barcode of another title refuses the row. A blank room cell
    means ``default_room`` when given. ``done(n)`` after each row."""
    require(access, "reading_rooms.manage")
    if access.node_id != network.county.id:
        raise ApiError.not_found("书房网络", "reading-room network", "networkId")
    report = ImportReport()
    for count, (number, cells) in enumerate(rows, 1):
        try:
            await _import_row(access, network, cells, rooms_by_name, default_room, report)
        except ApiError as exc:
            report.errors.append((number, exc.field or "", exc.zh, exc.en))
        if done is not None:
            done(count)
    return report


async def _import_row(access: Access, network: NetworkRef, cells: list[str],
                      rooms_by_name: dict[str, int], default_room: int | None,
                      report: ImportReport) -> None:
    """One row, checked whole before anything of it is written."""
    cells = (list(cells) + [""] * 9)[:9]
    isbn, title, authors, publisher, year, letter, call, room, barcodes = cells
    try:
        year_value = int(year) if str(year).strip() else None
    except ValueError:
        raise ApiError.invalid("year", "出版年须为数字", "the year is a number") from None
    row = _title_row(network, isbn=isbn, title=title, authors=authors, publisher=publisher,
                     year=year_value, class_letter=letter, call_number=call)
    room_id = rooms_by_name.get(room.strip()) if room.strip() else default_room
    if room_id is None:
        raise ApiError.invalid("room", f"没有书房“{room}”", f"no room {room!r}")
    existing = await Title.select(Title.id).where(
        (Title.network_id == network.id) & (Title.isbn13 == row.isbn13)).first()
    codes = list(dict.fromkeys(
        _text(c, "barcodes", 32) for c in str(barcodes).replace("，", ",").split(",")
        if c.strip()))
    taken = {str(r["barcode"]): int(r["title_id"]) for r in await Copy.select(
        Copy.barcode, Copy.title_id).where((Copy.network_id == network.id)
                                           & Copy.barcode.is_in(codes))} if codes else {}
    title_id = None if existing is None else int(existing["id"])
    for code, owner in taken.items():
        if owner != title_id:
            raise ApiError.conflict(f"条码已被使用：{code}", f"barcode in use: {code}",
                                    "barcodes")
    fresh = [c for c in codes if c not in taken]
    if title_id is None:
        await Title.insert(row)
        await TitleGram.insert(*gram_rows([row]))
        title_id = int(row.id)
        report.titles += 1
    if fresh:
        await add_copies(access, network, title_id, room_id, fresh)
        report.copies += len(fresh)
    report.unchanged += len(taken)


SHEET_HEADERS = ("ISBN", "题名", "责任者", "出版社", "出版年", "中图法大类", "索书号", "书房", "条码")
"""The columns of a catalogue sheet (first row: headers; barcodes comma-separated)."""

SHEET_ROWS = 5000
"""The most rows the mutation takes at a time (the command line reads longer sheets)."""


def read_sheet(content: bytes, *, max_rows: int = SHEET_ROWS,
               field_name: str = "contentBase64") -> list[tuple[int, list[str]]]:
    """The non-empty rows after the header of an .xlsx catalogue's first sheet, numbered as
    the sheet numbers them."""
    import io

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on broken files
        raise ApiError.invalid(field_name, "不是有效的 .xlsx 文件",
                               "not a valid .xlsx file") from None
    sheet = book.worksheets[0]
    rows: list[tuple[int, list[str]]] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
        if number == 1:
            continue
        cells = ["" if v is None else str(v).strip() for v in values]
        if any(cells):
            rows.append((number, cells))
        if len(rows) > max_rows:
            raise ApiError.invalid(field_name, f"一次最多导入{max_rows}行",
                                   f"at most {max_rows:,} rows at a time")
    return rows


async def rooms_by_name(network: NetworkRef) -> dict[str, int]:
    """The network's rooms by name, as a sheet names them."""
    return {str(r["name"]): int(r["id"]) for r in await Room.select(Room.id, Room.name).where(
        Room.network_id == network.id)}


async def import_sheet(access: Access, network: NetworkRef, content: bytes) -> ImportReport:
    """Import the first sheet of an .xlsx catalogue (at most 5,000 rows); bad rows reported."""
    require(access, "reading_rooms.manage")
    if access.node_id != network.county.id:
        raise ApiError.not_found("书房网络", "reading-room network", "networkId")
    rows = read_sheet(content)
    return await import_rows(access, network, rows, await rooms_by_name(network))
