"""Reading a 学籍 export: formats, title rows, header synonyms, and every bad input with its row."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from bot.school.roster_file import RosterError, check_phone, parse_roster_rows, read_roster_file, template_rows

HEADER = ["学籍号", "姓名", "性别", "年级", "班级", "监护人", "联系电话", "是否寄宿", "是否脱贫家庭", "是否留守儿童"]
ROW1 = ["G1", "王小明", "男", "三年级", "三年级二班", "王建国", "13812345678", "否", "是", "是"]
ROW2 = ["G2", "李小花", "女", "三年级", "三(2)班", "李强", "0871-1234567", "是", "否", "否"]


def problems(rows, **kw) -> str:
    with pytest.raises(RosterError) as e:
        parse_roster_rows(rows, "名单.xlsx", **kw)
    return "\n".join(e.value.problems)


def xlsx(tmp_path, rows, merge: str | None = None, name="名单.xlsx"):
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    if merge:
        wb.active.merge_cells(merge)
    path = tmp_path / name
    wb.save(path)
    return path


def test_a_real_export_with_title_rows_and_other_headers(tmp_path):
    rows = [
        ["青石镇中心小学2026年秋季学生名单"],
        ["导出时间：2026-09-05", ""],
        [
            "全国学籍号",
            "学生姓名",
            "性别",
            "班级名称",
            "监护人姓名",
            "监护人电话",
            "是否寄宿生",
            "是否脱贫户",
            "留守儿童",
        ],
        ["G1", "王小明", "男", "三(2)班", "王建国", 13812345678, "否", "是", "是"],
    ]
    f = read_roster_file(xlsx(tmp_path, rows))
    assert f.header_row == 3
    (e,) = f.entries
    assert (e.student_id, e.name, e.class_name, e.guardian, e.phone) == (
        "G1",
        "王小明",
        "三年级二班",
        "王建国",
        "13812345678",
    )
    assert e.boarding is False and e.poverty is True and e.left_behind is True
    assert "grade" not in f.columns and "phone" in f.columns


def test_columns_the_file_lacks_are_recorded_and_warned_about():
    f = parse_roster_rows([["学籍号", "姓名", "班级", "民族"], ["G1", "王小明", "三年级二班", "汉"]], "a.csv")
    assert f.columns == frozenset({"student_id", "name", "class_name"})
    text = "\n".join(f.warnings)
    assert "a.csv 第1行（表头）：这些列不认识，没有导入：民族" in text
    assert "没有“是否留守儿童”一栏：已有学生的是否留守儿童保持数据库里的不变" in text


def test_id_card_birth_date_and_address_are_kept():
    rows = [
        ["学籍号", "姓名", "班级", "身份证号", "出生日期", "家庭住址"],
        ["G1", "王小明", "三年级二班", "530302201803050011", "2018-03-05", "石门村3组"],
    ]
    (e,) = parse_roster_rows(rows, "a.csv").entries
    assert (e.id_card, e.birth_date, e.address) == ("530302201803050011", "2018-03-05", "石门村3组")


def test_csv_encodings(tmp_path):
    text = "\n".join(",".join(r) for r in (HEADER, ROW1)) + "\n"
    for enc in ("utf-8", "utf-8-sig", "gb18030"):
        path = tmp_path / f"{enc}.csv"
        path.write_bytes(text.encode(enc))
        assert read_roster_file(path).entries[0].name == "王小明", enc


def test_xls(tmp_path):
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sh = book.add_sheet("名单")
    for r, row in enumerate([["2026年秋季学生名单"], HEADER, ROW1]):
        for c, v in enumerate(row):
            sh.write(r, c, v)
    path = tmp_path / "名单.xls"
    book.save(str(path))
    f = read_roster_file(path)
    assert f.header_row == 2 and f.entries[0].class_name == "三年级二班"


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(RosterError) as e:
        read_roster_file(path)
    assert e.value.problems == ["empty.csv：文件是空的，没有表头也没有学生"]


def test_only_a_header():
    assert "名单.xlsx：只有表头，没有学生（第1行以下是空的）" in problems([HEADER, ["", ""]])


def test_a_title_row_and_no_header_says_what_a_header_is():
    msg = problems([["青石镇中心小学2026年秋季学生名单"], ["一", "二"]])
    assert "前20行里找不到表头" in msg and "第一行是“青石镇中心小学2026年秋季学生名单”" in msg


def test_a_header_missing_a_column_names_it_and_its_other_names():
    msg = problems([["标题"], ["学籍号", "名字", "班级"], ["G1", "王小明", "三年级二班"]])
    assert "名单.xlsx 第2行（表头）：缺少列 姓名（也可以写成 姓名/学生姓名）" in msg


def test_two_header_rows():
    msg = problems([HEADER, HEADER, ROW1])
    assert "名单.xlsx 第2行：又是一行表头（两行表头），请删掉多余的一行" in msg


def test_duplicate_columns():
    header = [*HEADER, "手机号"]
    msg = problems([header, [*ROW1, "13900000000"]])
    assert "名单.xlsx 第1行（表头）：第7列“联系电话”和第11列“手机号”都是联系电话，请只留一列" in msg


def test_merged_cells(tmp_path):
    rows = [["2026年秋季学生名单"], HEADER, ROW1, [*ROW2[:4], "", *ROW2[5:]]]
    path = xlsx(tmp_path, rows, merge="E3:E4")
    with pytest.raises(RosterError) as e:
        read_roster_file(path)
    assert "名单.xlsx 第3–4行：“班级”是合并单元格，请取消合并，并在每一行都填上自己的内容" in e.value.problems


def test_a_merged_title_above_the_header_is_fine(tmp_path):
    path = xlsx(tmp_path, [["2026年秋季学生名单"], HEADER, ROW1], merge="A1:J1")
    assert len(read_roster_file(path).entries) == 1


def test_a_student_id_in_two_classes():
    other = ["G1", "王小明", "男", "三年级", "三年级一班", "", "", "否", "否", "否"]
    msg = problems([HEADER, ROW1, other])
    assert "名单.xlsx 第3行：学籍号 G1 在第2行是三年级二班，这里又是三年级一班：一个学生只能在一个班" in msg


def test_a_student_id_twice():
    msg = problems([HEADER, ROW1, ROW1])
    assert "名单.xlsx 第3行：学籍号 G1 重复（第2行已有）" in msg


@pytest.mark.parametrize(
    "name, why",
    [
        ("王 小明", "姓名“王 小明”中间有空格，请删掉空格"),
        ("王\u3000小明", "姓名“王\u3000小明”中间有空格"),
        ("王小明Ａ", "姓名“王小明Ａ”里有全角字符“Ａ”"),
        ("王小明2", "姓名“王小明2”里有数字或字母"),
    ],
)
def test_a_name_with_spaces_or_full_width_characters(name, why):
    row = [ROW1[0], name, *ROW1[2:]]
    assert f"名单.xlsx 第2行：{why}" in problems([HEADER, row])


def test_a_name_with_a_middle_dot_is_a_name():
    row = [ROW1[0], "买买提·艾力", *ROW1[2:]]
    assert parse_roster_rows([HEADER, row], "a.csv").entries[0].name == "买买提·艾力"


def test_excel_scientific_notation_phone_is_refused_with_the_row():
    row = [*ROW1[:6], "1.38123E+10", *ROW1[7:]]
    msg = problems([HEADER, ROW2, row])
    assert "名单.xlsx 第3行：联系电话“1.38123E+10”被 Excel 写成了科学计数法" in msg


@pytest.mark.parametrize(
    "phone", ["13812345678", "138-1234-5678", "0871-1234567", "08711234567", "13812345678/13987654321"]
)
def test_phones_that_are_phones(phone):
    assert check_phone(phone) is None


@pytest.mark.parametrize("phone", ["1381234567", "12345", "23812345678", "138123456789"])
def test_phones_that_are_not(phone):
    assert "不像电话号码" in (check_phone(phone) or "")


def test_every_bad_row_at_once():
    bad_class = [ROW2[0], ROW2[1], "女", "三年级", "三年纪二般", *ROW2[5:]]
    bad_flag = [*ROW1[:7], "也许", *ROW1[8:]]
    msg = problems([HEADER, bad_flag, bad_class, ["", "无名", "", "", "三年级二班"]])
    assert "第2行：“是否寄宿”一栏应填“是”或“否”，现在是“也许”" in msg
    assert "第3行：班级“三年纪二般”认不出来" in msg
    assert "第4行：学籍号是空的" in msg


def test_the_template_is_a_roster_this_reader_reads():
    f = parse_roster_rows(template_rows(), "名单模板.xlsx")
    assert f.entries[0].name == "王小明" and f.warnings == []
