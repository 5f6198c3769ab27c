// A Map that forgets its oldest entry once it holds `max` entries, so a
// process-local cache keyed by peers' URLs cannot grow without bound.
export function sizeBounded<K, V>(max: number): Map<K, V> {
  const map = new Map<K, V>();
  const set = map.set.bind(map);
  map.set = (key: K, value: V) => {
    map.delete(key);
    if (map.size >= max) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
    return set(key, value);
  };
  return map;
}
