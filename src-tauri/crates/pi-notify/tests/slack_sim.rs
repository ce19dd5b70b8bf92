//! Slack through the simulator: webhook and bot token, Block Kit, per-event channels, the
//! per-channel rate, 429 with Retry-After, Slack's error words.

use std::collections::BTreeMap;
use std::time::Instant;

use pi_notify::{Given, Notifier, SecretName, Slack, SlackAccess, SlackError};

use crate::support::{config, conflict, failure, pull, push};

const ROUTES: &str = "[notify.events]\npull = [\"slack\"]\npush = [\"slack\"]\nconflict = [\"slack\"]\nfailure = [\"slack\"]\n";

fn secrets(pairs: &[(SecretName, String)]) -> Given {
    Given(pairs.iter().cloned().collect::<BTreeMap<_, _>>())
}

#[tokio::test]
async fn webhook_gets_block_kit_summaries_alerts_and_a_conflict_link() {
    let sim = pi_sim::start(pi_sim::SimConfig::default()).await.unwrap();
    let url = sim.slack().add_webhook("#pi-planning");
    let n = Notifier::new(
        &config(&format!("{ROUTES}[notify.slack]\n")),
        &secrets(&[(SecretName::SlackWebhookUrl, url)]),
    );
    for event in [pull(), push(), conflict(), failure()] {
        let d = n.send(&event).await;
        assert_eq!((d.sent, d.failed), (1, 0), "{:?}", d.failures);
    }
    let log = sim.slack().requests();
    assert_eq!(log.len(), 4);
    assert!(log.iter().all(|r| r.status == 200 && r.api == "webhook"));
    let texts: Vec<&str> = log
        .iter()
        .map(|r| r.payload["text"].as_str().unwrap())
        .collect();
    assert!(
        texts[0].starts_with(":white_check_mark: Pulled Falcons (PI 26.1)"),
        "{}",
        texts[0]
    );
    assert!(texts[1].starts_with(":rocket: Pushed"), "{}", texts[1]);
    assert!(texts[3].starts_with(":x: push of Falcons"), "{}", texts[3]);
    let conflict = &log[2].payload;
    assert_eq!(conflict["blocks"][0]["type"], "header");
    let section = conflict["blocks"][1]["text"]["text"].as_str().unwrap();
    assert!(
        section.contains(
            "<pi-planner://open?plan=pi-26-1%2Ffalcons&conflict=TP-42|Open in PI Planner>"
        ),
        "{section}"
    );
    assert!(
        section.contains("Checkout &lt;fast&gt;"),
        "user text is escaped: {section}"
    );
    assert_eq!(conflict["unfurl_links"], false);
    sim.shutdown().await;
}

#[tokio::test]
async fn bot_token_routes_each_event_to_its_channel_one_message_per_second() {
    let sim = pi_sim::start(pi_sim::SimConfig::default()).await.unwrap();
    let slack = sim.slack();
    slack.limit_per_second(Some(1));
    let toml = format!(
        "{ROUTES}[notify.slack]\nchannel = \"#pi-planning\"\nchannels = {{ conflict = \"#pi-alerts\", failure = \"#pi-alerts\" }}\napi_url = \"{}\"\n",
        slack.api_url()
    );
    let n = Notifier::new(
        &config(&toml),
        &secrets(&[(SecretName::SlackBotToken, slack.bot_token())]),
    );
    let started = Instant::now();
    for event in [pull(), push(), conflict(), failure()] {
        let d = n.send(&event).await;
        assert_eq!(d.failed, 0, "{:?}", d.failures);
    }
    let log = slack.requests();
    let channels: Vec<_> = log.iter().map(|r| r.channel.clone().unwrap()).collect();
    assert_eq!(
        channels,
        ["#pi-planning", "#pi-planning", "#pi-alerts", "#pi-alerts"]
    );
    assert!(
        log.iter().all(|r| r.status == 200),
        "no message went over Slack's rate: {log:?}"
    );
    let gap = log[1].at_ms - log[0].at_ms;
    assert!(
        gap >= 950,
        "two messages to one channel a second apart, not {gap} ms"
    );
    assert!(
        log[2].at_ms - log[1].at_ms < 900,
        "another channel is not held back"
    );
    assert!(started.elapsed().as_millis() >= 1900);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_429_is_waited_out_as_retry_after_says() {
    let sim = pi_sim::start(pi_sim::SimConfig::default()).await.unwrap();
    let url = sim.slack().add_webhook("#pi-planning");
    sim.slack().throttle_next(1, 2);
    let slack = Slack::new(SlackAccess::Webhook(url)).unwrap();
    let started = Instant::now();
    slack
        .post(None, &pi_notify::render::slack_payload(&pull()))
        .await
        .unwrap();
    assert!(
        started.elapsed().as_millis() >= 1900,
        "waited {:?}",
        started.elapsed()
    );
    let statuses: Vec<u16> = sim.slack().requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 200]);
    assert_eq!(slack.counters().retries, 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn slack_refusals_are_clear_and_never_show_the_secret() {
    let sim = pi_sim::start(pi_sim::SimConfig::default()).await.unwrap();
    let url = sim.slack().add_webhook("#pi-planning");
    sim.slack().fail_webhook(&url, "no_service");
    let slack = Slack::new(SlackAccess::Webhook(url.clone())).unwrap();
    let e = slack
        .post(None, &pi_notify::render::slack_payload(&pull()))
        .await
        .unwrap_err();
    let text = e.to_string();
    assert!(
        matches!(&e, SlackError::Refused { code, .. } if code == "no_service"),
        "{e:?}"
    );
    assert!(text.contains("disabled or removed"), "{text}");
    let secret = url.rsplit('/').next().unwrap();
    assert!(!text.contains(secret) && !format!("{e:?}").contains(secret));

    let bot = |token: String| {
        Slack::new(SlackAccess::Bot {
            token,
            api_url: sim.slack().api_url(),
        })
        .unwrap()
    };
    let payload = pi_notify::render::slack_payload(&push());
    let e = bot("xoxb-wrong".into())
        .post(Some("#pi-planning"), &payload)
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("invalid_auth") && e.to_string().contains("not valid"),
        "{e}"
    );
    let e = bot(sim.slack().bot_token())
        .post(Some("#nowhere"), &payload)
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("channel_not_found") && e.to_string().contains("#nowhere"),
        "{e}"
    );
    sim.slack().revoke_token();
    let e = bot(sim.slack().bot_token())
        .post(Some("#pi-planning"), &payload)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("invalid_auth"), "{e}");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_failing_or_unconfigured_channel_is_counted_not_raised() {
    let sim = pi_sim::start(pi_sim::SimConfig::default()).await.unwrap();
    let n = Notifier::new(&config(&format!("{ROUTES}[notify.slack]\n")), &secrets(&[]));
    let d = n.send(&failure()).await;
    assert_eq!((d.sent, d.failed), (0, 1));
    assert!(
        d.failures[0].contains("PI_SLACK_WEBHOOK_URL"),
        "{:?}",
        d.failures
    );
    let url = sim.slack().add_webhook("#pi-planning");
    sim.slack().fail_webhook(&url, "channel_is_archived");
    let n = Notifier::new(
        &config(&format!("{ROUTES}[notify.slack]\n")),
        &secrets(&[(SecretName::SlackWebhookUrl, url)]),
    );
    let d = n.send(&pull()).await;
    assert_eq!((d.sent, d.failed), (0, 1));
    assert!(d.failures[0].contains("archived"), "{:?}", d.failures);
    sim.shutdown().await;
}
