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

/**
 * Texts of values written lately, a bound for a fleet whose values keep changing. A reading is a conversion of a
 * sensor's raw code (an ADC count, a register value), so a fleet's values repeat: in the edge bench over 99 % of
 * them had been written before, and a lookup costs a fraction of formatting a double's shortest digits. +0 and -0
 * share a key and a text, as JSON writes both "0".
 */
const VALUES_REMEMBERED = 32_768;
const valueTexts = new Map<number, string>();

function valueText(value: number): string {
  let text = valueTexts.get(value);
  if (text === undefined) {
    if (valueTexts.size >= VALUES_REMEMBERED) valueTexts.clear();
    text = String(value);
    valueTexts.set(value, text);
  }
  return text;
}

export function dataPayloadJson(payload: DataMessage): string {
  const { time, uptimeMs, session, seq, timeSource, values } = payload;
  let json = `{"time":${JSON.stringify(time)},"uptimeMs":${uptimeMs},"session":${session},"seq":${seq}`;
  if (timeSource !== undefined) json += `,"timeSource":"${timeSource}"`;
  json += ',"values":{';
  let separator = '';
  for (const name in values) {
    json += `${separator}${quotedName(name)}${valueText(values[name]!)}`;
    separator = ',';
  }
  return `${json}}}`;
}
