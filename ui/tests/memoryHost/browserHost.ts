// The browser host: the client interface served from memory, so the UI runs in a plain browser
// (browser tests) and in component tests without the app. It holds a small demo data set of its
// own and applies a few of the app's validation rules (required names, non-negative effort,
// owner of committed objectives); the app itself validates with the full rule set in Rust.
import {
  ClientError,
  type AppStatus,
  type ConnectRequest,
  type FindingDto,
  type IdentityDto,
  type ObjectiveDto,
  type PickItem,
  type PlanDto,
  type PlanView,
  type PlannerClient,
} from "../../src/ipc/client";
import { browserHistory, comparePlans, syncChanges } from "./browserHistory";
import { checkSave, describeSave } from "./browserEdit";
import { TP_USERS, browserSync, type BrowserSync } from "./browserSync";
import { browserApprovals, type DemoPolicy } from "./browserApprovals";
import { templateNames, withTemplate } from "./browserTemplates";

export interface BrowserHostOptions {
  /** Start already connected, identified and with this plan open. */
  plan?: PlanDto;
  identitySuggestion?: IdentityDto;
  /** Milliseconds every call waits, to see loading states. */
  latencyMs?: number;
  /** The plan's `[approvals]` policy; by default the demo team "Identity" needs 2 approvals. */
  approvals?: DemoPolicy;
  /** The names of the account's Targetprocess users (TP_USERS unless given). */
  users?: string[];
}

const ARTS: PickItem[] = [
  { id: 1, name: "Platform ART" },
  { id: 2, name: "Customer ART" },
];
const RELEASES: Record<number, PickItem[]> = {
  1: [
    { id: 11, name: "PI-1/26" },
    { id: 12, name: "PI-2/26" },
  ],
  2: [{ id: 21, name: "PI-1/26" }],
};
const TEAMS: Record<number, PickItem[]> = {
  1: [
    { id: 101, name: "Platform Eco" },
    { id: 102, name: "Identity" },
  ],
  2: [{ id: 201, name: "Checkout" }],
};
const DEMO_TOKEN = "demo-token";
/** Where the browser host says the plans are kept (as the app's data folder would be). */
const PLANS_FOLDER = "/home/planner/.local/share/dev.piplanner.app/workspaces/demo";
const STATUSES = {
  objective: ["Pending", "Draft", "Accepted", "In Progress", "Done"],
  feature: ["Funnel", "Analyzing", "Backlog", "Implementing", "Done"],
};

/** The demo plan of a team: three objectives with features. */
export function demoPlan(art: PickItem, release: PickItem, team: PickItem): PlanDto {
  const objective = (n: number, name: string, committed: boolean): ObjectiveDto => ({
    id: `tp:${team.id * 100 + n}`,
    name,
    description: `Why ${name.toLowerCase()} matters this PI.`,
    status: "Accepted",
    effort: 8 * n,
    owner: committed ? "Ann Planner" : null,
    committed,
    businessValue: 10 - n,
    actualBusinessValue: null,
    programObjective: "tp:900",
    features: [
      {
        id: `tp:${team.id * 1000 + n}`,
        kind: "feature",
        name: `${name}: first slice`,
        description: "",
        status: "Backlog",
        effort: 5,
        owner: "Bo Builder",
        acceptanceCriteria: [
          { text: "Works for the pilot customers", done: true },
          { text: "Documented in the ops manual", done: false },
        ],
        jiraKey: `DEMO-${n}`,
        jiraUrl: null,
        jiraBrowseUrl: `https://jira.example.com/browse/DEMO-${n}`,
        stories: [],
      },
    ],
  });
  return {
    art: { id: art.id, name: art.name },
    release: { id: release.id, name: release.name },
    team: { id: team.id, name: team.name },
    tpUrl: "https://demo.tpondemand.com",
    jiraUrl: "https://jira.example.com",
    programObjectives: [{ id: "tp:900", name: "Faster onboarding for new customers" }],
    objectives: [
      objective(1, "Self-service sign-up", true),
      objective(2, "Single sign-on for partners", true),
      objective(3, "Usage dashboard", false),
    ],
    notes: "",
  };
}

/** The browser host's subset of the validation rules. */
export function findingsOf(plan: PlanDto): FindingDto[] {
  const out: FindingDto[] = [];
  const push = (f: Omit<FindingDto, "severity"> & { severity?: FindingDto["severity"] }) =>
    out.push({ severity: "error", ...f });
  plan.objectives.forEach((o, oi) => {
    if (!o.name.trim())
      push({ rule: "required-field", objective: oi, feature: null, field: "name", message: "objective has no name" });
    if (o.effort !== null && o.effort < 0)
      push({ rule: "effort-non-negative", objective: oi, feature: null, field: "effort", message: `effort must not be negative, found ${o.effort}` });
    if (o.committed && !o.owner?.trim())
      push({ severity: "warning", rule: "owner-required-on-committed", objective: oi, feature: null, field: "owner", message: `committed objective "${o.name}" has no owner` });
    o.features.forEach((f, fi) => {
      if (!f.name.trim())
        push({ rule: "required-field", objective: oi, feature: fi, field: "name", message: "feature has no name" });
      if (f.effort !== null && f.effort < 0)
        push({ rule: "effort-non-negative", objective: oi, feature: fi, field: "effort", message: `effort must not be negative, found ${f.effort}` });
    });
  });
  return out;
}

function fail(code: ClientError["code"], message: string, hints: string[] = []): never {
  throw new ClientError({ code, message, hints });
}

/** The browser host, with a handle on its Targetprocess copy for tests. */
export type BrowserClient = PlannerClient & {
  sync: BrowserSync;
  /** Files the audit export "saved" (name and content), for tests. */
  downloaded: { name: string; text: string }[];
  /** The account's users: tests add and remove people here. */
  users: string[];
};

export function browserClient(options: BrowserHostOptions = {}): BrowserClient {
  const initial = options.plan;
  let status: AppStatus = initial
    ? {
        connection: { kind: "demo" },
        identity: { name: "Ann Planner", email: "ann@example.com" },
        workspace: {
          art: { id: initial.art.id ?? 0, name: initial.art.name },
          release: { id: initial.release.id ?? 0, name: initial.release.name },
          team: { id: initial.team.id ?? 0, name: initial.team.name },
          planFile: "/workspaces/demo/plan.md",
        },
      }
    : { connection: { kind: "none" }, identity: null, workspace: null };
  let plan: PlanDto | null = initial ? structuredClone(initial) : null;
  let undo: PlanDto[] = [];
  let nextId = 1;
  let settings = { remote: null as string | null, pollMinutes: 15 };
  const users = [...(options.users ?? TP_USERS)];
  const sync = browserSync({
    users: () => users,
    plan: () => (plan ? structuredClone(plan) : null),
    setPlan: (p) => {
      plan = structuredClone(p);
      undo = [];
    },
  });
  if (initial) sync.opened(initial);
  const signoff = browserApprovals();
  const policyFor = (team: { id: number | null }): DemoPolicy =>
    options.approvals ?? (team.id === 102 ? { required: 2, selfApproval: false } : { required: 0, selfApproval: false });
  if (initial) signoff.opened(policyFor(initial.team));
  const pendingOps = () => {
    const p = sync.preview();
    return p.kind === "preview" ? p.ops : [];
  };
  /** The push gate (after the deletion check, as in the app), or the recorded override. */
  const gate = (confirmDeletes: boolean, overrideReason: string | null) => {
    const ops = pendingOps();
    if (ops.length === 0 || (!confirmDeletes && ops.some((o) => o.delete))) return;
    if (overrideReason === null) signoff.gate(ops, status.identity);
    else signoff.override(ops, status.identity, overrideReason);
  };
  const history = browserHistory();
  const me = () => status.identity?.name ?? "you";
  if (initial) history.record("import", initial, "Targetprocess", { by: me() });

  const wait = () => new Promise((r) => setTimeout(r, options.latencyMs ?? 0));
  const connected = () => {
    if (status.connection.kind === "none")
      fail("not_connected", "PI Planner is not connected yet.", ["Try the demo, or connect to your Targetprocess."]);
  };
  const view = (): PlanView => {
    if (!plan || !status.workspace) return fail("no_plan", "No plan is open.");
    return {
      plan: structuredClone(plan),
      findings: findingsOf(plan),
      statuses: STATUSES,
      planFile: status.workspace.planFile,
      canUndo: undo.length > 0,
    };
  };
  const checkConnection = (req: ConnectRequest) => {
    if (!/^https?:\/\/[^\s/]+/.test(req.url.trim()))
      fail("bad_url", "This is not a Targetprocess address.", ["Use the address you open Targetprocess with."]);
    if (req.token.trim() !== DEMO_TOKEN)
      fail("unauthorized", "Targetprocess did not accept the access token (HTTP 401).");
  };
  const withIds = (p: PlanDto): PlanDto => ({
    ...p,
    objectives: p.objectives.map((o) => ({
      ...o,
      id: o.id ?? `new:b${nextId++}`,
      features: o.features.map((f) => ({ ...f, id: f.id ?? `new:b${nextId++}` })),
    })),
  });

  const syncFail = (e: unknown): never =>
    fail("invalid_input", e instanceof Error ? e.message : "The sync failed.", ["Try again."]);
  const guarded = <T>(run: () => T): T => {
    try {
      return run();
    } catch (e) {
      if (e instanceof ClientError) throw e;
      return syncFail(e);
    }
  };

  const downloaded: { name: string; text: string }[] = [];
  const client: BrowserClient = {
    sync,
    downloaded,
    users,
    async appStatus() {
      await wait();
      return structuredClone(status);
    },
    async demoStart() {
      await wait();
      status = { ...status, connection: { kind: "demo" } };
      return structuredClone(status);
    },
    async connectionTest(req) {
      await wait();
      checkConnection(req);
      return { arts: ARTS.length };
    },
    async connectionSave(req) {
      await wait();
      checkConnection(req);
      status = { ...status, connection: { kind: "targetprocess", url: req.url.trim() }, workspace: null };
      return structuredClone(status);
    },
    async identitySuggest() {
      await wait();
      return options.identitySuggestion ?? { name: "", email: "" };
    },
    async identitySave(identity) {
      await wait();
      if (!identity.name.trim() || !identity.email.includes("@"))
        fail("invalid_input", "Enter your name and your e-mail address.");
      status = { ...status, identity: { name: identity.name.trim(), email: identity.email.trim() } };
      return structuredClone(status);
    },
    async artsList() {
      await wait();
      connected();
      return ARTS;
    },
    async releasesList(art) {
      await wait();
      connected();
      return RELEASES[art] ?? [];
    },
    async teamsList(art) {
      await wait();
      connected();
      return TEAMS[art] ?? [];
    },
    async workspaceOpen(req) {
      await wait();
      connected();
      plan = demoPlan(req.art, req.release, req.team);
      sync.opened(plan);
      signoff.opened(policyFor(req.team));
      history.reset();
      history.record("import", plan, "Targetprocess", { by: me() });
      undo = [];
      const file = `${req.release.name}-${req.team.name}`.toLowerCase().replace(/[^a-z0-9]+/g, "-");
      status = { ...status, workspace: { ...req, planFile: `/workspaces/demo/${file}.md` } };
      return view();
    },
    async planGet() {
      await wait();
      return view();
    },
    async planSave(next) {
      await wait();
      if (!plan) return fail("no_plan", "No plan is open.");
      checkSave(plan, next, users);
      const saved = withIds(structuredClone(next));
      if (JSON.stringify(saved) !== JSON.stringify(plan)) {
        undo.push(plan);
        plan = saved;
        if (status.identity) signoff.edited(status.identity.email);
        history.record("save", plan, me());
      }
      return view();
    },
    async planUndoPreview() {
      await wait();
      const previous = undo[undo.length - 1];
      return { changes: previous && plan ? describeSave(previous, plan) : [] };
    },
    async usersList() {
      await wait();
      view();
      return [...users].sort((a, b) => a.localeCompare(b)).map((name) => ({ name, login: null }));
    },
    async planUndo() {
      await wait();
      const previous = undo.pop();
      if (!previous) return fail("nothing_to_undo", "There is no edit to undo.");
      plan = previous;
      history.record("undo", plan, me());
      return view();
    },
    async syncPull(onProgress) {
      await wait();
      view();
      const result = guarded(() => sync.pull(onProgress));
      const editors = sync.takeEditors();
      if (result.tpChanged && plan) history.record("pull", plan, "Targetprocess", { editors, by: me() });
      return result;
    },
    async pushPreview() {
      await wait();
      view();
      return sync.preview();
    },
    async syncPush(confirmDeletes, onProgress) {
      await wait();
      view();
      const tracking = sync.tracking();
      const outcome = signoff.attempt(status.identity, () => {
        gate(confirmDeletes, null);
        return sync.push(confirmDeletes, onProgress);
      });
      if (outcome.kind === "pushed") signoff.pushed(outcome.summary, status.identity);
      if (outcome.kind === "pushed" && plan && tracking)
        history.record("push", plan, "Targetprocess", { by: me(), against: tracking });
      return outcome;
    },
    async syncResume(onProgress) {
      await wait();
      view();
      const tracking = sync.tracking();
      const outcome = sync.resume(onProgress);
      if (outcome.kind === "pushed" && plan && tracking)
        history.record("push", plan, "Targetprocess", { by: me(), against: tracking });
      return outcome;
    },
    async changeDiscard(req) {
      await wait();
      view();
      guarded(() => sync.discard(req.entity, req.fields));
      if (plan) history.record("save", plan, me());
      return view();
    },
    async syncStatus() {
      await wait();
      view();
      return sync.status();
    },
    async conflictsList() {
      await wait();
      return sync.conflicts();
    },
    async conflictResolve(req) {
      await wait();
      const left = guarded(() => sync.resolve(req.entity, req.field, req.choice));
      if (plan) history.record("resolve", plan, me());
      return left;
    },
    async conflictsResolveAll(choice) {
      await wait();
      if (choice.kind !== "keepMine" && choice.kind !== "keepTheirs")
        fail("cannot_resolve", "All conflicts at once can only keep your values or Targetprocess's.");
      const left = guarded(() => sync.resolveAll(choice));
      if (plan) history.record("resolve", plan, me());
      return left;
    },
    async settingsGet() {
      await wait();
      return { connection: status.connection, identity: status.identity, plansFolder: PLANS_FOLDER, ...settings };
    },
    async settingsSave(update) {
      await wait();
      settings = { remote: update.remote?.trim() || null, pollMinutes: update.pollMinutes };
      return { connection: status.connection, identity: status.identity, plansFolder: PLANS_FOLDER, ...settings };
    },
    async logFolderGet() {
      await wait();
      return null;
    },
    async logFolderOpen() {
      await wait();
      return fail("file_access", "PI Planner keeps no log file in this window.");
    },
    async signOut() {
      await wait();
      status = { ...status, connection: { kind: "none" }, workspace: null };
      plan = null;
      return structuredClone(status);
    },
    async historyList() {
      await wait();
      view();
      return { ...history.list(), failedPushes: signoff.failedPushes() };
    },
    async planCompare(before, after) {
      await wait();
      const working = view().plan;
      const tp = sync.tracking() ?? working;
      const a = history.resolve(before, working, tp);
      const b = history.resolve(after, working, tp);
      const missing = !a ? before : !b ? after : null;
      if (!a || !b)
        return fail("invalid_input", `There is no version "${missing}" of this plan.`, [
          "Pick the versions to compare from the History list.",
        ]);
      return { before: a.side, after: b.side, ...comparePlans(a.plan, b.plan) };
    },
    async syncChanges() {
      await wait();
      const working = view().plan;
      return syncChanges(sync.tracking() ?? working, working);
    },
    async effortSeries() {
      await wait();
      return history.series(view().plan.team.name);
    },
    async approvalsStatus() {
      await wait();
      view();
      return signoff.status(pendingOps(), status.identity);
    },
    async approve(comment) {
      await wait();
      view();
      return signoff.approve(pendingOps(), status.identity, comment);
    },
    async syncPushOverride(reason, confirmDeletes, onProgress) {
      await wait();
      view();
      if (!reason.trim()) fail("invalid_input", "An override needs a reason.");
      const outcome = signoff.attempt(status.identity, () => {
        gate(confirmDeletes, reason);
        return sync.push(confirmDeletes, onProgress);
      });
      if (outcome.kind === "pushed") signoff.pushed(outcome.summary, status.identity);
      return outcome;
    },
    async auditTrail() {
      await wait();
      view();
      return signoff.trail();
    },
    async auditExport(format) {
      await wait();
      view();
      const text = signoff.export(format);
      const name = `audit-${Date.now().toString(36)}.${format}`;
      downloaded.push({ name, text });
      return { path: `Downloads/${name}`, events: signoff.trail().length };
    },
    async templatesList() {
      await wait();
      view();
      return templateNames();
    },
    async templateAdd(req) {
      await wait();
      if (!plan) return fail("no_plan", "No plan is open.");
      const next = withTemplate(plan, req, Date.now().toString(36));
      const errors = (p: PlanDto) => findingsOf(p).filter((f) => f.severity === "error").length;
      if (errors(next) > errors(plan))
        fail("template_invalid", "The template was not added: the plan would not pass validation.");
      return client.planSave(next);
    },
    onSyncEvent: (handler) => sync.onSyncEvent(handler),
  };
  return client;
}
