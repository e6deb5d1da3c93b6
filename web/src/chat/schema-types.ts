// Writes TypeScript declarations for the JSON Schema the server prints with
// `madoguchi schema prompt` (checked in as prompt.schema.json). Only the schema features that
// schema uses: $defs, $ref, closed objects, oneOf, enum, const, arrays and scalars.

export interface JsonSchema {
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  type?: string;
  description?: string;
  enum?: string[];
  const?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
}

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function doc(description: string | undefined, indent: string): string {
  return description ? `${indent}/** ${description.replace(/\*\//g, '* /')} */\n` : '';
}

function typeOf(s: JsonSchema, indent: string): string {
  if (s.$ref) {
    const m = /^#\/\$defs\/(\w+)$/.exec(s.$ref);
    if (!m) throw new Error(`unsupported $ref ${s.$ref}`);
    return m[1];
  }
  if (s.const !== undefined) return quote(s.const);
  if (s.enum) return s.enum.map(quote).join(' | ');
  if (s.oneOf) return s.oneOf.map((o) => typeOf(o, indent)).join(' | ');
  switch (s.type) {
    case 'string': return 'string';
    case 'integer': case 'number': return 'number';
    case 'boolean': return 'boolean';
    case 'array': {
      const item = typeOf(s.items ?? {}, indent);
      return /[ |]/.test(item) ? `(${item})[]` : `${item}[]`;
    }
    case 'object': return objectBody(s, indent);
    default: throw new Error(`unsupported schema ${JSON.stringify(s)}`);
  }
}

function objectBody(s: JsonSchema, indent: string): string {
  if (s.additionalProperties !== false) throw new Error('objects must be closed (additionalProperties: false)');
  const required = new Set(s.required ?? []);
  const inner = `${indent}  `;
  const lines = Object.entries(s.properties ?? {}).map(([key, p]) =>
    `${doc(p.description, inner)}${inner}${key}${required.has(key) ? '' : '?'}: ${typeOf(p, inner)};\n`);
  return `{\n${lines.join('')}${indent}}`;
}

/** The declarations, one exported type per $defs entry, in the schema's order. */
export function schemaToTypeScript(schema: JsonSchema): string {
  let out = '// Generated from prompt.schema.json (`madoguchi schema prompt`) by schema-types.ts.\n'
    + '// Do not edit: after the schema changes run `npx vitest run -u src/chat/prompt-types.test.ts`.\n';
  for (const [name, def] of Object.entries(schema.$defs ?? {})) {
    out += `\n${doc(def.description, '')}`;
    out += def.type === 'object'
      ? `export interface ${name} ${objectBody(def, '')}\n`
      : `export type ${name} = ${typeOf(def, '')};\n`;
  }
  return out;
}
