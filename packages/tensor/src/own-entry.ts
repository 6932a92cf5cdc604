/**
 * Names a user gives (a preset, a task, a pooling, a kernel) are looked up in plain objects
 * across the packages. `table[name]` also finds what every object inherits (`toString`,
 * `constructor`, `__proto__`), so an unknown name would resolve to a function instead of
 * failing: these helpers see only a table's own entries.
 */

/** Whether `name` is one of `table`'s own keys (a string, never an inherited property). */
export function hasOwnEntry<T extends object>(table: T, name: unknown): name is keyof T & string {
  return typeof name === 'string' && Object.hasOwn(table, name);
}

/** `table[name]` when `name` is one of its own keys, otherwise undefined. */
export function ownEntry<V>(table: Readonly<Record<string, V>>, name: unknown): V | undefined {
  return hasOwnEntry(table, name) ? table[name] : undefined;
}

/** Names every lookup table must refuse: properties every object inherits, and the one that sets a prototype. */
export const INHERITED_NAMES: readonly string[] = ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];
