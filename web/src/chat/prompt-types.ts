// Generated from prompt.schema.json (`madoguchi schema prompt`) by schema-types.ts.
// Do not edit: after the schema changes run `npx vitest run -u src/chat/prompt-types.test.ts`.

/** A button. label is cut for LINE buttons; full_label (when present) is the whole wording. */
export interface Choice {
  /** Fee in yen added when chosen. */
  fee?: number;
  full_label?: string;
  /** At most 20 characters. */
  label: string;
  value: string;
}

/** A tapped choice. */
export interface ChoiceInput {
  type: 'choice';
  value: string;
}

/** multi_choice: every ticked value. */
export interface ChoicesInput {
  type: 'choices';
  values: string[];
}

export type Command = 'back' | 'restart' | 'quit' | 'help' | 'edit';

/** A command; edit names the step to change. */
export interface CommandInput {
  command: Command;
  step_id?: string;
  type: 'command';
}

/** The application was received. */
export interface CompletionPrompt {
  receipt_number: string;
  text: string;
  type: 'completion';
}

/** A picked date. */
export interface DateInput {
  /** ISO. */
  date: string;
  type: 'date';
}

/** An answer was not accepted; the question follows again. */
export interface ErrorPrompt {
  step_id?: string;
  text: string;
  type: 'error';
}

/** One resident action. */
export type Input = TextInput | ChoiceInput | ChoicesInput | DateInput | LocationInput | PhotoInput | CommandInput;

/** A position. */
export interface LocationInput {
  address?: string;
  lat: number;
  lng: number;
  type: 'location';
}

/** Something said; nothing to answer. */
export interface MessagePrompt {
  text: string;
  type: 'message';
}

/** Which page of a long choice list is shown (0-based). */
export interface Page {
  count: number;
  index: number;
}

/** An uploaded photo. */
export interface PhotoInput {
  attachment_id: number;
  type: 'photo';
}

/** consent: the service's privacy notice (個人情報の取扱い) to show before agreeing. */
export interface PrivacyNotice {
  /** The resident said 同意しない. */
  declined: boolean;
  text: string;
  /** Optional page with the full policy (http/https). */
  url?: string;
  /** Optional label the town gave this notice. */
  version?: string;
}

/** One item of a turn's output, for any channel. */
export type Prompt = MessagePrompt | QuestionPrompt | SummaryPrompt | CompletionPrompt | ErrorPrompt;

/** The widget a question needs. */
export type QuestionInput = 'text' | 'choice' | 'multi_choice' | 'date' | 'location' | 'photo' | 'rating' | 'confirm' | 'consent';

/** A question the resident answers. */
export interface QuestionPrompt {
  choices?: Choice[];
  format?: TextFormat;
  hint?: string;
  input: QuestionInput;
  /** number format: largest value. */
  max?: number;
  /** date: latest allowed, ISO. */
  max_date?: string;
  /** text: most characters. */
  max_length?: number;
  /** number format: smallest value. */
  min?: number;
  /** date: earliest allowed, ISO. */
  min_date?: string;
  /** text: fewest characters. */
  min_length?: number;
  notice?: PrivacyNotice;
  page?: Page;
  /** multi_choice: what is ticked now, from any page. */
  selected?: Choice[];
  step_id: string;
  text: string;
  type: 'question';
}

/** One answer on the summary. */
export interface SummaryItem {
  display: string;
  editable: boolean;
  label: string;
  step_id: string;
}

/** The answers to confirm before applying. */
export interface SummaryPrompt {
  items: SummaryItem[];
  text: string;
  /** Fee in yen of the answers given. */
  total_fee?: number;
  type: 'summary';
}

/** What a typed answer must look like (an address step: postal_code, then address_town to choose among a code's towns, then address for the rest); absent for free text. */
export type TextFormat = 'kana' | 'email' | 'phone' | 'postal_code' | 'number' | 'address_town' | 'address';

/** Typed text. */
export interface TextInput {
  text: string;
  type: 'text';
}
