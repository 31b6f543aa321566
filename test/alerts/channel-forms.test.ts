import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { CHANNEL_KINDS, channelForms, channelKindOf } from '../../shared/alerts/registry';

describe("every channel kind's form (GET /api/channel-kinds)", () => {
  it('lists every registered kind once', () => {
    expect(channelForms().map((form) => form.kind)).toEqual(CHANNEL_KINDS);
  });

  it.each(channelForms().map((form) => [form.kind, form] as const))(
    '%s: names only settings its schema takes, requires what the schema requires, offers only values it accepts',
    (kind, form) => {
      const schema = z.toJSONSchema(channelKindOf(kind)!.settingsSchema, { io: 'input', unrepresentable: 'any' }) as {
        properties?: Record<string, unknown>;
        required?: string[];
      };
      const names = form.fields.map((field) => field.name);
      expect(Object.keys(schema.properties ?? {})).toEqual(expect.arrayContaining(names));
      expect(names).toEqual(expect.arrayContaining(schema.required ?? []));
      for (const field of form.fields) {
        expect(field.required, `${kind}.${field.name}`).toBe((schema.required ?? []).includes(field.name));
        for (const value of [...(field.options ?? []).map((option) => option.value), field.default ?? []].flat()) {
          const result = channelKindOf(kind)!.settingsSchema.safeParse(sample(form.fields, field.name, value));
          const problem = result.success
            ? undefined
            : result.error.issues.find((issue) => issue.path[0] === field.name);
          expect(problem, `${kind}.${field.name} = ${value}`).toBeUndefined();
        }
      }
    },
  );
});

/** Settings with every required field filled plausibly and `name` set to `value`. */
function sample(fields: readonly { name: string; type: string; required: boolean }[], name: string, value: string) {
  const filler = (type: string) =>
    type === 'url' ? 'https://hooks.example/x' : type === 'list' ? ['a@example.com'] : 'x';
  return Object.fromEntries([
    ...fields.filter((field) => field.required).map((field) => [field.name, filler(field.type)]),
    [name, value],
  ]);
}
