/**
 * The JSON of a DATA payload (docs/mqtt.md §4.1), the same text JSON.stringify makes of it in half the time: the
 * edge encodes one per DATA frame, and JSON.stringify was a tenth of its event loop in the edge bench. A metric
 * name's quoted form is made once and kept, and a value is written as JSON writes a number (ECMA-262
 * Number::toString, which String() uses too; values are finite, docs/link-protocol.md §4.3).
 */
import type { DataMessage } from './messages.ts';

/** Every field of a DATA payload, in the order the registry builds it (the order JSON.stringify writes). */
const FIELDS = ['time', 'uptimeMs', 'session', 'seq', 'timeSource', 'values'] as const satisfies readonly (keyof DataMessage)[];
/** Fails to compile when DataMessage gains a field the encoder does not write. */
type Unwritten = Exclude<keyof DataMessage, (typeof FIELDS)[number]>;
const everyFieldWritten: Unwritten extends never ? true : never = true;
void everyFieldWritten;

/** Quoted names kept at most: the names of a fleet's apps, a few hundred; a bound for names that keep changing. */
const NAMES_REMEMBERED = 4096;
const quotedNames = new Map<string, string>();

function quotedName(name: string): string {
  let quoted = quotedNames.get(name);
  if (quoted === undefined) {
    if (quotedNames.size >= NAMES_REMEMBERED) quotedNames.clear();
    quoted = `${JSON.stringify(name)}:`;
    quotedNames.set(name, quoted);
  }
  return quoted;
}

export function dataPayloadJson(payload: DataMessage): string {
  const { time, uptimeMs, session, seq, timeSource, values } = payload;
  let json = `{"time":${JSON.stringify(time)},"uptimeMs":${uptimeMs},"session":${session},"seq":${seq}`;
  if (timeSource !== undefined) json += `,"timeSource":"${timeSource}"`;
  json += ',"values":{';
  let separator = '';
  for (const name in values) {
    json += `${separator}${quotedName(name)}${values[name]}`;
    separator = ',';
  }
  return `${json}}}`;
}
