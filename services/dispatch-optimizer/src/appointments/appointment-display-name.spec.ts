import { patientDisplayName } from './appointment-display-name';

describe(patientDisplayName.name, () => {
  it('should show the given name and the family initial only', () => {
    expect(patientDisplayName('Maria', 'González')).toBe('Maria G.');
  });

  it('should cope with missing parts without inventing a name', () => {
    expect(patientDisplayName('Maria', '')).toBe('Maria');
    expect(patientDisplayName('', 'smith')).toBe('S.');
    expect(patientDisplayName(' ', ' ')).toBe('Patient');
  });
});
