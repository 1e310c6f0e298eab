/** Minimum necessary: given name and the initial of the family name (`Maria G.`). */
export function patientDisplayName(givenName: string, familyName: string): string {
  const given = givenName.trim();
  // The first code point, so a surrogate pair is never cut in half.
  const initial = Array.from(familyName.trim()).at(0);
  if (given === '') return initial ? `${initial.toUpperCase()}.` : 'Patient';
  return initial ? `${given} ${initial.toUpperCase()}.` : given;
}
