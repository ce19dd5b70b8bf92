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

/// The converter is built once per thread: a conversion after others on the same thread (nested
/// emphasis among them) gives what it gives on a thread of its own.
#[test]
fn conversions_in_a_row_on_one_thread_give_what_each_gives_alone() {
    let inputs = [
        "<p>*<em><em>,A</em>a</em></p>",
        "<p><strong>a <b>b</b></strong> <em>x</em></p>",
        "<ul><li>one <em>two</em></li><li><code> </code></li></ul>",
        "<p><del>gone</del> kept</p>",
    ];
    let alone: Vec<String> = inputs
        .iter()
        .map(|html| {
            let html = (*html).to_owned();
            std::thread::spawn(move || html_to_markdown(&html))
                .join()
                .unwrap()
        })
        .collect();
    for _ in 0..3 {
        let in_a_row: Vec<String> = inputs.iter().map(|html| html_to_markdown(html)).collect();
        assert_eq!(in_a_row, alone);
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

/// Runs `f` on a thread with a 256 KB stack (a debug build's structured conversion needs about
/// 4.5 KB per nesting level; 10,000 levels would need 45 MB).
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .expect("spawn a thread")
        .join()
        .expect("no stack overflow")
}

#[test]
fn deeply_nested_html_becomes_flat_text_without_recursion() {
    for levels in [10_000usize, 100_000] {
        let html = format!(
            "{}Deep &amp; <b>dark</b>{}",
            "<div>".repeat(levels),
            "</div>".repeat(levels)
        );
        let converted = on_small_stack(move || convert_html(&html));
        // 100,000 levels are also past the size bound; either way only the text is kept.
        assert!(converted.flattened.is_some(), "{levels}");
        assert_eq!(converted.markdown, "Deep \\& dark", "{levels}");
    }
}

#[test]
fn nesting_up_to_the_bound_keeps_its_structure() {
    let nested = |levels: usize| {
        format!(
            "{}<b>x</b>{}",
            "<div>".repeat(levels),
            "</div>".repeat(levels)
        )
    };
    let at_bound = convert_html(&nested(MAX_HTML_DEPTH - 1));
    assert_eq!(
        (at_bound.markdown.as_str(), at_bound.flattened),
        ("**x**", None)
    );
    let past = convert_html(&nested(MAX_HTML_DEPTH + 1));
    assert_eq!(
        (past.markdown.as_str(), past.flattened),
        ("x", Some(Flattened::TooDeep))
    );
}

#[test]
fn oversized_html_becomes_flat_text() {
    let html = format!(
        "<p>{}</p><script>alert(1)</script><p>end</p>",
        "word ".repeat(250_000)
    );
    let converted = convert_html(&html);
    assert_eq!(
        converted.flattened,
        Some(Flattened::TooLarge { bytes: html.len() })
    );
    assert!(converted.markdown.ends_with("word\n\nend"));
    assert!(!converted.markdown.contains("alert"));
}

#[test]
fn flat_text_keeps_paragraphs_entities_and_markdown_characters() {
    let html = format!(
        "{}<p>a &lt;b&gt; *c* &#169; &#x263A; &bogus; 1 &amp; 2</p><!-- hidden --><ul><li># one</li><li>two<br/>three</li></ul><style>p{{}}</style>{}",
        "<div>".repeat(MAX_HTML_DEPTH + 1),
        "</div>".repeat(MAX_HTML_DEPTH + 1)
    );
    assert_eq!(
        html_to_markdown(&html),
        "a \\<b\\> \\*c\\* \u{a9} \u{263a} \\&bogus; 1 \\& 2\n\n\\# one\n\ntwo\n\nthree"
    );
}

#[test]
fn raw_html_is_written_as_text() {
    for (md, html) in [
        (
            "<script>alert(1)</script>",
            "&lt;script&gt;alert(1)&lt;/script&gt;",
        ),
        (
            "a <img src=x onerror=alert(1)> b",
            "<p>a &lt;img src=x onerror=alert(1)&gt; b</p>",
        ),
        (
            "<iframe src=\"https://x.example\"></iframe>",
            "&lt;iframe src=\"https://x.example\"&gt;&lt;/iframe&gt;",
        ),
        (
            "<style>body{display:none}</style>",
            "&lt;style&gt;body{display:none}&lt;/style&gt;",
        ),
        (
            "x <b onclick=\"steal()\">y</b>",
            "<p>x &lt;b onclick=\"steal()\"&gt;y&lt;/b&gt;</p>",
        ),
    ] {
        assert_eq!(markdown_to_html(md), html, "{md}");
    }
}

#[test]
fn links_and_images_to_unsafe_schemes_keep_only_their_text() {
    for (md, html) in [
        ("[x](javascript:alert(1))", "<p>x</p>"),
        ("[x](JavaScript:alert(1))", "<p>x</p>"),
        ("[x](<java\tscript:alert(1)>)", "<p>x</p>"),
        ("<javascript:alert(1)>", "<p>javascript:alert(1)</p>"),
        ("[x](vbscript:msgbox)", "<p>x</p>"),
        ("![pic](data:image/svg+xml;base64,PHN2Zz4=)", "<p>pic</p>"),
        ("[*a* b](file:///etc/passwd)", "<p><em>a</em> b</p>"),
    ] {
        assert_eq!(markdown_to_html(md), html, "{md}");
    }
    for (md, html) in [
        (
            "[x](https://x.example/a)",
            r#"<p><a href="https://x.example/a">x</a></p>"#,
        ),
        (
            "[x](http://x.example)",
            r#"<p><a href="http://x.example">x</a></p>"#,
        ),
        (
            "[mail](mailto:a@x.example)",
            r#"<p><a href="mailto:a@x.example">mail</a></p>"#,
        ),
        ("[rel](docs/a.md)", r#"<p><a href="docs/a.md">rel</a></p>"#),
        ("[top](#goal)", r##"<p><a href="#goal">top</a></p>"##),
        (
            "![pic](https://x.example/p.png)",
            r#"<p><img src="https://x.example/p.png" alt="pic" /></p>"#,
        ),
    ] {
        assert_eq!(markdown_to_html(md), html, "{md}");
    }
}
