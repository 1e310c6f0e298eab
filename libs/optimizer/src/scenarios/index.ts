import { generateClinicWeek } from './clinic-week';
import { generateHomeVisitDay } from './home-visits';

import type { Problem } from '../model';

export { generateClinicWeek, type ClinicWeekOptions } from './clinic-week';
export { generateHomeVisitDay, type HomeVisitDayOptions } from './home-visits';
export { generateTinyInstance, type TinyInstanceOptions } from './tiny';
export { SeededRandom } from './random';

export interface NamedScenario {
  readonly name: string;
  readonly kind: 'clinic-week' | 'home-visits';
  readonly appointments: number;
  readonly providers: number;
  build(): Problem;
}

/** The practice scenarios of issue 3, each from a fixed seed. */
export const STANDARD_SCENARIOS: readonly NamedScenario[] = [
  {
    name: 'clinic-week',
    kind: 'clinic-week',
    appointments: 220,
    providers: 12,
    build: () => generateClinicWeek({ seed: 1 }),
  },
  ...(
    [
      [100, 10],
      [500, 40],
      [1000, 60],
      [2000, 100],
      [5000, 200],
    ] as const
  ).map(([appointments, providers]) => ({
    name: `home-${appointments}`,
    kind: 'home-visits' as const,
    appointments,
    providers,
    build: () => generateHomeVisitDay({ appointments, providers, seed: appointments }),
  })),
];
