/**
 * MQTT 3.1.1 §4.7 topic filters, as the broker's access rules use them: does a filter match a topic name, and what
 * a shared subscription (`$share/<group>/<filter>`) filters.
 */

const LEVEL_SEPARATOR = '/';
const SINGLE_LEVEL = '+';
const MULTI_LEVEL = '#';
const SHARED_PREFIX = '$share/';

/** §4.7.1: does `filter` match the topic name `topic`? §4.7.2: wildcards at the first level skip `$` topics. */
export function filterMatchesTopic(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && /^[+#]/.test(filter)) return false;
  return levelsMatch(filter.split(LEVEL_SEPARATOR), topic.split(LEVEL_SEPARATOR));
}

function levelsMatch(filterLevels: readonly string[], levels: readonly string[]): boolean {
  for (let index = 0; index < filterLevels.length; index++) {
    const filterLevel = filterLevels[index];
    if (filterLevel === MULTI_LEVEL) return true;
    const level = levels[index];
    if (level === undefined) return false;
    if (filterLevel !== SINGLE_LEVEL && filterLevel !== level) return false;
  }
  // `a/#` also matches `a` (§4.7.1.2) and is handled above; otherwise every level must be consumed.
  return filterLevels.length === levels.length;
}

/** MQTT 5 §4.8.2: `$share/<group>/<filter>`; null for an ordinary subscription. */
export function sharedSubscription(subscription: string): { group: string; filter: string } | null {
  if (!subscription.startsWith(SHARED_PREFIX)) return null;
  const rest = subscription.slice(SHARED_PREFIX.length);
  const separator = rest.indexOf(LEVEL_SEPARATOR);
  if (separator <= 0) return null;
  return { group: rest.slice(0, separator), filter: rest.slice(separator + 1) };
}
