// Labelled inputs of the editor that show validation findings next to themselves.
import { NativeSelect, NumberInput, Text, TextInput } from "@mantine/core";

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
  required?: boolean;
  placeholder?: string;
}) {
  const f = props.findings ?? {};
  return (
    <TextInput
      label={props.label}
      value={props.value ?? ""}
      placeholder={props.placeholder}
      onChange={(e) => props.onChange(e.currentTarget.value === "" ? null : e.currentTarget.value)}
      error={f.error}
      description={warningNote(f)}
      inputWrapperOrder={["label", "input", "description", "error"]}
      withAsterisk={props.required}
    />
  );
}

export function NumberField(props: {
  label: string;
  value: number | null;
  onChange: (v: number | null) => void;
  findings?: FieldFindings;
  suffix?: string;
  allowDecimal?: boolean;
}) {
  const f = props.findings ?? {};
  return (
    <NumberInput
      label={props.label}
      value={props.value ?? ""}
      onChange={(v) => props.onChange(typeof v === "number" ? v : null)}
      allowDecimal={props.allowDecimal ?? true}
      suffix={props.suffix}
      error={f.error}
      description={warningNote(f)}
      inputWrapperOrder={["label", "input", "description", "error"]}
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
