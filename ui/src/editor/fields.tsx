// Labelled inputs of the editor that show validation findings next to themselves. `problem` is
// what the form refuses to save (shown as the field's error until it is fixed); findings come
// from the app's validation of the last save.
import { Autocomplete, NativeSelect, Text, TextInput } from "@mantine/core";
import { useState } from "react";

import type { FieldFindings } from "./findings";

function warningNote(f: FieldFindings) {
  return f.warning ? (
    <Text span size="xs" c="orange.8" role="note">
      {f.warning}
    </Text>
  ) : undefined;
}

export function TextField(props: {
  label: string;
  value: string | null;
  onChange: (v: string | null) => void;
  findings?: FieldFindings;
  problem?: string | null;
  required?: boolean;
  placeholder?: string;
  id?: string;
}) {
  const f = props.findings ?? {};
  return (
    <TextInput
      id={props.id}
      label={props.label}
      value={props.value ?? ""}
      placeholder={props.placeholder}
      onChange={(e) => props.onChange(e.currentTarget.value === "" ? null : e.currentTarget.value)}
      error={props.problem || f.error}
      description={warningNote(f)}
      inputWrapperOrder={["label", "input", "description", "error"]}
      withAsterisk={props.required}
    />
  );
}

/** The number a planner typed (`5`, `2.5`, `2,5`), `null` for an empty field, or why not. */
export function parseNumber(text: string, whole: boolean): { value: number | null } | { problem: string } {
  const t = text.trim().replace(",", ".");
  if (t === "") return { value: null };
  if (!/^-?\d+(\.\d+)?$/.test(t) || (whole && t.includes(".")))
    return { problem: whole ? "Enter a whole number, like 8" : "Enter a number of points, like 5 or 2.5" };
  const value = Number(t);
  if (value < 0) return { problem: "Enter 0 or more" };
  return { value };
}

/**
 * A number typed as text: what the planner typed stays in the field, and text that is not a
 * number is reported through `onProblem` (the form then refuses to save) instead of becoming
 * "no value".
 */
export function NumberField(props: {
  label: string;
  value: number | null;
  onChange: (v: number | null) => void;
  onProblem: (problem: string | null) => void;
  findings?: FieldFindings;
  problem?: string | null;
  suffix?: string;
  allowDecimal?: boolean;
  /** A line under the field (e.g. the stories' points next to a feature's effort). */
  description?: string;
}) {
  const f = props.findings ?? {};
  const [text, setText] = useState(props.value === null ? "" : String(props.value));
  return (
    <TextInput
      label={props.label}
      value={text}
      inputMode={props.allowDecimal === false ? "numeric" : "decimal"}
      onChange={(e) => {
        const next = e.currentTarget.value;
        setText(next);
        const parsed = parseNumber(next, props.allowDecimal === false);
        if ("problem" in parsed) props.onProblem(parsed.problem);
        else {
          props.onProblem(null);
          props.onChange(parsed.value);
        }
      }}
      rightSection={
        props.suffix ? (
          <Text size="xs" c="dimmed" aria-hidden>
            {props.suffix.trim()}
          </Text>
        ) : undefined
      }
      error={props.problem || f.error}
      description={warningNote(f) ?? props.description}
      inputWrapperOrder={["label", "input", "description", "error"]}
    />
  );
}

/** The owner: a type-ahead of the account's Targetprocess users. */
export function OwnerField(props: {
  label: string;
  value: string | null;
  users: string[];
  onChange: (v: string | null) => void;
  findings?: FieldFindings;
  problem?: string | null;
}) {
  const f = props.findings ?? {};
  return (
    <Autocomplete
      label={props.label}
      value={props.value ?? ""}
      data={props.users}
      limit={8}
      placeholder="Type a name"
      onChange={(v) => props.onChange(v === "" ? null : v)}
      error={props.problem || f.error}
      description={warningNote(f)}
      inputWrapperOrder={["label", "input", "description", "error"]}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

export function ChoiceField(props: {
  label: string;
  value: string | null;
  options: { value: string; label: string }[];
  onChange: (v: string | null) => void;
  findings?: FieldFindings;
}) {
  const f = props.findings ?? {};
  const known = props.options.some((o) => o.value === props.value);
  const data = [
    { value: "", label: "—" },
    ...(props.value && !known ? [{ value: props.value, label: props.value }] : []),
    ...props.options,
  ];
  return (
    <NativeSelect
      label={props.label}
      value={props.value ?? ""}
      onChange={(e) => props.onChange(e.currentTarget.value === "" ? null : e.currentTarget.value)}
      data={data}
      error={f.error}
      description={warningNote(f)}
      inputWrapperOrder={["label", "input", "description", "error"]}
    />
  );
}
