//! Parser for the Targetprocess v1 `where` grammar: `and`-joined predicates (any case, optional
//! parentheses), `eq ne gt gte lt lte`, `in (...)`, `[not] contains`, `is [not] null`, dotted
//! paths and custom-field paths (`CustomFields.X`, `'CustomFields.Jira Key'`).
//!
//! Like TP it rejects `or` and `not in`. Evaluation against entities lives in `query::eval`.

/// A parsed `where` expression: predicates that must all hold.
#[derive(Clone, Debug, PartialEq)]
pub struct Filter(pub Vec<Predicate>);

#[derive(Clone, Debug, PartialEq)]
pub enum Path {
    /// `Team.AgileReleaseTrain.Id`
    Fields(Vec<String>),
    /// `CustomFields.Jira Key`
    Custom(String),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Number(f64),
    Text(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Gt,
    Gte,
    Lt,
    Lte,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Predicate {
    Cmp(Path, CmpOp, Literal),
    In(Path, Vec<Literal>),
    Contains(Path, bool, String),
    IsNull(Path, bool),
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Word(String),
    Text(String),
    Number(f64),
    Open,
    Close,
    Comma,
}

/// Parses a `where` value. The error is the message of TP's 400 answer.
pub fn parse(input: &str) -> Result<Filter, String> {
    let tokens = tokenize(input)?;
    let mut p = Parser { tokens, pos: 0 };
    let preds = p.expr()?;
    match p.peek() {
        None => Ok(Filter(preds)),
        Some(t) => Err(format!("Unexpected {} in where clause", describe(t))),
    }
}

fn describe(t: &Token) -> String {
    match t {
        Token::Word(w) => format!("'{w}'"),
        Token::Text(s) => format!("string '{s}'"),
        Token::Number(n) => format!("number {n}"),
        Token::Open => "'('".into(),
        Token::Close => "')'".into(),
        Token::Comma => "','".into(),
    }
}

fn tokenize(input: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            _ if c.is_whitespace() => i += 1,
            '(' | ')' | ',' => {
                out.push(match c {
                    '(' => Token::Open,
                    ')' => Token::Close,
                    _ => Token::Comma,
                });
                i += 1;
            }
            '\'' | '"' => {
                let (text, next) = quoted(&chars, i)?;
                out.push(Token::Text(text));
                i = next;
            }
            _ if c.is_ascii_digit()
                || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) =>
            {
                let start = i;
                i += 1;
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                let s: String = chars[start..i].iter().collect();
                out.push(Token::Number(
                    s.parse().map_err(|_| format!("Invalid number '{s}'"))?,
                ));
            }
            _ if c.is_alphanumeric() || c == '_' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '.' | '-'))
                {
                    i += 1;
                }
                out.push(Token::Word(chars[start..i].iter().collect()));
            }
            _ => return Err(format!("Unexpected character '{c}' in where clause")),
        }
    }
    Ok(out)
}

/// Reads a quoted string starting at `start`; `\'` (or `\"`) escapes the quote, `\\` a backslash.
fn quoted(chars: &[char], start: usize) -> Result<(String, usize), String> {
    let quote = chars[start];
    let mut text = String::new();
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' if i + 1 < chars.len() => {
                text.push(chars[i + 1]);
                i += 2;
            }
            c if c == quote => return Ok((text, i + 1)),
            c => {
                text.push(c);
                i += 1;
            }
        }
    }
    Err("Unterminated string in where clause".into())
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn peek_word(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
    }

    fn expect_word(&mut self, word: &str) -> Result<(), String> {
        if self.peek_word(word) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!("Expected '{word}' in where clause"))
        }
    }

    fn expr(&mut self) -> Result<Vec<Predicate>, String> {
        let mut preds = self.term()?;
        loop {
            if self.peek_word("or") {
                return Err("Operator 'or' is not supported in where clause".into());
            }
            if !self.peek_word("and") {
                return Ok(preds);
            }
            self.pos += 1;
            preds.extend(self.term()?);
        }
    }

    fn term(&mut self) -> Result<Vec<Predicate>, String> {
        if self.peek() == Some(&Token::Open) {
            self.pos += 1;
            let inner = self.expr()?;
            return match self.next() {
                Some(Token::Close) => Ok(inner),
                _ => Err("Missing ')' in where clause".into()),
            };
        }
        Ok(vec![self.predicate()?])
    }

    fn path(&mut self) -> Result<Path, String> {
        let raw = match self.next() {
            Some(Token::Word(w)) => w,
            Some(Token::Text(t)) if starts_with_ci(&t, "CustomFields.") => t,
            Some(t) => return Err(format!("Expected a field name, found {}", describe(&t))),
            None => return Err("Expected a field name at the end of where clause".into()),
        };
        if starts_with_ci(&raw, "CustomFields.") {
            return Ok(Path::Custom(raw["CustomFields.".len()..].to_owned()));
        }
        if raw.split('.').any(str::is_empty) || raw.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(format!("Invalid field name '{raw}'"));
        }
        Ok(Path::Fields(raw.split('.').map(str::to_owned).collect()))
    }

    fn predicate(&mut self) -> Result<Predicate, String> {
        let path = self.path()?;
        let op = match self.next() {
            Some(Token::Word(w)) => w.to_ascii_lowercase(),
            _ => return Err("Expected an operator in where clause".into()),
        };
        match op.as_str() {
            "eq" | "ne" | "gt" | "gte" | "lt" | "lte" => {
                let lit = self.literal()?;
                Ok(Predicate::Cmp(path, cmp_op(&op), lit))
            }
            "in" => Ok(Predicate::In(path, self.list()?)),
            "contains" => Ok(Predicate::Contains(path, false, self.text()?)),
            "is" => {
                let negated = self.peek_word("not");
                if negated {
                    self.pos += 1;
                }
                self.expect_word("null")?;
                Ok(Predicate::IsNull(path, negated))
            }
            "not" if self.peek_word("contains") => {
                self.pos += 1;
                Ok(Predicate::Contains(path, true, self.text()?))
            }
            "not" if self.peek_word("in") => {
                Err("Operator 'not in' is not supported in where clause".into())
            }
            _ => Err(format!("Unknown operator '{op}' in where clause")),
        }
    }

    fn literal(&mut self) -> Result<Literal, String> {
        match self.next() {
            Some(Token::Number(n)) => Ok(Literal::Number(n)),
            Some(Token::Text(t)) => Ok(Literal::Text(t)),
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("null") => {
                Err("Use 'is null' to compare with null".into())
            }
            Some(t) => Err(format!("Expected a value, found {}", describe(&t))),
            None => Err("Expected a value at the end of where clause".into()),
        }
    }

    fn text(&mut self) -> Result<String, String> {
        match self.literal()? {
            Literal::Text(t) => Ok(t),
            Literal::Number(n) => Ok(n.to_string()),
        }
    }

    fn list(&mut self) -> Result<Vec<Literal>, String> {
        if self.next() != Some(Token::Open) {
            return Err("Expected '(' after 'in'".into());
        }
        let mut items = vec![self.literal()?];
        loop {
            match self.next() {
                Some(Token::Comma) => items.push(self.literal()?),
                Some(Token::Close) => return Ok(items),
                _ => return Err("Expected ',' or ')' in value list".into()),
            }
        }
    }
}

fn cmp_op(op: &str) -> CmpOp {
    match op {
        "eq" => CmpOp::Eq,
        "ne" => CmpOp::Ne,
        "gt" => CmpOp::Gt,
        "gte" => CmpOp::Gte,
        "lt" => CmpOp::Lt,
        _ => CmpOp::Lte,
    }
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(p: &str) -> Path {
        Path::Fields(p.split('.').map(str::to_owned).collect())
    }

    fn one(input: &str) -> Predicate {
        let Filter(mut preds) = parse(input).unwrap();
        assert_eq!(preds.len(), 1, "{input}");
        preds.remove(0)
    }

    #[test]
    fn every_comparison_operator() {
        for (word, op) in [
            ("eq", CmpOp::Eq),
            ("ne", CmpOp::Ne),
            ("gt", CmpOp::Gt),
            ("gte", CmpOp::Gte),
            ("lt", CmpOp::Lt),
            ("LTE", CmpOp::Lte),
        ] {
            assert_eq!(
                one(&format!("Effort {word} 5")),
                Predicate::Cmp(fields("Effort"), op, Literal::Number(5.0))
            );
        }
    }

    #[test]
    fn in_contains_and_null_checks() {
        assert_eq!(
            one("Id in (155, 156,'x')"),
            Predicate::In(
                fields("Id"),
                vec![
                    Literal::Number(155.0),
                    Literal::Number(156.0),
                    Literal::Text("x".into())
                ]
            )
        );
        assert_eq!(
            one("Name contains 'PI'"),
            Predicate::Contains(fields("Name"), false, "PI".into())
        );
        assert_eq!(
            one("Tags not contains '*Major*'"),
            Predicate::Contains(fields("Tags"), true, "*Major*".into())
        );
        assert_eq!(
            one("Owner is null"),
            Predicate::IsNull(fields("Owner"), false)
        );
        assert_eq!(
            one("Owner IS NOT NULL"),
            Predicate::IsNull(fields("Owner"), true)
        );
    }

    #[test]
    fn and_in_any_case_with_parentheses_and_nested_paths() {
        let f = parse("(Team.Id eq 1 AND Release.Id eq 2) and ((Team.AgileReleaseTrain.Id gt -3))")
            .unwrap();
        assert_eq!(
            f.0,
            vec![
                Predicate::Cmp(fields("Team.Id"), CmpOp::Eq, Literal::Number(1.0)),
                Predicate::Cmp(fields("Release.Id"), CmpOp::Eq, Literal::Number(2.0)),
                Predicate::Cmp(
                    fields("Team.AgileReleaseTrain.Id"),
                    CmpOp::Gt,
                    Literal::Number(-3.0)
                ),
            ]
        );
    }

    #[test]
    fn custom_field_paths_and_escaped_quotes() {
        assert_eq!(
            one("('CustomFields.Jira Key' eq 'DAD-2652')"),
            Predicate::Cmp(
                Path::Custom("Jira Key".into()),
                CmpOp::Eq,
                Literal::Text("DAD-2652".into())
            )
        );
        assert_eq!(
            one(r"CustomFields.Browser eq 'Fire\'fox'"),
            Predicate::Cmp(
                Path::Custom("Browser".into()),
                CmpOp::Eq,
                Literal::Text("Fire'fox".into())
            )
        );
    }

    #[test]
    fn or_and_not_in_are_rejected() {
        assert!(parse("Id eq 1 or Id eq 2").unwrap_err().contains("'or'"));
        assert!(parse("Id eq 1 OR Id eq 2").unwrap_err().contains("'or'"));
        assert!(parse("Id not in (1,2)").unwrap_err().contains("not in"));
    }

    #[test]
    fn malformed_input_is_an_error() {
        for bad in [
            "",
            "Id",
            "Id eq",
            "Id equals 1",
            "Id eq 'open",
            "(Id eq 1",
            "Id eq 1)",
            "Id in 1,2",
            "Id in (1 2)",
            "Id eq 1 and",
            "Owner is nil",
            "Id eq null",
            "Name eq 'a' ; drop",
            "Team..Id eq 1",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should fail");
        }
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any string literal survives quoting with `\'` escapes.
        #[test]
        fn quoted_literals_round_trip(text in "[ -~]{0,30}") {
            let quoted = text.replace('\\', "\\\\").replace('\'', "\\'");
            let Filter(preds) = parse(&format!("Name eq '{quoted}'")).unwrap();
            prop_assert_eq!(&preds[0], &Predicate::Cmp(Path::Fields(vec!["Name".into()]), CmpOp::Eq, Literal::Text(text.clone())));
        }

        /// The parser never panics, whatever the input.
        #[test]
        fn never_panics(input in "\\PC{0,60}") {
            let _ = parse(&input);
        }
    }
}
