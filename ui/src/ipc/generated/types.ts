// Generated from the Rust DTOs of src-tauri (src/dto). Do not edit by hand:
// run `PI_PLANNER_WRITE_TS=1 cargo test -p pi-planner generated_typescript` instead.

export type ErrorCode = "bad_url" | "unauthorized" | "unreachable" | "rate_limited" | "server_error" | "rejected" | "not_connected" | "no_plan" | "keychain" | "file_access" | "plan_unreadable" | "invalid_input" | "nothing_to_undo" | "demo_failed" | "no_identity" | "workspace_problem" | "interrupted_push" | "busy" | "unknown_owner" | "cannot_resolve" | "remote_rejected" | "not_approved" | "approval_refused" | "unknown_template" | "template_invalid";

export type UiError = { code: ErrorCode, message: string, hints: Array<string>, };

export type SyncHealthDto = { 
/**
 * False when nothing was measured in this plan's folder yet.
 */
recorded: boolean, 
/**
 * `healthy`, `failing` or `none` (nothing measured).
 */
state: string, 
/**
 * One sentence: is sync healthy, and since when not.
 */
headline: string, 
/**
 * The window's start (RFC 3339).
 */
since: string, operations: number, weeks: Array<HealthWeekDto>, teams: Array<HealthTeamDto>, 
/**
 * `rising`, `falling` or `flat`.
 */
trend: string, 
/**
 * The conflict trend in words.
 */
trendWords: string, conflictsFound: number, conflictsResolved: number, conflictsOpen: number, 
/**
 * Mean time to resolve a conflict, in words; `None` when none was resolved.
 */
meanTimeToResolve: string | null, conflictsByField: Array<HealthCountDto>, changesByField: Array<HealthCountDto>, errors: Array<HealthCountDto>, traffic: Array<HealthTrafficDto>, };

export type HealthWeekDto = { 
/**
 * `2026-W05`.
 */
week: string, 
/**
 * Pulls, pushes and resumes.
 */
syncs: number, 
/**
 * Operations of any kind that failed.
 */
failed: number, pulls: number, conflictsFound: number, 
/**
 * Conflicts found per pull.
 */
conflictRate: number, };

export type HealthTeamDto = { team: string, release: string, syncs: number, syncsPerWeek: number, operations: number, failed: number, 
/**
 * 0 to 1.
 */
successRate: number, lastSuccess: string | null, failureStreak: number, failingSince: string | null, };

export type HealthCountDto = { name: string, count: number, };

export type HealthTrafficDto = { 
/**
 * `targetprocess`, `jira`.
 */
service: string, requests: number, retries: number, 
/**
 * 429 and 503 answers.
 */
throttled: number, 
/**
 * The quota left in the newest rate-limit headers, in words; `None` when none were sent.
 */
quota: string | null, };

export type HealthChecksDto = { 
/**
 * No check failed (warnings allowed).
 */
healthy: boolean, checks: Array<HealthCheckDto>, };

export type HealthCheckDto = { 
/**
 * pi-doctor's name (`targetprocess`, `clock`, `remote`, ...).
 */
name: string, 
/**
 * What is checked, in words (`Targetprocess`, `This computer's clock`, ...).
 */
label: string, 
/**
 * `ok`, `warn`, `fail` or `skipped`.
 */
level: string, 
/**
 * What was found.
 */
detail: string, 
/**
 * What to do, in plain words; `None` when nothing is to be done.
 */
fix: string | null, };

export type ReviewDto = { "kind": "notConfigured" } | { "kind": "none" } | { "kind": "open", number: number, url: string, reviews: number, approvals: number, } | { "kind": "merged", number: number, url: string, } | { "kind": "closed", number: number, url: string, } | { "kind": "unavailable", message: string, };

export type ProposeResultDto = { 
/**
 * "Opened pull request #3 for review." or "Updated pull request #3 with the plan as it is now."
 */
message: string, review: ReviewDto, };

export type ConnectionDto = { "kind": "none" } | { "kind": "demo" } | { "kind": "targetprocess", url: string, };

export type IdentityDto = { name: string, email: string, };

export type WorkspaceDto = { art: PickItem, release: PickItem, team: PickItem, 
/**
 * Absolute path of the plan file.
 */
planFile: string, };

export type AppStatus = { connection: ConnectionDto, 
/**
 * `None` until the planner confirmed who they are.
 */
identity: IdentityDto | null, workspace: WorkspaceDto | null, };

export type ConnectRequest = { url: string, token: string, };

export type ConnectionCheck = { 
/**
 * How many Agile Release Trains the token can see.
 */
arts: number, 
/**
 * What the account calls things; `None` when the account could not be looked at.
 */
names: AccountNamesDto | null, };

export type AccountNamesDto = { 
/**
 * What was found, one sentence each ("features link to objectives through …").
 */
found: Array<string>, 
/**
 * What could not be found; the settings' (or the usual) names are used for these.
 */
notFound: Array<string>, 
/**
 * Where the plans folder's settings are kept.
 */
settingsFile: string, 
/**
 * How the settings differ from the account's names, one sentence each; empty when they
 * already say the same.
 */
differences: Array<string>, 
/**
 * Why the settings cannot take the names (a mistake in the file), if they cannot.
 */
problem: string | null, };

export type JiraConnectRequest = { 
/**
 * The Jira site, e.g. `https://acme.atlassian.net`.
 */
url: string, 
/**
 * The account's e-mail on Jira Cloud; empty for a Data Center personal access token.
 */
email: string, 
/**
 * The API token (Cloud) or personal access token (Data Center).
 */
token: string, };

export type JiraCheckDto = { 
/**
 * The site, as kept (no user name, query or trailing `/`).
 */
url: string, 
/**
 * "Jira Cloud" or "Jira Data Center".
 */
kind: string, };

export type JiraStatusDto = { 
/**
 * The Jira site connected on this computer (its credentials in the keychain), if any.
 */
url: string | null, 
/**
 * No Jira is connected, and the demo's own Jira is used.
 */
demo: boolean, };

export type LintFindingDto = { 
/**
 * The finding's code, as `tpcli plan lint` prints it (`points-vs-effort`).
 */
code: string, 
/**
 * The kind of finding in a few words ("Effort and story points differ").
 */
title: string, 
/**
 * What is wrong, in words.
 */
message: string, objective: string, 
/**
 * The feature's id (`tp:1041`).
 */
feature: string, featureName: string, 
/**
 * The feature's Jira epic, when it names one.
 */
epic: string | null, 
/**
 * The stories concerned (keys).
 */
stories: Array<string>, 
/**
 * The fix, in words.
 */
fix: string, 
/**
 * The fix is a plan edit the app can make ("Apply fix"); otherwise it is done in Jira or
 * by hand.
 */
fixable: boolean, };

export type LintDto = { findings: Array<LintFindingDto>, 
/**
 * Why Jira was not asked which epics it lacks ("epic missing" not looked for), if it was
 * not.
 */
epicsNote: string | null, 
/**
 * After "Apply fix": how many plan edits were made (saved as an edit of the plan, sent at
 * the next push).
 */
fixed: number | null, };

export type LintFixRequest = { code: string, 
/**
 * The feature's id; `None` fixes every finding of the code.
 */
feature: string | null, };

export type DecomposeRequest = { 
/**
 * The feature's id (`tp:1041`).
 */
feature: string, 
/**
 * Only say what would be created; send nothing.
 */
preview: boolean, };

export type DecomposeDto = { feature: string, featureName: string, 
/**
 * The epic the stories are under.
 */
epic: string, 
/**
 * Nothing was sent (the preview).
 */
preview: boolean, stories: Array<DecomposeStoryDto>, };

export type DecomposeStoryDto = { 
/**
 * Its summary: the criterion's text.
 */
text: string, 
/**
 * Its Jira key once it exists.
 */
key: string | null, result: DecomposeResultDto, };

export type DecomposeResultDto = "toCreate" | "created" | "alreadyCreated";

export type PickItem = { id: number, name: string, };

export type OpenRequest = { art: PickItem, release: PickItem, team: PickItem, };

export type StatusOptions = { objective: Array<string>, feature: Array<string>, };

export type PlanView = { plan: PlanDto, findings: Array<FindingDto>, statuses: StatusOptions, 
/**
 * Absolute path of the plan file.
 */
planFile: string, 
/**
 * True when the last edit can be undone.
 */
canUndo: boolean, 
/**
 * What opening the plan could not bring, in plain words (Targetprocess items the plan
 * could not place, Jira unreachable); empty except right after a plan is started.
 */
notices: Array<string>, };

export type NamedDto = { id: number | null, name: string, };

export type PlanDto = { art: NamedDto, release: NamedDto, team: NamedDto, tpUrl: string | null, jiraUrl: string | null, programObjectives: Array<ProgramObjectiveDto>, objectives: Array<ObjectiveDto>, notes: string, };

export type ProgramObjectiveDto = { id: string, name: string, };

export type ObjectiveDto = { 
/**
 * `None` for an objective added in the UI and not saved yet.
 */
id: string | null, name: string, description: string, status: string | null, effort: number | null, owner: string | null, committed: boolean, businessValue: number | null, actualBusinessValue: number | null, 
/**
 * Id of one of the plan's program objectives.
 */
programObjective: string | null, features: Array<FeatureDto>, };

export type FeatureKindDto = "feature" | "epic";

export type FeatureDto = { id: string | null, kind: FeatureKindDto, name: string, description: string, status: string | null, effort: number | null, owner: string | null, acceptanceCriteria: Array<CriterionDto>, jiraKey: string | null, 
/**
 * Explicit browse URL of the Jira issue, if the plan file has one.
 */
jiraUrl: string | null, 
/**
 * Where the Jira issue opens (explicit URL or derived from the plan's Jira site); output only.
 */
jiraBrowseUrl: string | null, 
/**
 * Jira stories under the feature: read-only.
 */
stories: Array<StoryDto>, };

export type CriterionDto = { text: string, done: boolean, };

export type StoryDto = { key: string, url: string | null, summary: string, status: string | null, 
/**
 * Jira's status category key: `new`, `indeterminate` or `done`.
 */
statusCategory: string | null, assignee: string | null, points: number | null, acceptanceCriteria: Array<CriterionDto>, };

export type FindingDto = { severity: Severity, rule: string, 
/**
 * Index of the objective the finding is about (also set for its features).
 */
objective: number | null, 
/**
 * Index of the feature within its objective.
 */
feature: number | null, 
/**
 * The field, as the snake_case name of `pi_model::Field` (e.g. `effort`, `owner`).
 */
field: string | null, message: string, };

export type Severity = "error" | "warning";

export type ProgressDto = { "step": "readingPlan" } | { "step": "fetching" } | { "step": "merging" } | { "step": "sent", sent: number, total: number, } | { "step": "committing" } | { "step": "publishing" };

export type OpDto = { lines: Array<string>, 
/**
 * True when the operation deletes something in Targetprocess.
 */
delete: boolean, };

export type PushOutcomeDto = { "kind": "nothingToPush", resumed: number, } | { "kind": "blocked", conflicts: number, } | { "kind": "preview", ops: Array<OpDto>, } | { "kind": "needsConfirmation", ops: Array<OpDto>, } | { "kind": "remoteChanged", stale: Array<string>, } | { "kind": "pushed", summary: PushSummaryDto, } | { "kind": "blockedByValidation", findings: Array<BlockingFindingDto>, };

export type PushSummaryDto = { 
/**
 * Changes Targetprocess accepted, in planner words.
 */
sent: Array<OpDto>, 
/**
 * Changes Targetprocess refused, with the reasons; they stay in the plan to be fixed and
 * pushed again, or discarded.
 */
refused: Array<RefusedDto>, created: number, 
/**
 * Fields that read back differently from what was sent.
 */
mismatches: Array<string>, resumed: number, };

export type BlockingFindingDto = { rule: string, message: string, 
/**
 * The objective's or feature's id (`tp:12`, `new:…`); `None` for the plan as a whole.
 */
item: string | null, itemName: string | null, 
/**
 * The field, as the snake_case name of `pi_model::Field` (as in `FindingDto`).
 */
field: string | null, 
/**
 * 1-based line of the plan file.
 */
line: number, };

export type ChangeReportDto = { title: string, 
/**
 * What the report starts from, in words.
 */
since: string, sections: Array<ReportSectionDto>, };

export type ReportSectionDto = { heading: string, blocks: Array<ReportBlockDto>, };

export type ReportBlockDto = { "kind": "line", spans: Array<ReportSpanDto>, } | { "kind": "item", level: number, spans: Array<ReportSpanDto>, } | { "kind": "table", header: Array<string>, rows: Array<Array<string>>, };

export type ReportSpanDto = { 
/**
 * `text`, `strong`, `ins` or `del`.
 */
kind: string, text: string, };

export type VerifyDto = { 
/**
 * The plan file, the last pull and Targetprocess agree.
 */
consistent: boolean, 
/**
 * Each difference, in words.
 */
differences: Array<string>, repaired: Array<string>, 
/**
 * What to do next, in words.
 */
advice: Array<string>, };

export type RollbackDto = { "kind": "blocked", conflicts: number, } | { "kind": "nothingToUndo", push: PushRefDto, left: Array<string>, } | { "kind": "preview", push: PushRefDto, ops: Array<OpDto>, left: Array<string>, deletes: boolean, } | { "kind": "undone", push: PushRefDto, sent: Array<OpDto>, refused: Array<string>, left: Array<string>, };

export type PushRefDto = { id: string, who: string, 
/**
 * RFC 3339.
 */
at: string, };

export type PushEntryDto = { push: PushRefDto, 
/**
 * What the push sent, in words (the op log's summary).
 */
summary: string, 
/**
 * The latest push (the one undone when none is picked).
 */
latest: boolean, };

export type SideDto = { 
/**
 * As a planner reads it: `13 points`, `(none)`, `(deleted)`.
 */
text: string, 
/**
 * True when the item does not exist on this side.
 */
missing: boolean, };

export type ConflictDto = { 
/**
 * `objective` or `feature`.
 */
kind: string, 
/**
 * The item's id (`tp:123` or `new:abc`).
 */
entity: string, name: string, 
/**
 * snake_case field name; `None` when one side deleted the item.
 */
field: string | null, 
/**
 * The field's label (`Effort`), or `Item` for an edit/delete conflict.
 */
label: string, base: SideDto, mine: SideDto, theirs: SideDto, 
/**
 * "Keep both" applies (text and list fields).
 */
canKeepBoth: boolean, 
/**
 * "Edit" applies: the value can be typed (text, numbers, effort).
 */
canEdit: boolean, };

export type ChoiceDto = { "kind": "keepMine" } | { "kind": "keepTheirs" } | { "kind": "keepBoth" } | { "kind": "edit", value: string, };

export type ResolveRequest = { entity: string, field: string | null, choice: ChoiceDto, };

export type PullResultDto = { 
/**
 * Changes from Targetprocess now in the plan, in planner words.
 */
fromTp: Array<string>, 
/**
 * Local changes not pushed yet.
 */
local: number, conflicts: Array<ConflictDto>, tpChanged: boolean, 
/**
 * What the pull could not bring, in plain words: Targetprocess items the plan could not
 * place or map, and "Jira unreachable: stories not refreshed".
 */
notices: Array<string>, };

export type SyncStatusDto = { 
/**
 * Changes a push would send now.
 */
localChanges: number, conflicts: number, 
/**
 * Changes of an interrupted push not confirmed by Targetprocess: "Finish the interrupted
 * push" (or the next push) completes them.
 */
unfinishedPush: number, 
/**
 * Changes of the last push that Targetprocess refused and the plan still holds.
 */
refused: Array<RefusedDto>, };

export type RefusedDto = { 
/**
 * The item's id, for "Discard this change" (never shown).
 */
entity: string, 
/**
 * The fields "Discard this change" puts back (snake_case); empty: the whole item.
 */
fields: Array<string>, 
/**
 * `objective` or `feature`.
 */
kind: string, 
/**
 * The item's name.
 */
name: string, 
/**
 * The refused change in planner words, one line per field.
 */
change: Array<string>, 
/**
 * Why Targetprocess (or PI Planner, before sending) refused it.
 */
reason: string, };

export type DiscardRequest = { entity: string, 
/**
 * snake_case field names; empty: the whole item.
 */
fields: Array<string>, };

export type SettingsDto = { connection: ConnectionDto, identity: IdentityDto | null, 
/**
 * A shared git remote new workspaces publish to (`origin`).
 */
remote: string | null, 
/**
 * Seconds between two looks at what changed in Targetprocess; 0 turns them off.
 */
pollSeconds: number, 
/**
 * The folder the plans of this connection are kept in (one folder per team and PI).
 */
plansFolder: string, };

export type SettingsUpdate = { remote: string | null, pollSeconds: number, };

export type SyncEventDto = { 
/**
 * The `[notify.events]` event it is (`pull`, `push`, `conflict`, `failure` or `alert`):
 * whether it becomes an OS notification follows the plan's `desktop` routes.
 */
event: string, 
/**
 * The view to show: `conflicts` or `plan`.
 */
view: string, title: string, body: string, };

export type LinkDto = { plan: string, conflict: string | null, };

export type LiveStateDto = "live" | "offline" | "off";

export type PlanChangeDto = "outside" | "pulled";

export type LiveStatusDto = { state: LiveStateDto, 
/**
 * When Targetprocess last answered a look (RFC 3339).
 */
checkedAt: string | null, 
/**
 * Why the app is offline, in plain words.
 */
reason: string | null, 
/**
 * Seconds between two looks (the setting).
 */
pollSeconds: number, 
/**
 * Counts the changes that reached the plan file while it was open; the window reloads the
 * plan when it moves (or asks first when the planner has unsaved edits).
 */
revision: number, 
/**
 * What the last of those changes was.
 */
lastChange: PlanChangeDto | null, };

export type TrainRequest = { art: PickItem, release: PickItem, };

export type TrainStatusDto = { art: string, release: string, 
/**
 * The folder holding one plan repository per team.
 */
folder: string, teams: Array<TeamRowDto>, };

export type TeamRowDto = { team: PickItem, 
/**
 * False: the team's plan for this PI is not in the train's folder yet ("not started").
 */
started: boolean, 
/**
 * Changes a push would send now.
 */
pendingChanges: number, conflicts: number, lastPull: LastOpDto | null, lastPush: LastOpDto | null, 
/**
 * The approvals of the change a push would send, in words.
 */
approvals: string, validationErrors: number, committedEffort: number, 
/**
 * What is wrong with the plan, in words (an unreadable plan file, an interrupted push).
 */
problem: string | null, needsAttention: boolean, };

export type LastOpDto = { who: string, 
/**
 * RFC 3339.
 */
at: string, };

export type TrainProgressDto = { "stage": "lookingUp" } | { "stage": "settingUp", team: string, } | { "stage": "syncing", team: string, } | { "stage": "done", team: string, ok: boolean, message: string, };

export type TrainSyncDto = { teams: Array<TeamSyncDto>, 
/**
 * E.g. "5 teams synced; 1 has conflicts to settle."
 */
summary: string, };

export type TeamSyncDto = { team: string, 
/**
 * Synced with nothing left to do.
 */
ok: boolean, message: string, 
/**
 * What stops the team's push, when something does; the summary links to it.
 */
blocker: PushBlockerDto | null, };

export type PushBlockerDto = { "kind": "validationErrors", findings: Array<BlockingFindingDto>, } | { "kind": "awaitingApproval", missing: string, } | { "kind": "conflicts", count: number, } | { "kind": "leaseHeld", by: string, until: string, };

export type TrainReportDto = { title: string, 
/**
 * The folder holding the team plans it reads.
 */
folder: string, sections: Array<ReportSectionDto>, };

export type ReportFormatDto = "markdown" | "html";

export type ReportExportDto = { 
/**
 * The file written (in the planner's Downloads folder).
 */
path: string, };

export type KeepDto = "local" | "remote" | "both";

export type TrainResolveRequest = { art: PickItem, release: PickItem, keep: KeepDto, 
/**
 * A field's name as the plan file has it (`effort`, `status`, ...); `None`: every field.
 */
field: string | null, 
/**
 * `objective` or `feature`; `None`: both.
 */
kind: string | null, 
/**
 * A team's name; `None`: every team.
 */
team: string | null, };

export type TrainResolveDto = { applied: boolean, conflicts: Array<BatchConflictDto>, 
/**
 * E.g. "Would settle 3 conflicts in 3 teams."
 */
summary: string, };

export type BatchConflictDto = { team: string, 
/**
 * What is in conflict, in words ("Effort of objective “Checkout”").
 */
what: string, resolved: boolean, error: string | null, };

export type ApprovalsStatusDto = { 
/**
 * The writes the approvals are bound to, as the push preview shows them.
 */
ops: Array<OpDto>, 
/**
 * `sha256:<hex>` of the change set.
 */
hash: string, 
/**
 * "1 of 2 approvals; waiting for a business owner", or "approved (2 of 2 approvals)".
 */
progress: string, 
/**
 * The policy lets this change through now.
 */
met: boolean, 
/**
 * Every approval in the log, oldest first.
 */
approvals: Array<ApprovalDto>, 
/**
 * Approvals the policy asks for.
 */
required: number, 
/**
 * Approvals that count now.
 */
valid: number, 
/**
 * E-mails of the people who changed the plan since the last pull (the authors).
 */
authors: Array<string>, 
/**
 * Why the planner cannot give an approval that counts now (their own change, already
 * approved, not an approver, nothing to approve, no signing key); `None`: they can.
 */
approveBlocked: string | null, 
/**
 * A push may be overridden with a reason (the policy is not met and there is a change).
 */
canOverride: boolean, };

export type ApprovalDto = { name: string, email: string, role: string | null, 
/**
 * RFC 3339.
 */
at: string, comment: string | null, 
/**
 * `valid`, `stale` or `rejected`.
 */
standing: string, 
/**
 * Signed, and the signature verified.
 */
signed: boolean, 
/**
 * `verified`, `unsigned` or `invalid` (signed, but the signature does not verify).
 */
signature: string, 
/**
 * The key of a verified signature ("ED25519 key SHA256:…", "OpenPGP key <fingerprint>").
 */
signer: string | null, 
/**
 * Why a stale or rejected approval does not count, in words.
 */
why: string | null, };

export type AuditEventDto = { 
/**
 * RFC 3339.
 */
at: string, 
/**
 * `approval`, `override`, `push` or `rollback`.
 */
kind: string, 
/**
 * `Name <email>`, or `auto-sync`.
 */
who: string, 
/**
 * The change-set hash an approval or override is bound to.
 */
change: string | null, summary: string, 
/**
 * The approval's comment or the override's reason.
 */
note: string | null, 
/**
 * For a push or rollback: each item created or deleted and each field written, in planner
 * words (`Effort 13 points → 21 points on "Checkout"`, `Created "Audit log export"`).
 */
sent: Array<string>, };

export type TemplatesDto = { objectives: Array<string>, features: Array<string>, };

export type ExportFormat = "csv" | "json";

export type AuditExportDto = { 
/**
 * The file written (in the planner's Downloads folder).
 */
path: string, events: number, };

export type TemplateAddRequest = { template: string, 
/**
 * The objective (`tp:123` or `new:…`) a feature template is added under; `None`: an
 * objective template.
 */
objective: string | null, 
/**
 * A name instead of the template's.
 */
name: string | null, };

export type VersionKindDto = "import" | "save" | "undo" | "teammate" | "pull" | "push" | "merge" | "resolve" | "autoSync";

export type VersionDto = { 
/**
 * The commit id: the value to compare with.
 */
rev: string, shortId: string, 
/**
 * RFC 3339.
 */
at: string, kind: VersionKindDto, 
/**
 * Who: a planner's name, `Targetprocess`, or `auto-sync`.
 */
who: string, 
/**
 * The Targetprocess users whose edits a pull brought in.
 */
editors: Array<string>, 
/**
 * The planner who ran the pull or push, when it was not the author.
 */
by: string | null, 
/**
 * The commit subject.
 */
subject: string, 
/**
 * Names of the baselines that tag this version.
 */
baselines: Array<string>, 
/**
 * What changed in this version, in planner words (the first few).
 */
changes: Array<string>, 
/**
 * How many objectives and features changed in total.
 */
changed: number, };

export type BaselineDto = { name: string, 
/**
 * The tagged commit id.
 */
commit: string, 
/**
 * RFC 3339, unknown for tags made by other tools.
 */
at: string | null, };

export type HistoryDto = { versions: Array<VersionDto>, baselines: Array<BaselineDto>, 
/**
 * True when older versions exist than the ones listed (the list stops at `limit`).
 */
capped: boolean, limit: number, 
/**
 * The plan file on disk differs from the newest version (edits not committed).
 */
uncommitted: boolean, 
/**
 * Pushes that failed or that Targetprocess refused in part, newest first: they changed no
 * version, so they are listed beside the versions.
 */
failedPushes: Array<AuditEventDto>, };

export type SideInfoDto = { 
/**
 * The version as asked for: `working`, `tp`, `baseline:NAME` or a commit id.
 */
rev: string, 
/**
 * In planner words: `your working plan`, `Targetprocess (last pull)`, `baseline NAME`,
 * `the version by Ann Planner` (with `at` to tell versions apart; no commit ids).
 */
label: string, shortId: string | null, at: string | null, who: string | null, };

export type SpanTag = "equal" | "insert" | "delete";

export type WordSpan = { tag: SpanTag, text: string, };

export type FieldChangeDto = { 
/**
 * snake_case field name.
 */
field: string, 
/**
 * The label planners see: `Effort`, `Acceptance Criteria`.
 */
label: string, 
/**
 * Planner words (`13 points`, `(none)`); acceptance criteria one `[x] text` per line.
 */
before: string, after: string, 
/**
 * Word-level difference of descriptions and acceptance criteria (pi-model's spans:
 * `equal` + `delete` spell the old text, `equal` + `insert` the new).
 */
words: Array<WordSpan> | null, };

export type EntityChangeDto = { 
/**
 * `objective` or `feature`.
 */
kind: string, id: string, name: string, 
/**
 * A feature's objective (its name) in the newer version.
 */
objective: string | null, 
/**
 * `added`, `removed` or `changed`.
 */
presence: string, 
/**
 * A feature moved: the names of its old and new objective.
 */
movedFrom: string | null, movedTo: string | null, fields: Array<FieldChangeDto>, };

export type Totals = { before: number, after: number, };

export type ProgramEffortDto = { 
/**
 * `None` for objectives linked to no program objective.
 */
id: string | null, name: string, effort: Totals, };

export type EffortTotalsDto = { team: string, objectives: Totals, committed: Totals, features: Totals, programObjectives: Array<ProgramEffortDto>, };

export type ComparisonDto = { before: SideInfoDto, after: SideInfoDto, entities: Array<EntityChangeDto>, effort: EffortTotalsDto, };

export type SyncChangeDto = { 
/**
 * `objective` or `feature`.
 */
kind: string, id: string, name: string, 
/**
 * `added`, `removed` or `changed`.
 */
presence: string, 
/**
 * The labels of the changed fields (`Effort`, `Description`, `Objective` for a move).
 */
fields: Array<string>, };

export type EffortPointDto = { rev: string, 
/**
 * RFC 3339.
 */
at: string, kind: VersionKindDto, 
/**
 * Effort of the committed objectives.
 */
committed: number, 
/**
 * Effort of all objectives.
 */
total: number, 
/**
 * Baselines that tag this version.
 */
baselines: Array<string>, };

export type EffortSeriesDto = { team: string, points: Array<EffortPointDto>, 
/**
 * True when older versions exist than the ones in the series (it stops at `limit`).
 */
capped: boolean, limit: number, };

export type ConflictLogDto = { 
/**
 * The objective's or feature's id (`tp:123`).
 */
id: string, name: string, 
/**
 * The field's label (`Effort`), or `Item` when it was edited on one side and deleted on the
 * other.
 */
field: string, 
/**
 * The plan's value and Targetprocess's when it was found.
 */
mine: string, theirs: string, 
/**
 * When the pull that found it ran (RFC 3339), who pulled, who edited it in Targetprocess.
 */
foundAt: string, foundBy: string | null, remoteBy: string | null, 
/**
 * When and by whom it was resolved; `None` while it is open.
 */
resolvedAt: string | null, resolvedBy: string | null, 
/**
 * How long it stayed open, in words (`1 h 15 min`); `None` while it is open.
 */
openFor: string | null, };

export type UserDto = { 
/**
 * The name plans show (and owner fields hold).
 */
name: string, login: string | null, };

export type UndoPreviewDto = { 
/**
 * One line per item the save changed, e.g. `"Sign-up": Effort 3 → 5, Owner` or
 * `new feature "Audit log"`.
 */
changes: Array<string>, };

export type LogFolderDto = { path: string, };
