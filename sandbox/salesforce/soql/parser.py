"""A parser for the subset of SOQL that a connector uses.

SELECT fields (with parent relationships) or COUNT(), FROM one object, WHERE with comparisons,
IN / NOT IN, LIKE, AND / OR / NOT and parentheses, ORDER BY with ASC / DESC and NULLS FIRST /
LAST, LIMIT and OFFSET. Errors are raised as MALFORMED_QUERY with the caret display Salesforce
uses.
"""

import re
from dataclasses import dataclass

from sandbox.salesforce.errors import ApiError
from sandbox.salesforce.soql.ast import (
    BoolOp,
    Comparison,
    FieldPath,
    InList,
    Literal,
    Not,
    Ordering,
    Query,
)
from sandbox.salesforce.soql.dates import DATE_LITERALS, NUMBERED_DATE_LITERALS

TOKEN_PATTERNS = [
    ("WS", r"\s+"),
    ("DATETIME", r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})"),
    ("DATE", r"\d{4}-\d{2}-\d{2}(?![\dT])"),
    ("NUMBER", r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?![\w.])"),
    ("STRING", r"'(?:[^'\\]|\\.)*'"),
    ("NAME", r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"),
    ("OP", r"!=|<>|<=|>=|=|<|>"),
    ("PUNCT", r"[(),:]"),
]
TOKEN_RE = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in TOKEN_PATTERNS))
ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    position: int

    def is_keyword(self, *words: str) -> bool:
        return self.kind == "NAME" and self.text.upper() in words


def query_error(soql: str, position: int, message: str, code: str = "MALFORMED_QUERY"):
    """An error pointing at a position of the query, as Salesforce shows it."""
    line = soql.replace("\n", " ")
    return ApiError(
        400,
        code,
        f"{line}\n{' ' * position}^\nERROR at Row:1:Column:{position + 1}\n{message}",
    )


def tokenize(soql: str) -> list[Token]:
    tokens, position = [], 0
    while position < len(soql):
        match = TOKEN_RE.match(soql, position)
        if match is None:
            raise query_error(soql, position, f"unexpected token: '{soql[position]}'")
        if match.lastgroup != "WS":
            tokens.append(Token(match.lastgroup, match.group(), position))
        position = match.end()
    tokens.append(Token("EOF", "<EOF>", len(soql)))
    return tokens


def unquote(soql: str, token: Token) -> str:
    body, text, index = token.text[1:-1], [], 0
    while index < len(body):
        char = body[index]
        if char != "\\":
            text.append(char)
            index += 1
            continue
        escaped = body[index + 1]
        if escaped.lower() in ESCAPES:
            text.append(ESCAPES[escaped.lower()])
        elif escaped in "%_":
            text.append("\\" + escaped)  # kept for LIKE, where it means a literal % or _
        else:
            raise query_error(soql, token.position, "Invalid string literal: illegal escape")
        index += 2
    return "".join(text)


class Parser:
    def __init__(self, soql: str):
        self.soql = soql
        self.tokens = tokenize(soql)
        self.index = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.current
        self.index += 1
        return token

    def error(self, token: Token | None = None):
        token = token or self.current
        return query_error(self.soql, token.position, f"unexpected token: '{token.text}'")

    def expect_keyword(self, *words: str) -> Token:
        if not self.current.is_keyword(*words):
            raise self.error()
        return self.advance()

    def expect_punct(self, char: str) -> Token:
        if self.current.text != char or self.current.kind != "PUNCT":
            raise self.error()
        return self.advance()

    def accept_keyword(self, *words: str) -> bool:
        if self.current.is_keyword(*words):
            self.advance()
            return True
        return False

    def parse(self) -> Query:
        self.expect_keyword("SELECT")
        fields, count_only = self.select_list()
        self.expect_keyword("FROM")
        name = self.name_token()
        query = Query(name.text, name.position, fields=fields, count_only=count_only)
        if self.accept_keyword("WHERE"):
            query.where = self.condition()
        if self.accept_keyword("ORDER"):
            self.expect_keyword("BY")
            query.order_by = self.order_list()
        if self.accept_keyword("LIMIT"):
            query.limit = self.integer()
        if self.accept_keyword("OFFSET"):
            query.offset = self.integer()
        if self.current.kind != "EOF":
            raise self.error()
        return query

    def name_token(self) -> Token:
        if self.current.kind != "NAME":
            raise self.error()
        return self.advance()

    def select_list(self) -> tuple[list[FieldPath], bool]:
        if self.current.is_keyword("COUNT") and self.tokens[self.index + 1].text == "(":
            self.advance()
            self.expect_punct("(")
            self.expect_punct(")")
            return [], True
        fields = [self.field_path()]
        while self.current.text == ",":
            self.advance()
            fields.append(self.field_path())
        seen = set()
        for path in fields:
            if path.text.lower() in seen:
                raise query_error(
                    self.soql, path.position, f"duplicate field selected: {path.text}"
                )
            seen.add(path.text.lower())
        return fields, False

    def field_path(self) -> FieldPath:
        token = self.name_token()
        if token.is_keyword("FROM", "WHERE", "SELECT"):
            raise self.error(token)
        return FieldPath(tuple(token.text.split(".")), token.position)

    def order_list(self) -> list[Ordering]:
        orderings = [self.ordering()]
        while self.current.text == ",":
            self.advance()
            orderings.append(self.ordering())
        return orderings

    def ordering(self) -> Ordering:
        field = self.field_path()
        descending = False
        if self.current.is_keyword("ASC", "DESC"):
            descending = self.advance().text.upper() == "DESC"
        nulls_last = None
        if self.accept_keyword("NULLS"):
            nulls_last = self.expect_keyword("FIRST", "LAST").text.upper() == "LAST"
        return Ordering(field, descending, nulls_last)

    def integer(self) -> int:
        token = self.current
        if token.kind != "NUMBER" or not token.text.isdigit():
            raise self.error()
        self.advance()
        return int(token.text)

    def condition(self):
        operands = [self.unary()]
        operator = None
        while self.current.is_keyword("AND", "OR"):
            token = self.advance()
            if operator and token.text.upper() != operator:
                raise self.error(token)  # SOQL needs parentheses to mix AND and OR
            operator = token.text.upper()
            operands.append(self.unary())
        return operands[0] if operator is None else BoolOp(operator, tuple(operands))

    def unary(self):
        if self.accept_keyword("NOT"):
            return Not(self.unary())
        if self.current.text == "(" and self.current.kind == "PUNCT":
            self.advance()
            inner = self.condition()
            self.expect_punct(")")
            return inner
        return self.predicate()

    def predicate(self):
        field = self.field_path()
        if self.current.is_keyword("NOT") and self.tokens[self.index + 1].is_keyword("IN"):
            self.advance()
            self.advance()
            return InList(field, self.value_list(), negated=True)
        if self.accept_keyword("IN"):
            return InList(field, self.value_list(), negated=False)
        if self.accept_keyword("LIKE"):
            value = self.value()
            if value.kind != "string":
                raise query_error(self.soql, value.position, "LIKE needs a string value")
            return Comparison(field, "LIKE", value)
        if self.current.kind != "OP":
            raise self.error()
        operator = self.advance().text
        return Comparison(field, "!=" if operator == "<>" else operator, self.value())

    def value_list(self) -> tuple[Literal, ...]:
        self.expect_punct("(")
        values = [self.value()]
        while self.current.text == ",":
            self.advance()
            values.append(self.value())
        self.expect_punct(")")
        return tuple(values)

    def value(self) -> Literal:
        token = self.advance()
        kind = token.kind
        if kind == "STRING":
            return Literal("string", unquote(self.soql, token), token.position)
        if kind == "NUMBER":
            number = float(token.text) if "." in token.text else int(token.text)
            return Literal("number", number, token.position)
        if kind in ("DATE", "DATETIME"):
            return Literal(kind.lower(), token.text, token.position)
        if kind == "NAME":
            return self.named_value(token)
        raise self.error(token)

    def named_value(self, token: Token) -> Literal:
        word = token.text.upper()
        if word in ("TRUE", "FALSE"):
            return Literal("boolean", word == "TRUE", token.position)
        if word == "NULL":
            return Literal("null", None, token.position)
        if word in DATE_LITERALS:
            return Literal("date_literal", word, token.position)
        if word in NUMBERED_DATE_LITERALS:
            self.expect_punct(":")
            return Literal("date_literal", word, token.position, n=self.integer())
        raise self.error(token)


def parse(soql: str) -> Query:
    if not soql or not soql.strip():
        raise ApiError(400, "MALFORMED_QUERY", "A query string has to be specified")
    return Parser(soql).parse()
