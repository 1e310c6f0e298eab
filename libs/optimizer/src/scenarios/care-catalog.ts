import type { SeededRandom } from './random';

/**
 * The credential ladder and visit catalogue the generated practices share.
 *
 * Credentials are held cumulatively (an MD also holds NP, RN and LPN) because an
 * appointment requires ALL of its credentials: a nursing visit asks for `RN`,
 * and a physician can take it. Phlebotomy and wound care are add-on skills.
 */

export type Role = 'MD' | 'NP' | 'RN' | 'LPN';

const LADDER: Readonly<Record<Role, readonly string[]>> = {
  MD: ['MD', 'NP', 'RN', 'LPN'],
  NP: ['NP', 'RN', 'LPN'],
  RN: ['RN', 'LPN'],
  LPN: ['LPN'],
};

export function credentialsFor(role: Role, random: SeededRandom): string[] {
  const credentials = [...LADDER[role]];
  const phlebotomy = role === 'LPN' ? 0.6 : role === 'RN' ? 0.5 : 0.2;
  const woundCare = role === 'RN' ? 0.45 : role === 'NP' ? 0.4 : role === 'MD' ? 0.2 : 0;
  if (random.chance(phlebotomy)) credentials.push('phlebotomy');
  if (random.chance(woundCare)) credentials.push('wound-care');
  return credentials;
}

export interface VisitType {
  readonly name: string;
  readonly requiredCredentials: readonly string[];
  readonly durationsMinutes: readonly number[];
  readonly weight: number;
}

export const CLINIC_VISIT_TYPES: readonly VisitType[] = [
  {
    name: 'physician-visit',
    requiredCredentials: ['MD'],
    durationsMinutes: [20, 30, 40],
    weight: 18,
  },
  { name: 'np-follow-up', requiredCredentials: ['NP'], durationsMinutes: [20, 30], weight: 22 },
  { name: 'nurse-visit', requiredCredentials: ['RN'], durationsMinutes: [15, 20, 30], weight: 22 },
  {
    name: 'wound-care',
    requiredCredentials: ['RN', 'wound-care'],
    durationsMinutes: [30, 45],
    weight: 10,
  },
  {
    name: 'blood-draw',
    requiredCredentials: ['phlebotomy'],
    durationsMinutes: [10, 15],
    weight: 14,
  },
  {
    name: 'vitals-injection',
    requiredCredentials: ['LPN'],
    durationsMinutes: [10, 15, 20],
    weight: 14,
  },
];

export const HOME_VISIT_TYPES: readonly VisitType[] = [
  {
    name: 'physician-home-visit',
    requiredCredentials: ['MD'],
    durationsMinutes: [30, 45],
    weight: 6,
  },
  { name: 'np-home-visit', requiredCredentials: ['NP'], durationsMinutes: [30, 45], weight: 14 },
  {
    name: 'skilled-nursing',
    requiredCredentials: ['RN'],
    durationsMinutes: [30, 45, 60],
    weight: 28,
  },
  {
    name: 'wound-care',
    requiredCredentials: ['RN', 'wound-care'],
    durationsMinutes: [30, 45],
    weight: 14,
  },
  {
    name: 'blood-draw',
    requiredCredentials: ['phlebotomy'],
    durationsMinutes: [15, 20],
    weight: 16,
  },
  {
    name: 'medication-check',
    requiredCredentials: ['LPN'],
    durationsMinutes: [20, 30],
    weight: 22,
  },
];

export function roleMix(count: number, random: SeededRandom): Role[] {
  // Shares close to a home-health or primary-care staff mix; every role present from 4 providers up.
  const shares: readonly (readonly [Role, number])[] = [
    ['MD', 0.15],
    ['NP', 0.25],
    ['RN', 0.35],
    ['LPN', 0.25],
  ];
  const roles: Role[] = [];
  for (const [role, share] of shares) {
    const wanted = Math.max(count >= 4 ? 1 : 0, Math.round(share * count));
    for (let index = 0; index < wanted && roles.length < count; index += 1) roles.push(role);
  }
  while (roles.length < count) roles.push(random.weighted(shares));
  return roles;
}

export function priorityFor(random: SeededRandom): number {
  return random.weighted<number>([
    [1, 80],
    [2, 15],
    [5, 5],
  ]);
}

export const MINUTE = 60;
export const HOUR = 3600;
export const DAY = 24 * HOUR;
export const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'] as const;
