// A fake of the app for component tests: data only, no rules. Each command answers what the
// test set for it (a value, a function of the command's arguments, or an error), and every call
// is recorded, so a test states what the app answers and checks what the UI asked.
import {
  ClientError,
  commandClient,
  type FindingDto,
  type PlanDto,
  type PlanView,
  type PlannerClient,
  type ProgressDto,
  type SyncEventDto,
  type UiError,
} from "../src/ipc";

type Args = Record<string, unknown>;
/**
 * A command's answer: data, or a function of the command's arguments (and, for a pull or push,
 * the UI's progress listener) giving it, or a promise of it.
 */
type Answer = ((args: Args, onProgress: (p: ProgressDto) => void) => unknown) | object | string | number | boolean | null;

export interface FakeApp {
  client: PlannerClient;
  /** The commands the UI ran, in order, with their arguments. */
  calls: { command: string; args: Args }[];
  /** Sets what `command` answers from now on. */
  answer(command: string, answer: Answer): FakeApp;
  /** Makes `command` fail with the app's error `error`. */
  fail(command: string, error: UiError): FakeApp;
  /** Sends a sync event as the app would after a background pull. */
  announce(event: SyncEventDto): void;
  /** Tells the UI a later start handed the app a link, as the app would. */
  handLink(): void;
}

export function fakeApp(answers: Record<string, Answer> = {}): FakeApp {
  const table = new Map<string, Answer>(Object.entries(answers));
  const errors = new Map<string, UiError>();
  const handlers = new Set<(e: SyncEventDto) => void>();
  const linkHandlers = new Set<() => void>();
  const calls: FakeApp["calls"] = [];
  const call = async <T,>(command: string, args: Args = {}, onProgress?: (p: ProgressDto) => void): Promise<T> => {
    calls.push({ command, args });
    await Promise.resolve();
    const error = errors.get(command);
    if (error) throw new ClientError(error);
    if (!table.has(command)) throw new Error(`the test set no answer for ${command}`);
    const answer = table.get(command);
    return (typeof answer === "function" ? await answer(args, onProgress ?? (() => {})) : structuredClone(answer)) as T;
  };
  const fake: FakeApp = {
    client: commandClient(
      call,
      (handler) => {
        handlers.add(handler);
        return () => void handlers.delete(handler);
      },
      (handler) => {
        linkHandlers.add(handler);
        return () => void linkHandlers.delete(handler);
      },
    ),
    calls,
    answer(command, answer) {
      errors.delete(command);
      table.set(command, answer);
      return fake;
    },
    fail(command, error) {
      errors.set(command, error);
      return fake;
    },
    announce: (event) => handlers.forEach((h) => h(event)),
    handLink: () => linkHandlers.forEach((h) => h()),
  };
  return fake;
}

/**
 * The app with `plan` open for Ann Planner: the plan as the app holds it is the last one the UI
 * saved (`saved()`); its findings are `findings(plan)` (none unless given). Nothing to sync.
 */
export function openPlanApp(plan: PlanDto, findings: (plan: PlanDto) => FindingDto[] = () => []): FakeApp & {
  saved: () => PlanDto;
} {
  let held = structuredClone(plan);
  const planFile = "/plans/plan.md";
  const view = (canUndo: boolean): PlanView => ({
    plan: structuredClone(held),
    findings: findings(held),
    statuses: { objective: ["Pending", "Accepted", "Done"], feature: ["Funnel", "Backlog", "Done"] },
    planFile,
    canUndo,
    notices: [],
  });
  const ref = (e: { id: number | null; name: string }) => ({ id: e.id ?? 0, name: e.name });
  const app = fakeApp({
    app_status: {
      connection: { kind: "demo" },
      identity: { name: "Ann Planner", email: "ann@example.com" },
      workspace: { art: ref(plan.art), release: ref(plan.release), team: ref(plan.team), planFile },
    },
    plan_get: () => view(false),
    plan_save: ({ plan: next }) => {
      held = structuredClone(next as PlanDto);
      return view(true);
    },
    plan_undo_preview: { changes: [] },
    users_list: [{ name: "Ann Planner", login: null }, { name: "Bo Builder", login: null }],
    sync_status: { localChanges: 0, conflicts: 0, unfinishedPush: 0, refused: [] },
    live_status: { state: "live", checkedAt: null, reason: null, pollSeconds: 30, revision: 0, lastChange: null },
    sync_changes: [],
    templates_list: { objectives: [], features: [] },
    settings_get: { connection: { kind: "demo" }, identity: null, plansFolder: "/plans", remote: null, pollSeconds: 30 },
    jira_status: { url: null, demo: true },
    review_status: { kind: "notConfigured" },
  });
  return Object.assign(app, { saved: () => structuredClone(held) });
}
