//! Parser for `include=[Name,Owner[Id,Login],CustomFields]`: the fields to return, with nested
//! field lists for references and collections.
//!
//! Only the syntax lives here; checking names against the schema and projecting happens in
//! `render`.

/// One requested field, with the fields wanted from the referenced entity if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncludeItem {
    pub name: String,
    pub nested: Option<Vec<IncludeItem>>,
}

/// Parses an include (or exclude) list. The outer brackets are optional.
pub fn parse(input: &str) -> Result<Vec<IncludeItem>, String> {
    let chars: Vec<char> = input.trim().chars().collect();
    let mut pos = 0;
    let items = if chars.first() == Some(&'[') {
        pos += 1;
        let items = list(&chars, &mut pos)?;
        expect(&chars, &mut pos, ']')?;
        items
    } else {
        list(&chars, &mut pos)?
    };
    skip_ws(&chars, &mut pos);
    if pos != chars.len() {
        return Err(format!("Invalid include list near position {pos}"));
    }
    Ok(items)
}

fn skip_ws(chars: &[char], pos: &mut usize) {
    while chars.get(*pos).is_some_and(|c| c.is_whitespace()) {
        *pos += 1;
    }
}

fn expect(chars: &[char], pos: &mut usize, c: char) -> Result<(), String> {
    skip_ws(chars, pos);
    if chars.get(*pos) == Some(&c) {
        *pos += 1;
        Ok(())
    } else {
        Err(format!("Expected '{c}' in include list"))
    }
}

fn list(chars: &[char], pos: &mut usize) -> Result<Vec<IncludeItem>, String> {
    let mut items = vec![item(chars, pos)?];
    loop {
        skip_ws(chars, pos);
        if chars.get(*pos) == Some(&',') {
            *pos += 1;
            items.push(item(chars, pos)?);
        } else {
            return Ok(items);
        }
    }
}

fn item(chars: &[char], pos: &mut usize) -> Result<IncludeItem, String> {
    skip_ws(chars, pos);
    let start = *pos;
    while chars
        .get(*pos)
        .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '-'))
    {
        *pos += 1;
    }
    if start == *pos {
        return Err("Expected a field name in include list".into());
    }
    let name: String = chars[start..*pos].iter().collect();
    skip_ws(chars, pos);
    let nested = if chars.get(*pos) == Some(&'[') {
        *pos += 1;
        let inner = list(chars, pos)?;
        expect(chars, pos, ']')?;
        Some(inner)
    } else {
        None
    };
    Ok(IncludeItem { name, nested })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(n: &str) -> IncludeItem {
        IncludeItem {
            name: n.into(),
            nested: None,
        }
    }

    #[test]
    fn flat_and_nested() {
        assert_eq!(
            parse("[Name, Owner[Id,Login], Team[AgileReleaseTrain[Name]],CustomFields]").unwrap(),
            vec![
                leaf("Name"),
                IncludeItem {
                    name: "Owner".into(),
                    nested: Some(vec![leaf("Id"), leaf("Login")])
                },
                IncludeItem {
                    name: "Team".into(),
                    nested: Some(vec![IncludeItem {
                        name: "AgileReleaseTrain".into(),
                        nested: Some(vec![leaf("Name")])
                    }])
                },
                leaf("CustomFields"),
            ]
        );
    }

    #[test]
    fn brackets_are_optional() {
        assert_eq!(
            parse("Name,Effort").unwrap(),
            vec![leaf("Name"), leaf("Effort")]
        );
    }

    #[test]
    fn malformed() {
        for bad in [
            "[",
            "[Name",
            "[Name,]",
            "[Owner[Id]",
            "[]",
            "Name]",
            "[Na me]",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
