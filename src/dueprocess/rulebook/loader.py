"""Parse and validate a rulebook file into a ``Rulebook``.

Validation is strict on purpose: a typo in a role or a stage would otherwise silently open or
close a path through the process. All problems are reported together (``RulebookError``).
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path

from dueprocess.rulebook import schema as s
from dueprocess.rulebook.errors import RulebookError, RulebookIssue
from dueprocess.rulebook.graph import check_graph
from dueprocess.rulebook.letters import read_template
from dueprocess.rulebook.reader import Reader

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_PREFIX = re.compile(r"^[A-Z]{1,4}$")
_PRESS = re.compile(r"press|media|newspaper|journalis", re.IGNORECASE)
_REQUIRED_KINDS = ("accept", "not_investigated", "recommend", "decide")

#: Limits checked before the TOML parser sees the text. The bundled rulebooks are under 10 KiB,
#: nest 2 deep and use keys of 1 or 2 parts; the parser itself has no limits, so a file nested
#: thousands deep would exhaust the stack and a key of thousands of parts the memory.
MAX_BYTES = 1024 * 1024
MAX_DEPTH = 32
MAX_KEY_PARTS = 16
MAX_KEY_CHARS = 256


def load_rulebook(path: str | Path, *, letters_override: Path | None = None) -> s.Rulebook:
    """Read, parse and validate the rulebook at ``path``; raise ``RulebookError`` if invalid.

    Its letter templates are read from ``letters_override`` (an organisation's own versions),
    else from the rulebook's folder, else from the bundled rulebooks' folder, and checked."""
    from dueprocess.rulebooks import RULEBOOK_DIR

    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RulebookError([RulebookIssue(str(path), "", f"cannot read file: {exc}")]) from exc
    dirs = [d for d in (letters_override, path.resolve().parent, RULEBOOK_DIR) if d is not None]
    return parse_rulebook(raw, source=str(path), template_dirs=tuple(dirs))


def parse_rulebook(
    raw: bytes, *, source: str = "<rulebook>", template_dirs: tuple[Path, ...] = ()
) -> s.Rulebook:
    if len(raw) > MAX_BYTES:
        limit = MAX_BYTES // 1024
        raise RulebookError([RulebookIssue(source, "", f"is larger than {limit} KiB")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RulebookError([RulebookIssue(source, "", f"is not valid UTF-8 ({exc})")]) from exc
    problem = _shape_problem(text)
    if problem:
        raise RulebookError([RulebookIssue(source, "", problem)])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulebookError([RulebookIssue(source, "", f"is not valid TOML: {exc}")]) from exc
    except RecursionError as exc:  # a last resort: _shape_problem should have caught it
        raise RulebookError([RulebookIssue(source, "", "nests too deeply")]) from exc
    issues: list[RulebookIssue] = []
    rulebook = _build(Reader(source, data, "", issues), text, hashlib.sha256(raw).hexdigest())
    if not issues and template_dirs:
        for letter in rulebook.letters.values():
            issues.extend(read_template(template_path(letter.template, template_dirs))[1])
    if issues:
        raise RulebookError(issues)
    return rulebook


def _shape_problem(text: str) -> str:
    """What makes ``text`` too deep or its keys too long for the TOML parser, or "".

    A single pass that skips strings and comments and counts, outside them, how deeply arrays
    and tables nest and how many dots join the parts of a key (the count restarts at ``=``, at
    a comma, at a bracket and at the end of a line; a number such as ``1.5`` counts one).
    """
    depth, parts, key_chars, line, i, n = 0, 1, 0, 1, 0, len(text)
    while i < n:
        char = text[i]
        if char == "\n":
            line, parts, key_chars = line + 1, 1, 0
        elif char == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif char in "\"'":
            end = _string_end(text, i)
            if parts > 1 or key_chars:  # a quoted part of a key
                key_chars += end - i
            i = end
            continue
        elif char in "[{":
            depth += 1
            parts, key_chars = 1, 0
            if depth > MAX_DEPTH:
                return f"line {line}: arrays and tables nest more than {MAX_DEPTH} deep"
        elif char in "]}":
            depth -= 1
            parts, key_chars = 1, 0
        elif char in "=,":
            parts, key_chars = 1, 0
        elif char == ".":
            parts += 1
            if parts > MAX_KEY_PARTS:
                return f"line {line}: a key has more than {MAX_KEY_PARTS} dotted parts"
        elif not char.isspace():
            key_chars += 1
        if key_chars > MAX_KEY_CHARS and depth == 0:
            return f"line {line}: a key is longer than {MAX_KEY_CHARS} characters"
        i += 1
    return ""


def _string_end(text: str, start: int) -> int:
    """The index just after the TOML string that opens at ``start``."""
    quote = text[start]
    if text.startswith(quote * 3, start):
        end = start + 3
        while True:
            found = text.find(quote * 3, end)
            if found < 0:
                return len(text)
            if quote == "'" or not _escaped(text, found):
                found += 3
                for _ in range(2):  # up to two more quotes may end the string's content
                    if found < len(text) and text[found] == quote:
                        found += 1
                return found
            end = found + 1
    end = start + 1
    while end < len(text) and text[end] not in (quote, "\n"):
        end += 2 if quote == '"' and text[end] == "\\" else 1
    return end + 1 if end < len(text) and text[end] == quote else end


def _escaped(text: str, index: int) -> bool:
    backslashes = 0
    while index - backslashes - 1 >= 0 and text[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _check_key(reader: Reader, field: str, value: str, seen: set[str]) -> None:
    if value and not _KEY.match(value):
        reader.error(field, f"{value!r} must be lower_snake_case (a-z, 0-9, _)")
    if value in seen:
        reader.error(field, f"{value!r} is defined twice")
    seen.add(value)


def _build(root: Reader, text: str, sha256: str) -> s.Rulebook:
    root.only(
        "schema",
        "rulebook",
        "roles",
        "categories",
        "stages",
        "transitions",
        "sanctions",
        "interim_measures",
        "triage",
        "factors",
        "deadlines",
        "conflicts",
        "panel",
        "retention",
        "sign_offs",
        "letters",
        "transparency",
        "parties",
        "evidence",
        "hearings",
        "panels",
        "appeals",
        "review",
    )
    if root.text("schema") not in ("", s.SCHEMA_ID):
        root.error("schema", f"must be {s.SCHEMA_ID!r}")
    head = root.table("rulebook")
    head.only("name", "organisation_kind", "reference_prefix", "political_office_label")
    prefix = head.text("reference_prefix", default="C")
    if not _PREFIX.match(prefix):
        head.error("reference_prefix", f"{prefix!r} must be 1 to 4 capital letters")
    roles = _roles(root)
    sanctions = _sanctions(root)
    stages = _stages(root)
    transitions = _transitions(root, stages, roles)
    check_graph(root, stages, transitions)
    triage = root.table("triage")
    triage.only("questions", "not_investigated_grounds")
    grounds = _grounds(triage, "not_investigated_grounds")
    measures = _interim_measures(root)
    transparency = _transparency(root)
    categories = _categories(root, sanctions)
    return s.Rulebook(
        name=head.text("name"),
        organisation_kind=head.text("organisation_kind"),
        reference_prefix=prefix,
        political_office_label=head.text("political_office_label", default="Political office"),
        roles=roles,
        categories=categories,
        stages=stages,
        initial_stage=next(iter(stages), ""),
        transitions=transitions,
        sanctions=sanctions,
        interim_measures=measures,
        triage_questions=_triage_questions(triage, grounds),
        not_investigated_grounds=grounds,
        factors=_grounds(root, "factors", required=False),
        deadlines=_deadlines(root),
        conflicts=_conflicts(root),
        panel=_panel(root),
        retention_years=_retention(root),
        sha256=sha256,
        source=text,
        sign_offs=_sign_offs(root, measures),
        letters=_letters(root, transitions, sanctions),
        suppression_threshold=transparency[0],
        report_publishers=transparency[1],
        parties=_parties(root, stages, transitions),
        evidence=_evidence(root),
        hearings=_hearings(root, stages),
        panels=_stage_panels(root, stages),
        appeals=_appeals(root, stages, transitions),
        review=_review(root, categories, sanctions),
    )


def template_path(template: str, dirs: tuple[Path, ...]) -> Path:
    """Where a letter's template is: the first of ``dirs`` that has it (the last if none)."""
    for folder in dirs:
        candidate = folder / template
        if candidate.is_file():
            return candidate
    return dirs[-1] / template


_TEMPLATE_NAME = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)*\.txt$")


def _letters(
    root: Reader, transitions: dict[str, s.Transition], sanctions: dict[str, s.Sanction]
) -> dict[str, s.LetterTemplate]:
    result: dict[str, s.LetterTemplate] = {}
    seen: set[str] = set()
    for table in root.tables("letters", required=False):
        table.only("key", "label", "template", "to", "on", "sanctions")
        key = table.text("key")
        _check_key(table, "key", key, seen)
        template = table.text("template")
        if template and not _TEMPLATE_NAME.match(template):
            table.error(
                "template",
                f"{template!r} must be a relative path of lower-case names ending in .txt",
            )
        recipients = table.text_list("to")
        for i, who in enumerate(recipients):
            if who not in s.LETTER_RECIPIENTS:
                known = ", ".join(s.LETTER_RECIPIENTS)
                table.error(f"to[{i}]", f"unknown recipient {who!r} (one of: {known})")
        triggers = table.text_list("on")
        for i, trigger in enumerate(triggers):
            if trigger not in transitions and trigger not in s.LETTER_EVENTS:
                table.error(
                    f"on[{i}]",
                    f"{trigger!r} is neither a transition nor an event"
                    f" ({', '.join(s.LETTER_EVENTS)})",
                )
        only = table.text_list("sanctions", required=False)
        for i, sanction in enumerate(only):
            if sanction not in sanctions:
                table.error(f"sanctions[{i}]", f"unknown sanction {sanction!r}")
        result[key] = s.LetterTemplate(
            key=key,
            label=table.text("label"),
            template=template,
            recipients=tuple(recipients),
            on=tuple(triggers),
            sanctions=tuple(only),
        )
    return result


def _roles(root: Reader) -> dict[str, s.Role]:
    roles: dict[str, s.Role] = {
        key: s.Role(key, key.replace("_", " ").capitalize()) for key in s.ROLES
    }
    for name, table in root.keyed_tables("roles"):
        table.only("label")
        if name not in s.ROLES:
            table.error(None, f"unknown role {name!r} (known roles: {', '.join(s.ROLES)})")
            continue
        roles[name] = s.Role(name, table.text("label"))
    return roles


def _sanctions(root: Reader) -> dict[str, s.Sanction]:
    result: dict[str, s.Sanction] = {}
    seen: set[str] = set()
    severities: dict[int, str] = {}
    for table in root.tables("sanctions"):
        table.only("key", "label", "severity", "combinable", "expiry_months", "max_months")
        key = table.text("key")
        _check_key(table, "key", key, seen)
        sanction = s.Sanction(
            key=key,
            label=table.text("label"),
            severity=table.number("severity"),
            combinable=table.flag("combinable"),
            expiry_months=table.optional_int("expiry_months", minimum=1),
            max_months=table.optional_int("max_months", minimum=1),
        )
        if not sanction.combinable:
            if sanction.severity in severities:
                table.error(
                    "severity",
                    f"{sanction.severity} is already used by {severities[sanction.severity]!r};"
                    " ranked sanctions need distinct severities",
                )
            severities[sanction.severity] = key
        result[key] = sanction
    if result and not severities:
        root.error("sanctions", "needs at least one ranked (not combinable) sanction")
    return result


def _categories(root: Reader, sanctions: dict[str, s.Sanction]) -> dict[str, s.Category]:
    result: dict[str, s.Category] = {}
    seen: set[str] = set()
    for table in root.tables("categories"):
        table.only(
            "key",
            "label",
            "guideline_min",
            "guideline_max",
            "education",
            "protected_characteristic",
        )
        key = table.text("key")
        _check_key(table, "key", key, seen)
        low, high = table.text("guideline_min"), table.text("guideline_max")
        for field, value in (("guideline_min", low), ("guideline_max", high)):
            if value and value not in sanctions:
                table.error(field, f"unknown sanction {value!r}")
            elif value and sanctions[value].combinable:
                table.error(field, f"{value!r} is combinable and cannot bound a guideline range")
        both = low in sanctions and high in sanctions
        if both and sanctions[low].severity > sanctions[high].severity:
            table.error("guideline_min", f"{low!r} is more severe than guideline_max {high!r}")
        result[key] = s.Category(
            key=key,
            label=table.text("label"),
            guideline_min=low,
            guideline_max=high,
            education=table.choice("education", s.EDUCATION, default="none"),
            protected_characteristic=table.flag("protected_characteristic"),
        )
    return result


def _stages(root: Reader) -> dict[str, s.Stage]:
    result: dict[str, s.Stage] = {}
    seen: set[str] = set()
    for table in root.tables("stages"):
        table.only("key", "label", "phase", "due_days", "terminal", "window")
        key = table.text("key")
        _check_key(table, "key", key, seen)
        phase = table.text("phase")
        if phase and phase not in s.PHASES:
            table.error("phase", f"must be one of {', '.join(s.PHASES)}, not {phase!r}")
        result[key] = s.Stage(
            key=key,
            label=table.text("label"),
            phase=phase,
            due_days=table.optional_int("due_days", minimum=1),
            terminal=table.flag("terminal"),
            window=table.text("window", required=False),
        )
        if result[key].window and not result[key].due_days:
            table.error("window", "a window needs the stage's due_days (when it closes)")
    return result


def _transitions(
    root: Reader, stages: dict[str, s.Stage], roles: dict[str, s.Role]
) -> dict[str, s.Transition]:
    result: dict[str, s.Transition] = {}
    seen: set[str] = set()
    for table in root.tables("transitions"):
        table.only("key", "label", "from", "to", "roles", "kind", "reasons", "once")
        key = table.text("key")
        _check_key(table, "key", key, seen)
        sources, target = table.text_list("from"), table.text("to")
        for i, stage in enumerate(sources):
            if stage not in stages:
                table.error(f"from[{i}]", f"unknown stage {stage!r}")
        if target and target not in stages:
            table.error("to", f"unknown stage {target!r}")
        who = table.text_list("roles")
        for i, role in enumerate(who):
            if role not in s.CASE_ROLES:
                known = ", ".join(s.CASE_ROLES)
                table.error(f"roles[{i}]", f"{role!r} cannot act on cases (case roles: {known})")
        kind = table.choice("kind", s.TRANSITION_KINDS, default="move")
        reasons = table.choice("reasons", s.REASONS, default="none")
        if kind in ("not_investigated", "recommend") and reasons != "required":
            table.error("reasons", f"a {kind!r} transition must require reasons")
        result[key] = s.Transition(
            key=key,
            label=table.text("label"),
            sources=tuple(sources),
            target=target,
            roles=tuple(who),
            kind=kind,
            reasons=reasons,
            once=table.flag("once"),
        )
    kinds = {t.kind for t in result.values()}
    for kind in _REQUIRED_KINDS:
        if result and kind not in kinds:
            root.error("transitions", f"needs at least one transition of kind {kind!r}")
    return result


def _grounds(parent: Reader, key: str, *, required: bool = True) -> dict[str, s.Ground]:
    result: dict[str, s.Ground] = {}
    seen: set[str] = set()
    for table in parent.tables(key, required=required):
        table.only("key", "label")
        name = table.text("key")
        _check_key(table, "key", name, seen)
        result[name] = s.Ground(name, table.text("label"))
    return result


def _interim_measures(root: Reader) -> dict[str, s.InterimMeasureKind]:
    result: dict[str, s.InterimMeasureKind] = {}
    seen: set[str] = set()
    for table in root.tables("interim_measures"):
        table.only("key", "label", "review_days", "grounds", "unreviewed")
        key = table.text("key")
        _check_key(table, "key", key, seen)
        grounds = _grounds(table, "grounds")
        for index, ground in enumerate(grounds.values()):
            if _PRESS.search(ground.key) or _PRESS.search(ground.label):
                table.error(
                    f"grounds[{index}]",
                    f"{ground.key!r} looks like press or media interest, which is never a"
                    " ground for an interim measure",
                )
        result[key] = s.InterimMeasureKind(
            key=key,
            label=table.text("label"),
            review_days=table.number("review_days", minimum=1),
            grounds=tuple(grounds.values()),
            unreviewed=table.choice("unreviewed", s.UNREVIEWED_MEASURE, default="lapse"),
        )
    return result


def _sign_offs(root: Reader, measures: dict[str, s.InterimMeasureKind]) -> dict[str, s.SignOffRule]:
    result: dict[str, s.SignOffRule] = {}
    seen: set[str] = set()
    for table in root.tables("sign_offs", required=False):
        table.only("key", "label", "applies_to_measure", "when", "signer_role", "due_days")
        key = table.text("key")
        _check_key(table, "key", key, seen)
        measure = table.text("applies_to_measure")
        if measure and measure not in measures:
            table.error("applies_to_measure", f"unknown interim measure {measure!r}")
        signer = table.text("signer_role")
        if signer and signer not in s.ROLES:
            known = ", ".join(s.ROLES)
            table.error("signer_role", f"unknown role {signer!r} (known roles: {known})")
        elif signer == s.StaffRole.ADMINISTRATOR:
            table.error("signer_role", "administrators never take part in cases")
        result[key] = s.SignOffRule(
            key=key,
            label=table.text("label"),
            applies_to_measure=measure,
            when=table.choice("when", s.SIGN_OFF_CONDITIONS, default="always"),
            signer_role=signer,
            due_days=table.number("due_days", minimum=1),
        )
    return result


def _triage_questions(triage: Reader, grounds: dict[str, s.Ground]) -> tuple[s.TriageQuestion, ...]:
    result = []
    seen: set[str] = set()
    for table in triage.tables("questions"):
        table.only("key", "label", "decline_ground")
        key = table.text("key")
        _check_key(table, "key", key, seen)
        ground = table.text("decline_ground")
        if ground and ground not in grounds:
            table.error("decline_ground", f"unknown not-investigated ground {ground!r}")
        result.append(s.TriageQuestion(key, table.text("label"), ground))
    return tuple(result)


def _deadlines(root: Reader) -> s.Deadlines:
    table = root.table("deadlines")
    table.only("acknowledge_days", "feedback_months", "remind_days_before")
    return s.Deadlines(
        acknowledge_days=table.number("acknowledge_days", minimum=1, default=7),
        feedback_months=table.number("feedback_months", minimum=1, default=3),
        remind_days_before=table.number("remind_days_before", required=False, minimum=0, default=2),
    )


def _conflicts(root: Reader) -> s.ConflictRules:
    table = root.table("conflicts")
    table.only("political_office_months", "party_to_case", "declared_relationships")
    return s.ConflictRules(
        political_office_months=table.number("political_office_months", default=24),
        party_to_case=table.flag("party_to_case", default=True),
        declared_relationships=table.flag("declared_relationships", default=True),
    )


def _panel(root: Reader) -> s.PanelRules:
    table = root.table("panel")
    table.only("size", "quorum")
    size = table.number("size", minimum=1, default=3)
    quorum = table.number("quorum", minimum=1, default=size)
    if quorum > size:
        table.error("quorum", f"{quorum} exceeds the panel size {size}")
    return s.PanelRules(size=size, quorum=quorum)


def _retention(root: Reader) -> int:
    table = root.table("retention")
    table.only("closed_case_years")
    return table.number("closed_case_years", minimum=1, default=6)


def _transparency(root: Reader) -> tuple[int, tuple[str, ...]]:
    """The suppression threshold and the roles that may publish the report (among those the
    access policy lets publish at all: the rulebook can only narrow them)."""
    table = root.table("transparency", required=False)
    table.only("suppression_threshold", "publishers")
    threshold = table.number("suppression_threshold", required=False, minimum=2, default=5)
    publishers = tuple(table.text_list("publishers", required=False)) or s.REPORT_PUBLISHERS
    for role in publishers:
        if role not in s.REPORT_PUBLISHERS:
            table.error(
                "publishers",
                f"{role!r} may not publish the report (choose among"
                f" {', '.join(s.REPORT_PUBLISHERS)})",
            )
    return threshold, publishers


#: The respondent's days to answer under a rulebook with no ``[parties]`` table.
DEFAULT_RESPONSE_DAYS = 14


def _parties(
    root: Reader, stages: dict[str, s.Stage], transitions: dict[str, s.Transition]
) -> s.PartyRules:
    """``[parties]``: once a rulebook has it, every stage needs its words for the parties (a
    stage a party would see unnamed, or words for a stage that does not exist, is a load error).
    A rulebook written before the table existed -- the versions stored with past cases among
    them -- still loads: its parties read each stage's own label, have 14 days to respond and no
    steps of their own."""
    if "parties" not in root.data:
        return s.PartyRules(
            response_days=DEFAULT_RESPONSE_DAYS,
            stage_words={key: stage.label for key, stage in stages.items()},
        )
    table = root.table("parties")
    table.only("response_days", "stage_words", "hearing_request", "appeal", "respondent_evidence")
    words_table = table.table("stage_words")
    words: dict[str, str] = {}
    for key in words_table.data:
        if key not in stages:
            words_table.error(key, f"unknown stage {key!r}")
            continue
        words[key] = words_table.text(key)
    if words_table.data or "stage_words" in table.data:
        for key in stages:
            if key not in words_table.data:
                words_table.error(key, f"the stage {key!r} needs words for the parties")
    steps: dict[str, str] = {}
    for name in ("hearing_request", "appeal"):
        step = table.text(name, required=False)
        if step and step not in transitions:
            table.error(name, f"unknown transition {step!r}")
        elif step and transitions[step].kind != "move":
            table.error(name, f"{step!r} must be a plain step (kind 'move')")
        elif step and name == "appeal":
            for source in transitions[step].sources:
                if source in stages and not stages[source].window:
                    table.error(
                        name, f"{step!r} starts at {source!r}, a stage with no window to close"
                    )
        steps[name] = step
    kinds = tuple(table.text_list("respondent_evidence", required=False))
    for kind in kinds:
        if kind not in s.EVIDENCE_KINDS:
            table.error(
                "respondent_evidence",
                f"unknown kind of evidence {kind!r}; known: {', '.join(s.EVIDENCE_KINDS)}",
            )
    return s.PartyRules(
        response_days=table.number("response_days", minimum=1),
        stage_words=words,
        hearing_request=steps["hearing_request"],
        appeal=steps["appeal"],
        respondent_evidence=kinds,
    )


def _evidence(root: Reader) -> s.EvidenceRules:
    from dueprocess.evidence.sniff import KNOWN

    table = root.table("evidence", required=False)
    table.only("types", "max_megabytes")
    default = s.EvidenceRules()
    types = tuple(table.text_list("types", required=False)) or default.types
    for kind in types:
        if kind not in KNOWN:
            table.error("types", f"unknown type {kind!r}; known: {', '.join(KNOWN)}")
    megabytes = table.number("max_megabytes", required=False, minimum=1, default=20)
    return s.EvidenceRules(types=types, max_bytes=megabytes * 1024 * 1024)


#: The longest notice period a rulebook may set (a year): a longer one is surely a typo.
MAX_NOTICE_DAYS = 365


def _hearings(root: Reader, stages: dict[str, s.Stage]) -> s.HearingRules:
    """``[hearings]``: where a rulebook has no such table (the versions stored with past cases
    among them), hearings are held at its ``hearing`` stage if it has one (none otherwise),
    with 14 days' notice and no recordings."""
    default = s.HearingRules()
    if "hearings" not in root.data:
        return s.HearingRules(stage=default.stage if default.stage in stages else "")
    table = root.table("hearings")
    table.only("stage", "notice_days", "recordings_allowed")
    stage = table.text("stage", required=False, default=default.stage)
    if stage not in stages:
        table.error("stage", f"unknown stage {stage!r}")
    elif stages[stage].terminal:
        table.error("stage", f"{stage!r} is a terminal stage: no hearing is held there")
    notice = table.number("notice_days", required=False, minimum=0, default=default.notice_days)
    if notice > MAX_NOTICE_DAYS:
        table.error("notice_days", f"{notice} is more than {MAX_NOTICE_DAYS} days")
    return s.HearingRules(
        stage=stage,
        notice_days=notice,
        recordings_allowed=table.flag("recordings_allowed", default=default.recordings_allowed),
    )


def _appeals(
    root: Reader, stages: dict[str, s.Stage], transitions: dict[str, s.Transition]
) -> s.AppealRules:
    """``[appeals]``: the plain step that lodges an appeal, from a stage with a window (the
    appeal window is that stage's, until its due date) to a stage where a decision is taken,
    and the grounds of appeal (at least one). No table: no grounds, no appeal records."""
    if "appeals" not in root.data:
        return s.AppealRules()
    table = root.table("appeals")
    table.only("step", "grounds")
    step = table.text("step")
    if step not in transitions:
        table.error("step", f"unknown transition {step!r}")
    else:
        lodging = transitions[step]
        if lodging.kind != "move":
            table.error("step", f"{step!r} must be a plain step (kind 'move')")
        for source in lodging.sources:
            stage = stages.get(source)
            if stage is not None and (not stage.window or stage.due_days is None):
                table.error("step", f"{step!r} starts at {source!r}, a stage with no window")
        if not any(
            t.kind == "decide" and lodging.target in t.sources for t in transitions.values()
        ):
            table.error("step", f"no decision is taken at {lodging.target!r}, where {step!r} goes")
    return s.AppealRules(step=step, grounds=_grounds(table, "grounds"))


#: The longest review period a rulebook may set (a year), and the most reviewers it may draw.
MAX_REVIEW_DAYS = 365
MAX_REVIEWERS = 5


def _review(
    root: Reader, categories: dict[str, s.Category], sanctions: dict[str, s.Sanction]
) -> s.ReviewRules:
    """``[review]``: which decisions an independent reviewer verifies or vetoes (``all``, or
    ``listed``: those of the ``categories`` or imposing the ``sanctions`` named, keys from the
    rulebook's own lists), within ``review_days``; ``on_lapse`` says what an unanswered review
    does (``takes_effect`` or ``held``); ``reviewers`` are drawn (with ``training``, if named).
    No table (the versions stored with past cases among them): no review."""
    if "review" not in root.data:
        return s.ReviewRules()
    table = root.table("review")
    table.only(
        "applies_to", "categories", "sanctions", "review_days", "on_lapse", "reviewers", "training"
    )
    default = s.ReviewRules()
    applies = table.choice("applies_to", s.REVIEW_APPLIES, default="all")
    reviewed = tuple(table.text_list("categories", required=False))
    listed = tuple(table.text_list("sanctions", required=False))
    for key in reviewed:
        if key not in categories:
            table.error("categories", f"unknown category {key!r}")
    for key in listed:
        if key not in sanctions:
            table.error("sanctions", f"unknown sanction {key!r}")
    if applies == "all" and (reviewed or listed):
        table.error("applies_to", "'all' reviews every decision: list no categories or sanctions")
    if applies == "listed" and not (reviewed or listed):
        table.error("applies_to", "'listed' needs categories or sanctions to review")
    days = table.number("review_days", required=False, minimum=1, default=default.review_days)
    if days > MAX_REVIEW_DAYS:
        table.error("review_days", f"{days} is more than {MAX_REVIEW_DAYS} days")
    count = table.number("reviewers", required=False, minimum=1, default=default.reviewers)
    if count > MAX_REVIEWERS:
        table.error("reviewers", f"{count} reviewers is more than {MAX_REVIEWERS}")
    return s.ReviewRules(
        applies_to=applies,
        categories=reviewed,
        sanctions=listed,
        review_days=days,
        on_lapse=table.choice("on_lapse", s.REVIEW_LAPSE, default=default.on_lapse),
        reviewers=count,
        training=table.text("training", required=False),
    )


#: The largest panel a rulebook may declare: a bigger one is surely a typo.
MAX_PANEL_SIZE = 15


def _stage_panels(root: Reader, stages: dict[str, s.Stage]) -> tuple[s.StagePanel, ...]:
    """``[[panels]]``: the panels constituted by the rules. Each names the stages it sits at
    (a stage belongs to one panel at most), its seats (the first is the chair's, one place),
    the quorum and how members are chosen. No table: panels are appointed by name."""
    panels: list[s.StagePanel] = []
    claimed: set[str] = set()
    for table in root.tables("panels", required=False):
        table.only("stages", "selection", "quorum", "seats")
        covered = table.text_list("stages")
        for stage in covered:
            if stage not in stages:
                table.error("stages", f"unknown stage {stage!r}")
            elif stages[stage].terminal:
                table.error("stages", f"{stage!r} is a terminal stage: no panel sits there")
            elif stage in claimed:
                table.error("stages", f"{stage!r} already has a panel")
            claimed.add(stage)
        selection = table.choice("selection", s.PANEL_SELECTIONS, default="draw")
        seats = _seats(table)
        size = sum(seat.count for seat in seats)
        if size > MAX_PANEL_SIZE:
            table.error("seats", f"{size} members is more than {MAX_PANEL_SIZE}")
        quorum = table.number("quorum", required=False, minimum=1, default=size or 1)
        if seats and quorum > size:
            table.error("quorum", f"{quorum} exceeds the panel size {size}")
        panels.append(s.StagePanel(tuple(covered), seats, quorum, selection))
    return tuple(panels)


def _seats(table: Reader) -> tuple[s.PanelSeat, ...]:
    seats: list[s.PanelSeat] = []
    for index, seat in enumerate(table.tables("seats")):
        seat.only("key", "label", "count", "training")
        key = seat.text("key")
        if key and not _KEY.match(key):
            seat.error("key", f"{key!r} must be lower case letters, digits and underscores")
        if key in {existing.key for existing in seats}:
            seat.error("key", f"{key!r} is declared twice")
        count = seat.number("count", minimum=1, default=1)
        if index == 0 and count != 1:
            seat.error("count", f"the first seat is the chair's and has one place, not {count}")
        seats.append(
            s.PanelSeat(
                key=key,
                label=seat.text("label", default=key),
                count=count,
                training=seat.text("training", required=False),
            )
        )
    return tuple(seats)
