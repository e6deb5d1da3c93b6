// The LINE phone's buttons (builder preview): which actions the server's renderer draws can be
// played, and the request a tap becomes, shaped like the webhook event LINE would deliver
// (POST /api/services/preview/line `action`, docs/API.md).

/** A LINE action object as src/channels/line/renderer.cpp builds it. */
export interface LineAction { type: string; label?: string; text?: string; displayText?: string; data?: string; mode?: string; min?: string; max?: string }

export type PhoneAction = { type: 'postback'; data: string; date?: string } | { type: 'message'; text: string };

/** Whether the phone can play this action: the ones a dialog answers (the camera, location… cannot be previewed). */
export function playable(a: LineAction | undefined): boolean {
  if (!a) return false;
  if (a.type === 'postback' || a.type === 'datetimepicker') return typeof a.data === 'string' && a.data !== '';
  return a.type === 'message' && typeof a.text === 'string' && a.text !== '';
}

/** The phone's request for a tap on a postback or message action (a datetimepicker needs its date). */
export function phoneAction(a: LineAction, date?: string): PhoneAction | null {
  if (a.type === 'message' && a.text) return { type: 'message', text: a.text };
  if (a.type === 'postback' && a.data) return { type: 'postback', data: a.data };
  if (a.type === 'datetimepicker' && a.data && date) return { type: 'postback', data: a.data, date };
  return null;
}
