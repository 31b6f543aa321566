import type { ComponentChildren } from 'preact';

/** `aria-describedby` for a control with an optional hint and error below it. */
export function describedBy(id: string, error?: string, hint?: ComponentChildren): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

/**
 * A labelled control with its hint and the API's message for this field right under it. The
 * control itself is the child, so it keeps its own type and events; give it `id`, `aria-invalid`
 * and `aria-describedby={describedBy(id, error, hint)}`.
 */
export function Field(props: {
  id: string;
  label: ComponentChildren;
  error?: string | undefined;
  hint?: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <div class={`field${props.error ? ' has-error' : ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint ? (
        <div class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </div>
      ) : null}
      {props.error ? (
        <div class="field-error" id={`${props.id}-error`} role="alert">
          {props.error}
        </div>
      ) : null}
    </div>
  );
}
