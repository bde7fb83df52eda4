/**
 * Entries keyed by client data (offer ids, model versions) in plain objects that are stored as they
 * are: own data properties only, whatever the key ("__proto__", "constructor" too).
 */

/** Sets `key` of `map` as an own data property (an assignment to "__proto__" would set the prototype). */
export function setOwn<T>(map: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The entry `key` of `map`, made by `make` and added as an own data property on first use. */
export function ownEntry<T>(map: Record<string, T>, key: string, make: () => T): T {
  let v = Object.hasOwn(map, key) ? map[key] : undefined;
  if (v === undefined) setOwn(map, key, (v = make()));
  return v;
}

/**
 * ownEntry with a Map beside each object, for the books that look up a shown offer's counters on
 * every Decide: a Map lookup is several times cheaper than an own-property test and a keyed read of
 * a dictionary object of 100 offers. The objects themselves stay plain (they are what is stored).
 * The Map is a cache: an entry added to the object some other way is found there and then kept.
 */
export class OwnEntryIndex<T> {
  private readonly byMap = new WeakMap<object, Map<string, T>>();
  /** The object looked up last and its Map: one Decide looks up several offers of one record. */
  private lastMap: object | null = null;
  private lastIndex: Map<string, T> | null = null;

  constructor(private readonly make: () => T) {}

  get(map: Record<string, T>, key: string): T {
    let idx = this.lastMap === map ? this.lastIndex! : this.byMap.get(map);
    if (idx === undefined) this.byMap.set(map, (idx = new Map()));
    this.lastMap = map;
    this.lastIndex = idx;
    let v = idx.get(key);
    if (v === undefined) idx.set(key, (v = ownEntry(map, key, this.make)));
    return v;
  }
}
