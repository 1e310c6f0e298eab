/** Minimum necessary: given name and the initial of the family name (`Maria G.`). */
export function patientDisplayName(givenName: string, familyName: string): string {
  const given = givenName.trim();
  const initial = [...familyName.trim()].at(0);
  if (given === '') return initial ? `${initial.toUpperCase()}.` : 'Patient';
  return initial ? `${given} ${initial.toUpperCase()}.` : given;
}
