# SPDX-License-Identifier: MIT
"""The mutation operators of `make mutate` (docs/MUTATION.md), on C source.

A small C lexer (comments, strings, character constants and preprocessor
lines are recognised and never mutated) and the enumeration of every mutant
of one file, in a fixed order: by position in the file, then by operator.
A mutant is one text replacement (start, end, new text); applying it to the
original source gives the mutated source.  Only code inside function bodies
is mutated, and not all of it: not destructors, assertions' arguments,
messages, array sizes, nor the code only a deliberate fault (CONF_FAULT) runs;
docs/MUTATION.md says why.

Each mutant has an id that does not depend on line numbers: a hash of the
file, the function, the operator, the original line's text, the replaced and
the new text, and the rank among mutants that share all of these.  So an id
in tests/mutate/equivalent.txt stays valid while other code of the file moves.
Python 3 standard library only; no I/O.
"""

import hashlib
import re
from collections import namedtuple

Token = namedtuple("Token", "kind text start end line")
Comment = namedtuple("Comment", "start end line text")
Function = namedtuple("Function", "name ret body_start body_end header_start")


class Mutant:
    """One mutant: where, which operator, what text becomes what."""

    __slots__ = ("file", "func", "op", "start", "end", "orig", "repl", "line", "col",
                 "line_text", "id")

    def __init__(self, file, func, op, start, end, orig, repl, line, col, line_text):
        self.file, self.func, self.op = file, func, op
        self.start, self.end, self.orig, self.repl = start, end, orig, repl
        self.line, self.col, self.line_text = line, col, line_text
        self.id = None

    def where(self):
        return "%s:%d" % (self.file, self.line)

    def change(self):
        """`orig` -> `repl`, shortened for one line of a report."""
        return "`%s` -> `%s`" % (short(self.orig), short(self.repl))

    def apply(self, src):
        return src[:self.start] + self.repl + src[self.end:]


def short(text, limit=60):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


# ---- lexer -------------------------------------------------------------------

PUNCT = sorted("""
>>= <<= ... -> ++ -- << >> <= >= == != && || += -= *= /= %= &= ^= |= ##
{ } [ ] ( ) ; , : ? ~ ! + - * / % < > = & | ^ . #
""".split(), key=len, reverse=True)

KEYWORDS = {"if", "else", "for", "while", "do", "switch", "case", "default", "return",
            "break", "continue", "goto", "sizeof", "typedef", "struct", "union", "enum",
            "static", "const", "volatile", "extern", "inline", "register", "restrict",
            "_Alignof", "_Static_assert", "_Generic"}

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
NUMBER = re.compile(r"(?:0[xX][0-9a-fA-F]+|[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+)"
                    r"[uUlLfF]*")
INT_LITERAL = re.compile(r"(0[xX][0-9a-fA-F]+|[0-9]+)([uUlL]*)$")


def lex(src):
    """Tokens and comments of C source; preprocessor lines are skipped."""
    tokens, comments = [], []
    i, n, line = 0, len(src), 1
    at_line_start = True
    while i < n:
        c = src[i]
        if c == "\n":
            line += 1
            i += 1
            at_line_start = True
            continue
        if c in " \t\r\f\v":
            i += 1
            continue
        if c == "#" and at_line_start:            # a directive, with its continuations
            while i < n and src[i] != "\n":
                if src.startswith("/*", i):
                    j = src.find("*/", i + 2)
                    j = n if j < 0 else j + 2
                    line += src.count("\n", i, j)
                    i = j
                    continue
                if src[i] == "\\" and i + 1 < n and src[i + 1] == "\n":
                    line += 1
                    i += 2
                    continue
                i += 1
            continue
        at_line_start = False
        if src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            comments.append(Comment(i, j, line, src[i:j]))
            line += src.count("\n", i, j)
            i = j
            continue
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            comments.append(Comment(i, j, line, src[i:j]))
            i = j
            continue
        if c in "\"'" or (c in "LuU" and i + 1 < n and src[i + 1] in "\"'"):
            start = i
            if c in "LuU":
                i += 1
            quote = src[i]
            i += 1
            while i < n and src[i] != quote:
                if src[i] == "\\":
                    i += 1
                if i < n and src[i] == "\n":
                    line += 1
                i += 1
            i += 1
            tokens.append(Token("string" if quote == '"' else "char", src[start:i], start, i, line))
            continue
        m = IDENT.match(src, i)
        if m:
            tokens.append(Token("ident", m.group(), i, m.end(), line))
            i = m.end()
            continue
        m = NUMBER.match(src, i)
        if m and (c.isdigit() or c == "."):
            tokens.append(Token("number", m.group(), i, m.end(), line))
            i = m.end()
            continue
        for p in PUNCT:
            if src.startswith(p, i):
                tokens.append(Token("punct", p, i, i + len(p), line))
                i += len(p)
                break
        else:
            tokens.append(Token("other", c, i, i + 1, line))
            i += 1
    return tokens, comments


def match_parens(tokens):
    """Index of the matching bracket for every ( [ { and ) ] }."""
    pairs, stack = {}, []
    opening = {"(": ")", "[": "]", "{": "}"}
    for k, t in enumerate(tokens):
        if t.kind != "punct":
            continue
        if t.text in opening:
            stack.append(k)
        elif t.text in (")", "]", "}") and stack:
            j = stack.pop()
            pairs[j], pairs[k] = k, j
    return pairs


def functions(tokens, pairs):
    """Function definitions: name, return kind and the token span of the body."""
    out = []
    k, boundary = 0, 0                            # boundary: first token of this declaration
    while k < len(tokens):
        t = tokens[k]
        if t.kind == "punct" and t.text == ";":
            boundary = k + 1
        elif t.kind == "punct" and t.text == "{":
            end = pairs.get(k, len(tokens) - 1)
            if k > 0 and tokens[k - 1].text == ")" and (k - 1) in pairs:
                open_paren = pairs[k - 1]
                name_k = open_paren - 1
                if name_k >= 0 and tokens[name_k].kind == "ident":
                    before = tokens[name_k - 1].text if name_k > 0 else ""
                    if before == "*":
                        ret = "ptr"
                    elif before in ("gboolean", "bool"):
                        ret = "bool"
                    elif before == "void":
                        ret = "void"
                    else:
                        ret = "other"
                    out.append(Function(tokens[name_k].text, ret, k, end, boundary))
            k = end + 1
            boundary = k
            continue
        elif t.kind == "punct" and t.text in ("(", "["):
            k = pairs.get(k, k) + 1
            continue
        k += 1
    return out


# ---- operators ---------------------------------------------------------------

ASSIGN_OPS = {"=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", "++", "--"}
OPERATORS = ("ROR", "AOR", "BND", "NEG", "CALL", "RET")
ROR = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "=="}
COMPARISONS = set(ROR)
AOR = {"+": "-", "-": "+", "*": "/", "/": "*", "+=": "-=", "-=": "+="}
OPERAND_END = {")", "]"}
# Calls whose removal only leaks, skips a wipe or a log line: unobservable by
# any black-box test, so not mutated (docs/MUTATION.md).
KEEP_CALLS = re.compile(r"^(g_free|g_clear_\w+|\w+_unref|\w+_free(_full)?|g_\w+_free\w*"
                        r"|sodium_memzero|va_start|va_end|va_copy|g_debug|g_message"
                        r"|g_warning|g_printerr|g_print|g_info)$")
# Calls whose arguments from the first string literal on are a message: free
# text that no test compares (ADAPTER.md: the message is for people).
MESSAGE_CALLS = re.compile(r"(^|_)fail(_|$)|_error$|^g_set_error|^g_prefix_error")
# Macros whose arguments are preconditions (programmer errors), never mutated.
ASSERTIONS = re.compile(r"^(g_return_val_if_fail|g_return_if_fail|g_return_if_reached"
                        r"|g_return_val_if_reached|g_assert\w*|g_warn_if_fail"
                        r"|g_warn_if_reached|G_STATIC_ASSERT|_Static_assert|g_error)$")
# Calls whose arguments are a capacity hint: the container grows as needed.
CAPACITY_CALLS = re.compile(r"^g_\w+_sized_new$")
# Destructors: a leak or a missed wipe is invisible to a black-box test.
DESTRUCTOR = re.compile(r"_(free|unref|clear|destroy|dispose|finalize)$|^\w+_free_\w+$")
CAMEL = re.compile(r"^[A-Z][a-z]")             # a type name: GError, ModelCard
TYPE_WORDS = {"char", "int", "short", "long", "signed", "unsigned", "float", "double", "void",
              "const", "gboolean", "gchar", "guchar", "gint", "guint", "gsize", "gssize",
              "gint8", "guint8", "gint16", "guint16", "gint32", "guint32", "gint64", "guint64",
              "size_t", "uint8_t", "uint32_t", "uint64_t", "int64_t"}


def is_operand_end(t):
    if t.kind in ("number", "string", "char"):
        return True
    if t.kind == "ident":
        return t.text not in KEYWORDS and t.text not in TYPE_WORDS
    return t.kind == "punct" and t.text in OPERAND_END


def bump(literal, delta):
    """The integer literal plus delta, in the literal's own base and suffix."""
    m = INT_LITERAL.match(literal)
    if not m:
        return None
    digits, suffix = m.groups()
    if digits.lower().startswith("0x"):
        v = int(digits, 16) + delta
        return None if v < 0 else ("0x%x" % v) + suffix
    if len(digits) > 1 and digits.startswith("0"):
        v = int(digits, 8) + delta                 # octal
        return None if v < 0 else ("0%o" % v) + suffix
    v = int(digits) + delta
    if v < 0:
        return "(-1)" if not suffix else None
    return str(v) + suffix


def enumerate_file(path, src):
    """Every mutant of one file, in the fixed order (position, then operator)."""
    tokens, comments = lex(src)
    pairs = match_parens(tokens)
    funcs = functions(tokens, pairs)
    lines = src.split("\n")
    found = []

    def add(func, op, start, end, repl, tok_line):
        col = start - (src.rfind("\n", 0, start) + 1) + 1
        found.append(Mutant(path, func.name, op, start, end, src[start:end], repl, tok_line,
                            col, lines[tok_line - 1].strip()))

    dead_all = set()
    for func in funcs:
        first, last = func.body_start + 1, func.body_end   # tokens inside the braces
        fault = fault_only(tokens, pairs, first, last)
        dead_all.update(fault)
        if DESTRUCTOR.search(func.name):
            continue
        # never mutated: assertions' arguments, and the message (from the first
        # string literal on) of a call that raises an error or prints a line
        shielded = set()
        for k in range(first, last):
            t = tokens[k]
            if t.kind != "ident" or tokens[k + 1].text != "(" or (k + 1) not in pairs:
                continue
            close = pairs[k + 1]
            if ASSERTIONS.match(t.text) or CAPACITY_CALLS.match(t.text):
                shielded.update(range(k, close + 1))
            elif MESSAGE_CALLS.search(t.text) or KEEP_CALLS.match(t.text):
                lit = next((j for j in range(k + 2, close) if tokens[j].kind == "string"), None)
                if lit is not None:
                    shielded.update(range(lit, close))
        shielded.update(fault)
        shielded.update(array_sizes(tokens, pairs, first, last))
        # paren depth of every token, relative to the body
        depth, d = {}, 0
        for k in range(first, last):
            t = tokens[k]
            if t.kind == "punct" and t.text in ("(", "["):
                d += 1
            depth[k] = d
            if t.kind == "punct" and t.text in (")", "]"):
                d -= 1
                depth[k] = d
        # RET at the very start of the body
        body_open = tokens[func.body_start]
        early = {"bool": " return FALSE;", "ptr": " return NULL;", "void": " return;"}
        if func.ret in early:
            add(func, "RET", body_open.end, body_open.end, early[func.ret], body_open.line)
        k = first
        while k < last:
            t = tokens[k]
            if k in shielded:
                k += 1
                continue
            prev = tokens[k - 1]
            nxt = tokens[k + 1] if k + 1 < len(tokens) else t
            if t.kind == "punct" and t.text in ROR:
                add(func, "ROR", t.start, t.end, ROR[t.text], t.line)
            if t.kind == "punct" and t.text in AOR and is_operand_end(prev):
                if t.text in ("*", "/"):      # a b * c declaration is no product
                    spaced = src[t.start - 1] == " " and src[t.end] == " "
                    ok = spaced and nxt.text not in (")", ",", ";") \
                        and not (prev.kind == "ident" and CAMEL.match(prev.text))
                else:
                    ok = True
                if ok:
                    add(func, "AOR", t.start, t.end, AOR[t.text], t.line)
            if t.kind == "number" and INT_LITERAL.match(t.text):
                before = prev
                if prev.text == "-" and k >= 2:
                    before = tokens[k - 2]
                if before.text in COMPARISONS or nxt.text in COMPARISONS:
                    for delta in (1, -1):
                        v = bump(t.text, delta)
                        if v is not None:
                            add(func, "BND", t.start, t.end, v, t.line)
            if t.kind == "ident" and t.text in ("if",) and nxt.text == "(" and (k + 1) in pairs:
                close = pairs[k + 1]
                a, b = tokens[k + 1].start, tokens[close].end
                add(func, "NEG", a, b, "(!" + src[a:b] + ")", t.line)
            if t.kind == "ident" and depth.get(k, 0) == 0 and not KEEP_CALLS.match(t.text) \
                    and not ASSERTIONS.match(t.text):
                call = statement_call(tokens, k, pairs)
                if call is not None:
                    a, b = tokens[call[0]].start, tokens[call[1]].end
                    add(func, "CALL", a, b, "(void) 0;", tokens[call[0]].line)
            if t.kind == "ident" and t.text == "return":
                semi = k + 1
                while semi < last and not (tokens[semi].text == ";" and depth.get(semi, 0) == 0):
                    semi += 1
                expr = src[nxt.start:tokens[semi].start].strip() if semi > k + 1 else ""
                if expr in ("TRUE", "FALSE"):
                    add(func, "RET", nxt.start, nxt.end, "FALSE" if expr == "TRUE" else "TRUE",
                        t.line)
                elif func.ret == "bool" and expr:
                    a, b = nxt.start, tokens[semi - 1].end
                    add(func, "RET", a, b, "!(" + src[a:b] + ")", t.line)
            k += 1
    assign_ids(found)
    return found, tokens, comments, funcs, dead_all


def fault_only(tokens, pairs, first, last):
    """Tokens that only matter under a deliberate fault (conformance/faults.c).

    Without --fault, CONF_FAULT (impl, "name") is FALSE.  The other factors
    of a conjunction holding it (or terms of a disjunction holding its
    negation) never decide anything; an `if` whose condition is FALSE (TRUE)
    is fault code with its then-branch (with its else-branch, and with the rest
    of the block when the then-branch returns).  A local `gboolean x = ...;`
    constant so (and never assigned again) counts as that constant.  None of
    it is the reference, so none of it is mutated."""
    dead = set()
    for k in range(first, last):
        if tokens[k].text != "CONF_FAULT" or tokens[k + 1].text != "(":
            continue
        negated = tokens[k - 1].text == "!"
        stops = ("||" if not negated else "&&", "?", ":", ",", ";", "=", "{", "}", "return")
        left = k - 1
        while left >= first:
            x = tokens[left].text
            if x == ")" and left in pairs:
                left = pairs[left] - 1
                continue
            if x == "(" or x in stops:
                break
            left -= 1
        right = pairs.get(k + 1, k + 1) + 1
        while right < last:
            x = tokens[right].text
            if x in ("(", "[") and right in pairs:
                right = pairs[right] + 1
                continue
            if x in (")", "]") or x in stops:
                break
            right += 1
        dead.update(range(left + 1, right))
    # gboolean x = <constant>; with x never assigned again: x is that constant
    consts = {}
    for k in range(first, last - 3):
        if tokens[k].text == "gboolean" and tokens[k + 1].kind == "ident" \
                and tokens[k + 2].text == "=":
            name, end = tokens[k + 1].text, k + 3
            while end < last and tokens[end].text != ";":
                end = pairs.get(end, end) + 1 if tokens[end].text in ("(", "[") else end + 1
            v = const_value(tokens, pairs, k + 3, end, consts)
            assigned = any(tokens[j].text == name and (tokens[j + 1].text in ASSIGN_OPS
                                                       or tokens[j - 1].text == "&")
                           for j in range(first, last) if j != k + 1)
            if v is not None and not assigned:
                consts[name] = v
                if v is False or v is True:
                    dead.update(range(k + 3, end))    # its terms never decide
    for k in range(first, last):
        if tokens[k].text != "if" or tokens[k + 1].text != "(" or (k + 1) not in pairs:
            continue
        close = pairs[k + 1]
        v = const_value(tokens, pairs, k + 2, close, consts)
        if v is None:
            continue
        dead.update(range(k, close + 1))
        body = close + 1
        end = statement_end(tokens, pairs, body, last)
        if v is False:
            dead.update(range(body, end + 1))
        elif end + 1 < last and tokens[end + 1].text == "else":
            dead.update(range(end + 1, statement_end(tokens, pairs, end + 2, last) + 1))
        elif returns(tokens, pairs, body, end):
            inner = [o for o in pairs if tokens[o].text == "{" and o < k and pairs[o] > end]
            dead.update(range(end + 1, pairs[max(inner)] if inner else last))
    return dead


def split_top(tokens, pairs, a, b, op):
    parts, start, j = [], a, a
    while j < b:
        x = tokens[j].text
        if x in ("(", "[", "{") and j in pairs:
            j = pairs[j] + 1
            continue
        if x == op:
            parts.append((start, j))
            start = j + 1
        j += 1
    parts.append((start, b))
    return parts


def const_value(tokens, pairs, a, b, consts=None):
    """TRUE/FALSE when tokens[a:b] is constant without faults, else None;
    consts: local gboolean variables known to be constant."""
    consts = consts or {}
    if a >= b:
        return None
    for op, absorbing in (("||", True), ("&&", False)):
        parts = split_top(tokens, pairs, a, b, op)
        if len(parts) > 1:
            vals = [const_value(tokens, pairs, x, y, consts) for x, y in parts]
            if absorbing in vals:
                return absorbing
            return (not absorbing) if all(v is (not absorbing) for v in vals) else None
    neg = False
    while a < b and tokens[a].text == "!":
        neg, a = not neg, a + 1
    if a >= b:
        return None
    if tokens[a].text == "(" and pairs.get(a) == b - 1:
        v = const_value(tokens, pairs, a + 1, b - 1, consts)
    elif tokens[a].text == "CONF_FAULT" and a + 1 < b and pairs.get(a + 1) == b - 1:
        v = False
    elif b == a + 1 and tokens[a].text in consts:
        v = consts[tokens[a].text]
    else:
        return None
    return (not v) if (neg and v is not None) else v


def statement_end(tokens, pairs, body, last):
    """Last token of the statement that starts at token body."""
    if tokens[body].text == "{" and body in pairs:
        return pairs[body]
    end = body
    while end < last and tokens[end].text != ";":
        if tokens[end].text in ("(", "[", "{") and end in pairs:
            end = pairs[end]
        end += 1
    return end


def returns(tokens, pairs, body, end):
    """Whether the statement body..end ends by returning."""
    if tokens[body].text == "return":
        return True
    if tokens[body].text == "{":
        k = end - 1
        while k > body and tokens[k].text == ";":
            k -= 1
        start = k
        while start > body and tokens[start - 1].text not in (";", "{", "}"):
            start -= 1
        return tokens[start].text == "return"
    return False


def array_sizes(tokens, pairs, first, last):
    """The size in an array declaration (`char buf[N + 1];`): a bigger or
    smaller buffer is no behaviour a test can see, unless it overflows."""
    sizes = set()
    for k in range(first + 2, last):
        if tokens[k].text != "[" or k not in pairs:
            continue
        name, before = tokens[k - 1], tokens[k - 2]
        after = tokens[pairs[k] + 1].text if pairs[k] + 1 < len(tokens) else ""
        if name.kind == "ident" and after in (";", "=", ",", "[") and \
                ((before.kind == "ident" and (before.text in TYPE_WORDS or CAMEL.match(before.text)))):
            sizes.update(range(k, pairs[k] + 1))
    return sizes


def function_refs(tokens, funcs, dead):
    """{function: (names of this file's functions its body mentions outside
    fault code, names it mentions anywhere)}."""
    defined = {f.name for f in funcs}
    out = {}
    for f in funcs:
        live, every = set(), set()
        for k in range(f.body_start, f.body_end):
            t = tokens[k]
            if t.kind == "ident":
                every.add(t.text)
                if k not in dead:
                    live.add(t.text)
        out[f.name] = (live & defined, live, every)
    return out


def statement_start(tokens, k, pairs):
    """Whether token k begins a statement (after ; { } else, a label or a header)."""
    prev = tokens[k - 1]
    if prev.text in (";", "{", "}", "else"):
        return True
    if prev.text == ":":                               # a case or a label, not a ?:
        j = k - 2
        while j > 0 and tokens[j].text not in (";", "{", "}"):
            j -= 1
        first = tokens[j + 1]
        return first.text in ("case", "default") or \
            (first.kind == "ident" and j + 2 == k - 1)
    if prev.text == ")" and (k - 1) in pairs:
        o = pairs[k - 1]
        return o > 0 and tokens[o - 1].text in ("if", "while", "for", "switch")
    return False


def statement_call(tokens, k, pairs):
    """(first, last) tokens of the statement `NAME (ARGS);` or `(void) NAME (ARGS);`
    whose NAME is token k, else None."""
    if tokens[k].text in KEYWORDS or k + 1 >= len(tokens) or tokens[k + 1].text != "(" or (k + 1) not in pairs:
        return None
    close = pairs[k + 1]
    if close + 1 >= len(tokens) or tokens[close + 1].text != ";":
        return None
    if statement_start(tokens, k, pairs):
        return (k, close + 1)
    # (void) NAME (ARGS);
    if k >= 3 and tokens[k - 1].text == ")" and tokens[k - 2].text == "void" \
            and tokens[k - 3].text == "(" and statement_start(tokens, k - 3, pairs):
        return (k - 3, close + 1)
    return None


def assign_ids(mutants):
    seen = {}
    for m in mutants:
        key = "\0".join((m.file, m.func, m.op, " ".join(m.line_text.split()), m.orig, m.repl))
        rank = seen.get(key, 0)
        seen[key] = rank + 1
        m.id = "m" + hashlib.sha1((key + "\0%d" % rank).encode()).hexdigest()[:10]


# ---- requirements of a code region -------------------------------------------

REQ_ID = re.compile(r"\b([A-Z][A-Z0-9]*-[0-9]+)\b")


def region_requirements(mutant, comments, funcs, tokens, known):
    """Requirement ids named by a comment on the mutant's line, else by the
    nearest comment before it in its function (the comment above the function
    included), else []."""
    func = next((f for f in funcs if f.name == mutant.func
                 and tokens[f.body_start].start <= mutant.start <= tokens[f.body_end].end), None)
    lo = 0
    if func is not None and func.header_start > 0:
        lo = tokens[func.header_start - 1].end
    before, same_line = [], []
    for c in comments:
        ids = [i for i in REQ_ID.findall(c.text) if i in known]
        if not ids or c.start < lo:
            continue
        if c.line <= mutant.line <= c.line + c.text.count("\n") or \
                (c.line == mutant.line and c.start >= mutant.end):
            same_line = ids
        elif c.end <= mutant.start:
            before = ids
    best = same_line or before
    return sorted(set(best), key=req_key)


def req_key(req):
    prefix, _, num = req.rpartition("-")
    return (prefix, int(num) if num.isdigit() else 0)
