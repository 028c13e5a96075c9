"""parse_report: one chat message → what the bot understands of it (pure, no I/O).

Order matters and is the point: clean → names (roster and staff, exact, longest first)
→ classes → roll-call counts → dates → durations → name-like tokens, each masked as it
is found so no later step reads into an earlier one; then the message is cut into
groups of names with what is said of them, and each student gets an absence, a return,
or nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import replace

from bot.attendance.illness.tags import tag
from bot.attendance.parsing import intents
from bot.attendance.parsing import lexicon as L
from bot.attendance.parsing.dates import date_roles, find_dates, find_durations
from bot.attendance.parsing.kinds import Facts, is_hypothetical, reason_text, scan
from bot.attendance.parsing.merge import dedupe, merge_absences, message_class
from bot.attendance.parsing.names import NameMention, find_name_like, find_names, near_candidates, resolve, school_order
from bot.attendance.parsing.normalize import clean
from bot.attendance.parsing.portion import day_portion
from bot.attendance.parsing.query import staff_question
from bot.attendance.parsing.result import (
    Absence,
    KindCorrection,
    NameCorrection,
    ParseResult,
    Return,
    Rollcall,
    Unresolved,
)
from bot.attendance.parsing.rollcall import Rollcall as RollcallCounts
from bot.attendance.parsing.rollcall import find_rollcall
from bot.attendance.parsing.segment import Clause, Group, Member, Piece, build_groups, split_clauses
from bot.attendance.parsing.spans import CLASS, DATE, DURATION, NAME, ROLLCALL, STAFF, mask
from bot.attendance.parsing.subjects import AT_SCHOOL, seen_in_class, someone_of
from bot.attendance.parsing.timing import absence_timing, return_date
from bot.school.calendar import SchoolCalendar
from bot.school.classnames import find_classes
from bot.school.config import StaffMember
from bot.school.roster import Roster
from bot.school.roster_file import RosterEntry

_HEDGED = re.compile(L.alt(L.HEDGES))
_IN_SCHOOL = re.compile(r"(?<![没未不有])(?:来|到|在)(?:了|过)|才(?:来|到)|上完|早退|回家|接走")
_ERROR_WORDS = {"发错了", "发错", "报错了", "弄错了", "搞错了"}
_REPORT_CATS = {
    "absent",
    "no_reason",
    "sick",
    "personal",
    "leave",
    "label_sick",
    "label_personal",
    "label_unexcused",
    "return",
}


def parse_report(
    text: str,
    *,
    roster: Roster,
    calendar: SchoolCalendar,
    today: dt.date,
    sender: StaffMember | None = None,
    room_class: str | None = None,
    staff_names: Iterable[str] = (),
    school_names: Iterable[str] = (),
) -> ParseResult:
    """``school_names``: the deployment's schools, which a leader's question may name."""
    return _Parse(text, roster, calendar, today, sender, room_class, staff_names, school_names).run()


class _Parse:
    def __init__(
        self,
        text: str,
        roster: Roster,
        calendar: SchoolCalendar,
        today: dt.date,
        sender: StaffMember | None,
        room_class: str | None,
        staff_names: Iterable[str],
        school_names: Iterable[str] = (),
    ) -> None:
        self.roster, self.calendar, self.today = roster, calendar, today
        self.school_names = list(school_names)
        self.own_class = sender.head_of if sender else None
        self.staff_sender = sender is not None  # only staff ask the ledger questions
        self.room_class = room_class
        self.staff_names = set(staff_names) | ({sender.name} if sender else set())
        self.s, truncated = clean(text or "")
        self.notes: list[str] = ["truncated"] if truncated else []

    # -- reading ----------------------------------------------------------------------
    def run(self) -> ParseResult:
        s = self.s
        names = find_names(s, self.roster, self.staff_names, (self.room_class, self.own_class))
        chars = list(s)
        for x in names:
            mask(chars, x.start, x.end, NAME if x.kind == "student" else STAFF)
        classes = find_classes("".join(chars))
        for c in classes:
            mask(chars, c.start, c.end, CLASS)
        m = "".join(chars)
        self.m_names = m
        clauses0 = split_clauses(m)
        rc = find_rollcall(m, self._class_clauses(m, clauses0))
        for a, b in rc.spans:
            mask(chars, a, b, ROLLCALL)
        m = "".join(chars)
        self.dates = find_dates(m, self.today)
        for d in self.dates:
            mask(chars, d.start, d.end, DATE)
        m = "".join(chars)
        self.durations = find_durations(m)
        for du in self.durations:
            mask(chars, du.start, du.end, DURATION)
        m = "".join(chars)
        likes = [NameMention(a, b, t, "name_like") for a, b, t in find_name_like(m)]
        for x in likes:
            mask(chars, x.start, x.end, NAME)
        self.m = m = "".join(chars)
        self.people = sorted([x for x in names if x.kind == "student"] + likes, key=lambda x: x.start)
        self.classes = classes
        self.clauses = split_clauses(m)
        self.roles = date_roles(m, self.dates, self.today)
        groups = build_groups(m, self.clauses, [(p.start, p.end) for p in self.people], [p.text for p in self.people])
        return self._result(groups, rc)

    def _class_clauses(self, m: str, clauses: list[Clause]) -> list[tuple[int, int]]:
        """Clauses where 都到了 may be about the class: not right after a clause of names only."""
        out = []
        for i, c in enumerate(clauses):
            if c.question:
                continue  # "602班今天来齐了没有" asks; it reports nothing
            prev = clauses[i - 1] if i else None
            if (
                prev
                and prev.sep not in ";。!?\n"
                and "\ue000" in m[prev.start : prev.end]
                and not (set(m[prev.start : prev.end]) - set("\ue000\ue001、, 和跟及()"))
            ):
                continue
            out.append((c.start, c.end))
        return out

    def _clause_of(self, pos: int) -> Clause | None:
        return next((c for c in self.clauses if c.start <= pos < c.end or (pos == c.end == c.start)), None)

    def _live(self, pieces: list[Piece]) -> list[Piece]:
        """Pieces outside questions ("王小明今天来了吗" is not a return)."""
        out = []
        for p in pieces:
            if p.end <= p.start:
                continue
            c = self._clause_of(p.start)
            if c is None or not c.question:
                out.append(p)
        return out

    def _written_class(self, person: NameMention, group: Group | None, member: Member | None = None) -> str | None:
        own = [p for p in (group.pieces if group else []) if p.role in ("own", "paren")] + (
            [member.paren] if member is not None and member.paren else []
        )
        for c in self.classes:
            if any(p.start <= c.start < p.end for p in own) and c.start > person.start:
                return c.ref.canonical()
        before = [c for c in self.classes if c.end <= person.start]
        if before:
            return before[-1].ref.canonical()
        distinct = {c.ref.canonical() for c in self.classes}
        return distinct.pop() if len(distinct) == 1 else None

    # -- deciding ------------------------------------------------------------------------
    def _result(self, groups: list[Group], rc: RollcallCounts) -> ParseResult:
        m = self.m
        self.out_abs: list[Absence] = []
        self.out_ret: list[Return] = []
        self.out_unres: list[Unresolved] = []
        self.mentioned: list[RosterEntry] = []
        self.query_student: RosterEntry | None = None
        self.query_kind: str | None = None
        self.cancel_students: list[RosterEntry] = []
        self.kind_fix: KindCorrection | None = None
        self.specific: dict[int, bool] = {}  # absence said of this student alone
        self.resolved: dict[int, RosterEntry] = {}  # person index → the student it is
        self.group_of = {mem.index: (g, mem) for g in groups for mem in g.members}
        self.fix = intents.name_correction(m, {p.start: i for i, p in enumerate(self.people)})
        self.all_words = [w for c in self.clauses if not c.question for w in scan(m, c.start, c.end)]
        self.rollcall_absent = rc.found and not rc.all_present
        for i, person in enumerate(self.people):
            self._person(i, person)

        name_fix = None
        if self.fix:
            old, new = self.people[self.fix[0]], self.people[self.fix[1]]
            name_fix = NameCorrection(
                old.text,
                new.text,
                self._who(old, *self.group_of.get(self.fix[0], (None, None)))[0],
                self._who(new, *self.group_of.get(self.fix[1], (None, None)))[0],
            )
        absences = merge_absences(self.out_abs, self.specific)
        returns = list({r.student.student_id: r for r in self.out_ret}.values())
        unresolved = dedupe(self.out_unres)
        clause_texts = [m[c.start : c.end] for c in self.clauses]
        wrong = intents.wrong_report_spans(self.m_names) if not (self.fix or self.cancel_students) else []
        if wrong:
            taken = {
                st.student_id: st
                for i, p in enumerate(self.people)
                if (st := self.resolved.get(i)) is not None and any(a <= p.start < b for a, b in wrong)
            }
            self.cancel_students = list(taken.values())
            absences = [a for a in absences if a.student.student_id not in taken]
            returns = [r for r in returns if r.student.student_id not in taken]
        cancel = not self.fix and (
            bool(self.cancel_students)
            or intents.is_cancel(
                [t for t, c in zip(clause_texts, self.clauses, strict=False) if "\ue000" not in t and not c.question]
            )
        )
        kind_fix = self.kind_fix
        if kind_fix is None and not self.people:
            fixed = Facts(self.all_words).corrected_kind
            if fixed:
                kind_fix = KindCorrection(fixed[1], fixed[0], None)
        rollcall = Rollcall(rc.expected, rc.present, rc.all_present, rc.said_all) if rc.found else None
        others_present = any(intents.others_present(t) for t in clause_texts)
        if rollcall is None and others_present and not self.people:
            # "其他都到了" on its own: a roll-call of the class, everyone but those named before
            rollcall = Rollcall(None, None, False)
        reported = bool(absences or any(u.role == "absence" for u in unresolved) or name_fix or kind_fix)
        if not self.people and not rollcall and not kind_fix:
            for c, t in zip(self.clauses, clause_texts, strict=False):
                if not c.question and Facts(scan(m, c.start, c.end)).absent and intents.speaks_of_a_child(t, m):
                    reported = True
                    self.notes.append("no_student_named")
                    break
        returned = bool(returns or any(u.role == "return" for u in unresolved))
        query_kind = self.query_kind
        question = None
        supposed = any(is_hypothetical(t) for t in clause_texts)  # "万一他下午没来，给我打个电话"
        if self.staff_sender and not (reported or returned or rollcall or supposed):
            question = staff_question(
                self.s,
                today=self.today,
                term_start=self.calendar.term.start,
                staff_names=sorted(self.staff_names),
                school_names=self.school_names,
                students=[p.text for p in self.people],
                record_of=next(p.text for p in self.people) if query_kind == "student_record" else None,
            )
            query_kind = question.what if question else None
        intent = intents.first_that_applies(
            rollcall=rollcall is not None, absence=reported, back=returned, cancel=cancel, query=bool(query_kind)
        )
        return ParseResult(
            intent=intent,
            class_name=message_class(
                {c.ref.canonical() for c in self.classes},
                self.mentioned,
                unresolved,
                rollcall is not None,
                self.room_class or self.own_class,
            ),
            absences=absences,
            returns=returns,
            rollcall=rollcall,
            unresolved=unresolved,
            query=question if intent == "query" else None,
            query_student=self.query_student if intent == "query" else None,
            name_correction=name_fix,
            kind_correction=kind_fix,
            cancel=cancel,
            cancel_students=self.cancel_students,
            others_present=others_present,
            notes=self.notes,
            mentioned=self.mentioned,
            text=self.s,
        )

    def _role(self, i: int, person: NameMention, pieces: list[Piece], facts: Facts) -> str | None:
        m = self.m
        own = [p for p in pieces if p.role in ("pre", "own")]
        own_words = [w for p in own for w in scan(m, p.start, p.end)]
        if self.fix and i in self.fix:
            return "correction"
        if facts.returned and not facts.absent:
            return "return"  # "刘鹏今天来了 搞错了 刚才撤销错了": the child's being here outweighs the apology
        if any(w.cat == "cancel" for w in own_words):
            # "刚才那条发错了，蒋天佑是事假": owning up to an error and then saying what
            # the student's leave is corrects the kind; it does not undo the report
            if not (facts.label and all(w.text in _ERROR_WORDS for w in own_words if w.cat == "cancel")):
                return "cancel"
        if intents.record_lookup(m, person.start, person.end) and not any(
            w.cat in _REPORT_CATS - {"return"} for w in own_words
        ):
            self.query_kind = "student_record"
            return "query"
        others = [
            m[c.start : c.end] for c in self.clauses if not c.question and intents.others_present(m[c.start : c.end])
        ]
        if intents.all_but([*(m[p.start : p.end] for p in own), *others]):
            return "absence"  # 除了蒋天佑，其他都到了 (the clause of the others may stand apart)
        if facts.absent or (self.rollcall_absent and not facts.returned):
            return "absence"
        if facts.returned:
            return "return"
        return None

    def _person(self, i: int, person: NameMention) -> None:
        m = self.m
        g, mem = self.group_of.get(i, (None, None))
        pieces = self._live((g.pieces if g else []) + ([mem.paren] if mem and mem.paren else []))
        facts = Facts(
            [
                w
                for p in pieces
                for w in scan(m, p.start, p.end)
                if not (w.cat == "return" and intents.kin_subject(m[p.start : w.start]) and p.role == "own")
            ]
        )
        student, candidates, near = self._who(person, g, mem)
        if student is not None:
            self.mentioned.append(student)
            self.resolved[i] = student
        role = self._role(i, person, pieces, facts)
        live = "".join(self.s[p.start : p.end] for p in pieces)
        if role == "absence" and not self.rollcall_absent and seen_in_class(live, facts):
            role = None
        here = self._clause_of(person.start)
        someone = None
        if role == "absence" and student is not None:
            someone = someone_of(self.m, self.s, person.end, here.end if here else len(self.s), facts)
        if someone is not None and student is not None:
            if someone.errand:
                return  # "吴倩的妈妈没来开家长会": the adult's errand, nothing of the child's
            # unsure who is away: the teacher is asked whether it is the child named
            candidates, near, student = [student], True, None
            person = replace(person, text=self.s[person.start : someone.end])
        said_here = "".join(self.s[p.start : p.end] for p in pieces if p.role != "header")
        asked = here is not None and here.question
        if not said_here and not asked:
            # no attendance word near the name: what follows it, up to the next name
            # (not in a question or a hypothetical: "假如蒋天佑发烧了…" reports nothing)
            nxt = next((p.start for p in self.people if p.start > person.start), len(self.s))
            said_here = self.s[person.end : nxt]
        if role is None and tag(said_here).symptoms and not facts.returned and not AT_SCHOOL.search(said_here):
            # "刘鹏脸上起了些红点点 …家长带去看了": symptoms seen are a sick child's report
            role = "absence"
        portion = None
        if role in (None, "absence", "return"):
            said = said_here
            portion = day_portion(said)
            role = "absence" if portion else role
        if role is None or (role == "correction" and self.fix is not None and i == self.fix[0]):
            return
        if role in ("query", "cancel"):
            if student is None:
                self.out_unres.append(Unresolved(person.text, candidates, near, role))
            elif role == "query":
                self.query_student = self.query_student or student
            else:
                self.cancel_students.append(student)
            return
        if role == "correction":
            facts, role = Facts(self.all_words), "absence"
        fixed = facts.corrected_kind or (not self.fix and intents.correcting(m) and facts.label and (None, facts.label))
        if fixed and role == "absence":
            self.kind_fix = KindCorrection(fixed[1], fixed[0], student)
        reason = reason_text(self.s, m, [p for p in pieces if p.role != "header"] or pieces, facts.words)
        kind = facts.kind
        if kind != "sick" and facts.label is None and not facts.illness_denied:
            # "烧起来了 今天请假": the illness words of the 因病缺课 forms say it is a sick leave;
            # symptoms seen count, a guessed disease alone does not
            tags = tag(said_here)
            if tags.symptoms or (tags.ill and not _HEDGED.search(said_here)):
                kind = "sick"
        timing = absence_timing(
            m,
            pieces,
            facts.words,
            self.dates,
            self.roles,
            self.durations,
            self.calendar,
            self.today,
            facts.kind != "unexcused",
        )
        self.notes.extend(n for n in timing.notes if n not in self.notes)
        back = return_date(pieces, facts.words, self.dates, self.roles, self.today) if facts.returned else None
        if portion in ("morning", "afternoon") and timing.start < self.today and not _IN_SCHOOL.search(said):
            # "昨天下午就没来了": away since then, not half a day (nothing says the child came)
            portion = None
            if role == "absence" and not facts.absent:
                role = None
        entries: list[tuple[str, dt.date | None]] = []
        if portion:
            entries.append(("part", timing.start))
        elif role == "absence" and back is not None:
            # came back: the absence before it (if it began earlier), and the return
            if timing.explicit_start and timing.start < back:
                end = timing.end or self.calendar.previous_school_day(back) or timing.start
                entries += [("absence", min(end, back)), ("return", back)]
            else:
                entries.append(("return", back))
        elif role == "absence":
            entries.append(("absence", timing.end))
        elif back is not None:
            entries.append(("return", back))
        for what, val in entries:
            if what == "part":
                what, val = "absence", timing.start
                part = portion
            else:
                part = None
            if student is None:
                ab = what == "absence"
                self.out_unres.append(
                    Unresolved(
                        person.text,
                        candidates,
                        near,
                        what,
                        kind=kind if ab else None,
                        start=timing.start if ab else None,
                        end=val if ab else None,
                        reason=reason if ab else None,
                        date=None if ab else val,
                        portion=part or "full",
                        said=said_here if ab else "",
                        someone=someone.word if someone else None,
                    )
                )
            elif what == "absence":
                self.out_abs.append(Absence(student, kind, timing.start, val, reason, part or "full", said_here))
                self.specific[id(self.out_abs[-1])] = len(g.members) == 1 if g else True
            else:
                assert val is not None  # a return's entry is its date, ``back``
                self.out_ret.append(Return(student, val))

    def _who(
        self, person: NameMention, group: Group | None, member: Member | None
    ) -> tuple[RosterEntry | None, list[RosterEntry], bool]:
        if person.kind == "name_like":
            prefer = [self.own_class, self.room_class, self._written_class(person, group, member)]
            return None, near_candidates(person.text, self.roster, prefer), True
        written = self._written_class(person, group, member)
        st = resolve(person.students, written, self.own_class, self.room_class)
        return st, ([] if st else sorted(person.students, key=school_order)), False
