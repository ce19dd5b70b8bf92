// A fake of the app for component tests: data only, no rules. Each command answers what the
// test set for it (a value, a function of the command's arguments, or an error), and every call
// is recorded, so a test states what the app answers and checks what the UI asked.
import { ClientError, commandClient, type PlannerClient, type SyncEventDto, type UiError } from "../src/ipc";

type Args = Record<string, unknown>;
/** A command's answer: data, or a function of the command's arguments giving it. */
type Answer = ((args: Args) => unknown) | object | string | number | boolean | null;

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
}

export function fakeApp(answers: Record<string, Answer> = {}): FakeApp {
  const table = new Map<string, Answer>(Object.entries(answers));
  const errors = new Map<string, UiError>();
  const handlers = new Set<(e: SyncEventDto) => void>();
  const calls: FakeApp["calls"] = [];
  const call = async <T,>(command: string, args: Args = {}): Promise<T> => {
    calls.push({ command, args });
    await Promise.resolve();
    const error = errors.get(command);
    if (error) throw new ClientError(error);
    if (!table.has(command)) throw new Error(`the test set no answer for ${command}`);
    const answer = table.get(command);
    return (typeof answer === "function" ? answer(args) : structuredClone(answer)) as T;
  };
  const fake: FakeApp = {
    client: commandClient(call, (handler) => {
      handlers.add(handler);
      return () => void handlers.delete(handler);
    }),
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
  };
  return fake;
}
