import { departureBucket, planTiles, pointKey } from './travel-matrix-batching';

describe(planTiles.name, () => {
  function allPairs(keys: string[]): string[] {
    return keys.flatMap((from) => keys.filter((to) => to !== from).map((to) => `${from}>${to}`));
  }

  it('should cover every missing pair within 25 origins, 25 destinations and 100 elements', () => {
    const keys = Array.from({ length: 37 }, (_, i) => `p${String(i).padStart(2, '0')}`);
    const missing = allPairs(keys);

    const sut = planTiles(missing, 4, 25);

    for (const tile of sut) {
      expect(tile.origins.length).toBeLessThanOrEqual(25);
      expect(tile.destinations.length).toBeLessThanOrEqual(25);
      expect(tile.origins.length * tile.destinations.length).toBeLessThanOrEqual(100);
    }
    const covered = new Set(
      sut.flatMap((tile) => tile.origins.flatMap((o) => tile.destinations.map((d) => `${o}>${d}`))),
    );
    expect(missing.every((pair) => covered.has(pair))).toBe(true);
  });

  it('should keep each group of points together so requests bill little beyond the wanted pairs', () => {
    // Three days of 12 points each, every point wanted with the others of its day only.
    const days = [0, 1, 2].map((day) =>
      Array.from({ length: 12 }, (_, i) => `d${day}-p${String(i).padStart(2, '0')}`),
    );
    const missing = days.flatMap(allPairs);
    // Keys of different days interleave in sort order, as coordinates do.
    const shuffled = missing.map((pair) => pair.replace(/d(\d)-p(\d+)/g, 'p$2-d$1'));

    const sut = planTiles(shuffled, 4, 25);

    const billed = sut.reduce(
      (sum, tile) => sum + tile.origins.length * tile.destinations.length,
      0,
    );
    // Wanted: 3 × 12 × 11 = 396; a same-day rectangle adds only the 36 self-pairs.
    expect(billed).toBe(396 + 36);
  });

  it('should ask for nothing when nothing is missing', () => {
    expect(planTiles([], 4, 25)).toEqual([]);
  });
});

describe(pointKey.name, () => {
  it('should round coordinates to 4 decimals so nearby geocodes share cache entries', () => {
    expect(pointKey({ lat: 40.712812, lon: -74.006019 })).toBe('40.7128,-74.0060');
    expect(pointKey({ lat: 40.712834, lon: -74.006041 })).toBe(
      pointKey({ lat: 40.712812, lon: -74.006019 }),
    );
  });
});

describe(departureBucket.name, () => {
  it('should bucket by UTC weekday and hour', () => {
    expect(departureBucket(new Date('2026-12-08T13:59:00Z'))).toBe('tue-13');
  });
});
