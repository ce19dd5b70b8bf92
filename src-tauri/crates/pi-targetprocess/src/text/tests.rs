use super::*;
use proptest::prelude::*;

#[test]
fn converts_the_plan_subset_both_ways() {
    let md = "Intro with *em*, **strong**, `code` and [a link](https://x.example/a).\n\n- one\n- two\n\n1. first\n2. second\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n```\nfn x() {}\n```";
    let html = markdown_to_html(md);
    insta::assert_snapshot!(html, @r#"
    <p>Intro with <em>em</em>, <strong>strong</strong>, <code>code</code> and <a href="https://x.example/a">a link</a>.</p>
    <ul>
    <li>one</li>
    <li>two</li>
    </ul>
    <ol>
    <li>first</li>
    <li>second</li>
    </ol>
    <table><thead><tr><th>a</th><th>b</th></tr></thead><tbody>
    <tr><td>1</td><td>2</td></tr>
    </tbody></table>
    <pre><code>fn x() {}
    </code></pre>
    "#);
    assert_eq!(html_to_markdown(&html), md);
}

#[test]
fn nested_emphasis_blank_code_and_strikethrough_have_stable_markdown() {
    for (html, md) in [
        ("<p>*<em><em>,A</em>a</em></p>", r"\**,Aa*"),
        (
            "<p><strong>a <b>b</b></strong> <em>x</em></p>",
            "**a b** *x*",
        ),
        ("<p><em>a <strong>b</strong></em></p>", "*a **b***"),
        ("<p>x<code> </code>y</p>", "x y"),
        ("<p><del>gone</del> kept</p>", "~~gone~~ kept"),
    ] {
        let got = html_to_markdown(html);
        assert_eq!(got, md, "{html}");
        assert_eq!(normalize_markdown(&got), got, "{html}");
    }
}

#[test]
fn tp_html_becomes_markdown() {
    assert_eq!(
        html_to_markdown("<div><b>Goal</b>: ship <i>it</i></div><ul><li><p>a</p></li></ul>"),
        "**Goal**: ship *it*\n\n- a"
    );
    assert_eq!(
        html_to_markdown("plain text, no tags "),
        "plain text, no tags"
    );
    assert_eq!(html_to_markdown("  "), "");
    assert_eq!(markdown_to_html(""), "");
    assert_eq!(html_to_markdown("<p>x</p><script>alert(1)</script>"), "x");
}

fn word() -> impl Strategy<Value = String> {
    "[a-z]{1,8}"
}

fn inline() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        word(),
        word().prop_map(|w| format!("*{w}*")),
        word().prop_map(|w| format!("**{w}**")),
        word().prop_map(|w| format!("`{w}`")),
        (word(), word()).prop_map(|(t, h)| format!("[{t}](https://{h}.example/{t})")),
    ];
    proptest::collection::vec(piece, 1..6).prop_map(|p| p.join(" "))
}

fn block() -> impl Strategy<Value = String> {
    prop_oneof![
        inline(),
        proptest::collection::vec(inline(), 1..4).prop_map(|items| items
            .iter()
            .map(|i| format!("- {i}"))
            .collect::<Vec<_>>()
            .join("\n")),
        proptest::collection::vec(inline(), 1..4).prop_map(|items| items
            .iter()
            .enumerate()
            .map(|(n, i)| format!("{}. {i}", n + 1))
            .collect::<Vec<_>>()
            .join("\n")),
        proptest::collection::vec(word(), 1..4)
            .prop_map(|lines| format!("```\n{}\n```", lines.join("\n"))),
        (1usize..4, 1usize..3).prop_flat_map(|(cols, rows)| {
            proptest::collection::vec(word(), cols * (rows + 1)).prop_map(move |cells| {
                // htmd pads every column to its widest cell.
                let width = |c: usize| {
                    (0..=rows)
                        .map(|r| cells[r * cols + c].len())
                        .max()
                        .unwrap_or(1)
                };
                let row = |r: usize| {
                    let padded: Vec<String> = (0..cols)
                        .map(|c| format!("{:w$}", cells[r * cols + c], w = width(c)))
                        .collect();
                    format!("| {} |", padded.join(" | "))
                };
                let dashes: Vec<String> = (0..cols).map(|c| "-".repeat(width(c))).collect();
                let sep = format!("| {} |", dashes.join(" | "));
                let mut lines = vec![row(0), sep];
                lines.extend((1..=rows).map(row));
                lines.join("\n")
            })
        }),
    ]
}

proptest! {
    #[test]
    fn canonical_markdown_round_trips(blocks in proptest::collection::vec((inline(), block()), 1..4)) {
        // A paragraph between blocks keeps two lists from merging into one.
        let md = blocks.iter().map(|(p, b)| format!("{p}\n\n{b}")).collect::<Vec<_>>().join("\n\n");
        prop_assert_eq!(html_to_markdown(&markdown_to_html(&md)), md);
    }
}
