import { describe, expect, it } from 'vitest';
import schemaText from './prompt.schema.json?raw';
import { schemaToTypeScript, type JsonSchema } from './schema-types';
import type { Prompt, QuestionPrompt } from './prompt-types';

// prompt.schema.json is what `madoguchi schema prompt` prints (tests/integration/prompt-schema
// checks that, and validates real prompts against it). The client's Prompt/Input types are
// generated from it: a field the server adds without regenerating fails here.
const schema = JSON.parse(schemaText) as JsonSchema;

describe('prompt contract', () => {
  it('prompt-types.ts is generated from the server schema', async () => {
    await expect(schemaToTypeScript(schema)).toMatchFileSnapshot('./prompt-types.ts');
  });
  it('declares every field the server sends for a text question', () => {
    const fields = Object.keys(schema.$defs?.QuestionPrompt.properties ?? {});
    expect(fields).toEqual(expect.arrayContaining(['format', 'max_length', 'min_length', 'min', 'max']));
    const q: QuestionPrompt = { type: 'question', step_id: 'tel', input: 'text', text: '電話番号', format: 'phone', max_length: 20 };
    const p: Prompt = q;
    expect(p.type).toBe('question');
  });
  it('rejects schemas it cannot translate faithfully', () => {
    expect(() => schemaToTypeScript({ $defs: { Open: { type: 'object', properties: {} } } })).toThrow(/closed/);
    expect(() => schemaToTypeScript({ $defs: { Bad: { $ref: 'http://elsewhere' } } })).toThrow(/\$ref/);
    expect(schemaToTypeScript({ $defs: { E: { type: 'string', enum: ["it's"] }, L: { type: 'array', items: { enum: ['a', 'b'] } } } }))
      .toContain("export type E = 'it\\'s';\n\nexport type L = ('a' | 'b')[];");
  });
});
