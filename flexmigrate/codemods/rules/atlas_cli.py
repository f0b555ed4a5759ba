"""FM64x: the Atlas CLI run from Python (``atlas api sharedTierRestoreJobs ...``).

A command run through ``subprocess`` (``run``, ``call``, ``check_call``, ``check_output``,
``Popen``) as a list of string literals, or as one literal string with ``shell=True``, is rewritten
in place: the group and command become the Flex ones under their current names, the flags are
renamed (``--clusterName`` -> ``--name``, ``--restoreId`` -> ``--restoreJobId``) and the version
becomes the Flex one (``--version`` is added where the command had none).  Only the literals' text
changes; quotes and layout stay.  The command's JSON output carries the Flex field names
(``clusterName`` is ``instanceName``), so where the catalog renames a response field the fix is
``unsafe``: the code that reads the output must be looked at too.  A command built at run time (an
f-string, a joined list, a variable), a flag with no Flex counterpart or an unknown flag is
reported ``manual``.  The high-level ``atlas backups ...`` commands are Flex-aware and left alone.
"""

from __future__ import annotations

import re
from typing import Iterator

import libcst as cst
from libcst.metadata import QualifiedNameProvider

from flexmigrate.catalog.ecosystems import CliCommand, ecosystems
from flexmigrate.codemods.context import ModuleContext
from flexmigrate.codemods.rules.flow import keyword_arg
from flexmigrate.codemods.tree import descendants
from flexmigrate.models.findings import Edit, Finding, FixKind

RULES = {
    "FM641": "Atlas CLI command of a retired endpoint run through subprocess: becomes the Flex command",
    "FM642": "Atlas CLI command of a retired endpoint built at run time or with a flag that has no Flex twin: manual",
}

_WORD = re.compile(r"\S+")


class _Literal:
    """A plain string literal whose text can be edited in place (no escapes, no f-string)."""

    def __init__(self, ctx: ModuleContext, node: cst.SimpleString) -> None:
        start, end = ctx.span(node)
        quote_len = len(node.quote)
        self.node = node
        self.value = node.raw_value
        self.start = start + len(node.prefix) + quote_len  # offset of the value's first character
        self.quote = node.quote
        self.editable = "\\" not in self.value  # an escape would shift every offset after it

    def edit(self, begin: int, end: int, text: str) -> Edit:
        return Edit(self.start + begin, self.start + end, text)


def check_atlas_cli(ctx: ModuleContext) -> Iterator[Finding]:
    eco = ecosystems(ctx.catalog)
    if not eco.cli or not any(cmd.old_group in ctx.source for cmd in eco.cli):
        return
    groups = {cmd.old_group for cmd in eco.cli}
    pattern = re.compile(rf"\batlas\s+api\s+({'|'.join(map(re.escape, sorted(groups)))})\b")
    handled: set[cst.CSTNode] = set()
    qualified = ctx.wrapper.resolve(QualifiedNameProvider)
    for node in ctx.nodes:
        if not isinstance(node, cst.Call):
            continue
        found = qualified.get(node.func, ())
        names = {q.name for q in (found() if callable(found) else found)}
        if not names & eco.cli_runners:
            continue
        first = node.args[0] if node.args and node.args[0].keyword is None else keyword_arg(node, "args")
        if first is None:
            continue
        value = first.value
        if isinstance(value, (cst.List, cst.Tuple)):
            result = _list_command(ctx, node, value, eco, groups)
        elif isinstance(value, cst.SimpleString) and _shell(node):
            result = _string_command(ctx, node, value, eco, pattern)
        else:
            continue
        if result is not None:
            handled.update(descendants(value))
            yield result
    for node in ctx.nodes:
        if isinstance(node, (cst.SimpleString, cst.FormattedString)) and node not in handled:
            text = ctx.source[slice(*ctx.span(node))]
            match = pattern.search(text)
            if match is None and isinstance(node, cst.SimpleString) and node.raw_value in groups:
                # One element of a command list built elsewhere (``cmd = ["atlas", "api", ...]``).
                match = re.search(r"(\S+)", node.raw_value)
                text = node.raw_value + _next_element(ctx, node)
            if match is None or _inside(ctx, node, handled):
                continue
            name = re.match(r"\s+([A-Za-z]+)", text[match.end() :]) if match.end() < len(text) else None
            cmd = (eco.cli_command(match.group(1), name.group(1)) if name else None) or next(
                c for c in eco.cli if c.old_group == match.group(1)
            )
            spelled = f"{cmd.old_group} {name.group(1)}" if name else f"{cmd.old_group} ..."
            yield ctx.finding(
                node,
                "FM642",
                f"atlas api {spelled} is built or run where flexmigrate cannot rewrite it: "
                + _advice(ctx, cmd),
                FixKind.MANUAL,
                ctx.catalog.endpoint(cmd.endpoint),
            )


def _next_element(ctx: ModuleContext, node: cst.SimpleString) -> str:
    """`` NAME`` when ``node`` is followed in its list by the string literal ``NAME``, else ``""``."""
    element = ctx.parent(node)
    container = ctx.parent(element) if element is not None else None
    if not isinstance(container, (cst.List, cst.Tuple)):
        return ""
    elements = list(container.elements)
    at = next((i for i, e in enumerate(elements) if e is element), -1)
    if 0 <= at < len(elements) - 1 and isinstance(elements[at + 1].value, cst.SimpleString):
        return " " + elements[at + 1].value.raw_value
    return ""


def _inside(ctx: ModuleContext, node: cst.CSTNode, handled: set[cst.CSTNode]) -> bool:
    current = ctx.parent(node)
    while current is not None:
        if current in handled:
            return True
        current = ctx.parent(current)
    return False


def _shell(call: cst.Call) -> bool:
    arg = keyword_arg(call, "shell")
    return arg is not None and isinstance(arg.value, cst.Name) and arg.value.value == "True"


def _advice(ctx: ModuleContext, cmd: CliCommand) -> str:
    eco = ecosystems(ctx.catalog)
    endpoint = ctx.catalog.endpoint(cmd.endpoint)
    renamed = ", ".join(f"{o} -> {n}" for o, n in cmd.flags.items() if n and n != o)
    return f"run atlas api {cmd.new_group} {cmd.new_name} {eco.cli_version_flag} {endpoint.new.version}" + (
        f" (flags {renamed})" if renamed else ""
    )


def _finding(ctx, call, cmd: CliCommand, edits: list[Edit], problem: str | None, spelled: str) -> Finding:
    endpoint = ctx.catalog.endpoint(cmd.endpoint)
    head = f"atlas api {cmd.old_group} {spelled} was removed from the Atlas CLI"
    if problem is not None:
        return ctx.finding(call, "FM642", f"{head}; {problem}: {_advice(ctx, cmd)}", FixKind.MANUAL, endpoint)
    fix = FixKind.SAFE
    message = f"{head}: {_advice(ctx, cmd)}"
    if endpoint.response_field_renames:
        renames = ", ".join(f"{o} is {n}" for o, n in endpoint.response_field_renames.items())
        fix = FixKind.UNSAFE
        message += f"; its JSON output changes ({renames}): check the code that reads it"
    return ctx.finding(call, "FM641", message, fix, endpoint, edits)


def _flag(cmd: CliCommand, flag: str, eco) -> tuple[str, str | None]:
    """The Flex spelling of ``flag``, or why the command cannot move (no twin, unknown)."""
    if flag in cmd.flags:
        new = cmd.flags[flag]
        return (flag, f"flag {flag} has no Flex counterpart") if new is None else (new, None)
    if flag in eco.cli_common_flags:
        return flag, None
    return flag, f"flag {flag} is unknown to {cmd.new_group} {cmd.new_name}"


def _list_command(ctx, call, value, eco, groups) -> Finding | None:
    elements = list(value.elements)
    literals: list[_Literal | None] = [
        _Literal(ctx, e.value) if isinstance(e.value, cst.SimpleString) else None for e in elements
    ]
    if len(elements) < 4 or literals[1] is None or literals[1].value != "api":
        return None
    group_lit, name_lit = literals[2], literals[3]
    if group_lit is None or group_lit.value not in groups:
        return None
    if name_lit is None:
        cmd = next(c for c in eco.cli if c.old_group == group_lit.value)
        return _finding(ctx, call, cmd, [], "the command name is not a literal", "...")
    cmd = eco.cli_command(group_lit.value, name_lit.value)
    if cmd is None:
        return None
    endpoint = ctx.catalog.endpoint(cmd.endpoint)
    if any(lit is not None and not lit.editable for lit in literals[2:]):
        return _finding(ctx, call, cmd, [], "a string with escapes", name_lit.value)
    edits = [
        group_lit.edit(0, len(group_lit.value), cmd.new_group),
        name_lit.edit(0, len(name_lit.value), cmd.new_name),
    ]
    saw_version = False
    index = 4
    while index < len(literals):
        lit = literals[index]
        if lit is None:
            index += 1
            continue  # a flag's value held in a variable: the value is the same on Flex
        flag, _, inline = lit.value.partition("=")
        if not flag.startswith("-"):
            index += 1
            continue
        if flag == eco.cli_version_flag:
            saw_version = True
            target = lit if inline else (literals[index + 1] if index + 1 < len(literals) else None)
            if target is None:
                return _finding(ctx, call, cmd, [], "the --version value is not a literal", name_lit.value)
            old_value = inline or target.value
            begin = len(flag) + 1 if inline else 0
            if old_value != endpoint.new.version:
                edits.append(target.edit(begin, begin + len(old_value), endpoint.new.version))
            index += 1 if inline else 2
            continue
        new, problem = _flag(cmd, flag, eco)
        if problem is not None:
            return _finding(ctx, call, cmd, [], problem, name_lit.value)
        if new != flag:
            edits.append(lit.edit(0, len(flag), new))
        index += 1
    if not saw_version:
        end = ctx.span(elements[3].value)[1]
        q = name_lit.quote
        edits.append(Edit(end, end, f", {q}{eco.cli_version_flag}{q}, {q}{endpoint.new.version}{q}"))
    return _finding(ctx, call, cmd, edits, None, name_lit.value)


def _string_command(ctx, call, value: cst.SimpleString, eco, pattern) -> Finding | None:
    lit = _Literal(ctx, value)
    match = pattern.search(lit.value)
    if match is None:
        return None
    words = list(_WORD.finditer(lit.value, match.start()))
    if len(words) < 4:
        return None
    group_word, name_word = words[2], words[3]
    cmd = eco.cli_command(group_word.group(), name_word.group())
    if cmd is None:
        return None
    endpoint = ctx.catalog.endpoint(cmd.endpoint)
    if not lit.editable:
        return _finding(ctx, call, cmd, [], "a string with escapes", name_word.group())
    edits = [
        lit.edit(group_word.start(), group_word.end(), cmd.new_group),
        lit.edit(name_word.start(), name_word.end(), cmd.new_name),
    ]
    saw_version = False
    rest = words[4:]
    index = 0
    while index < len(rest):
        word = rest[index]
        text = word.group()
        if text in ("|", "&&", ";", "||", ">", ">>") or text.endswith(";"):
            break  # the command ends; what follows is another one
        flag, _, inline = text.partition("=")
        if not flag.startswith("-"):
            index += 1
            continue
        if flag == eco.cli_version_flag:
            saw_version = True
            if inline:
                begin = word.start() + len(flag) + 1
                edits.append(lit.edit(begin, word.end(), endpoint.new.version))
                index += 1
            elif index + 1 < len(rest):
                edits.append(lit.edit(rest[index + 1].start(), rest[index + 1].end(), endpoint.new.version))
                index += 2
            else:
                return _finding(ctx, call, cmd, [], "--version has no value", name_word.group())
            continue
        new, problem = _flag(cmd, flag, eco)
        if problem is not None:
            return _finding(ctx, call, cmd, [], problem, name_word.group())
        if new != flag:
            edits.append(lit.edit(word.start(), word.start() + len(flag), new))
        index += 1
    if not saw_version:
        edits.append(
            lit.edit(name_word.end(), name_word.end(), f" {eco.cli_version_flag} {endpoint.new.version}")
        )
    return _finding(ctx, call, cmd, edits, None, name_word.group())
