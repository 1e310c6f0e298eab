import { renderEmailItinerary } from './email-itinerary.renderer';
import { itineraryView, patientDisplayName } from './itinerary-view';
import { anItinerary } from './itinerary.builder';
import { renderSlackItinerary } from './slack-itinerary.renderer';
import { renderSmsItinerary, SMS_SEGMENT_CHARS } from './sms-itinerary.renderer';

const FULL_NAMES = ['García', 'garcía', 'José', 'Smith', 'Wei'];

describe('itinerary rendering', () => {
  describe(patientDisplayName.name, () => {
    it('should keep the first given name and the last-name initial only', () => {
      expect(patientDisplayName({ givenName: 'Maria José', familyName: 'garcía' })).toBe(
        'Maria G.',
      );
      expect(patientDisplayName({ givenName: 'Li', familyName: '' })).toBe('Li');
    });
  });

  describe(itineraryView.name, () => {
    it('should show times in the practice time zone, stops in order, and total drive time', () => {
      const sut = itineraryView(anItinerary());

      expect(sut.dayLabel).toBe('Mon 7 Dec');
      expect(sut.firstStart).toBe('08:30');
      expect(sut.lastEnd).toBe('17:00');
      expect(sut.totalDriveMinutes).toBe(60);
      expect(sut.visitCount).toBe(3);
      expect(sut.stops.map((s) => [s.title, s.arrival, s.start])).toEqual([
        ['Maria G. — Wound care', '08:25', '08:30'],
        ['Midtown Clinic (PM)', '12:50', '13:00'],
      ]);
      expect(sut.stops[1]?.visits).toEqual(['13:00 John S. — Physical', '14:00 Li W. — Follow-up']);
      expect(sut.stops[0]?.mapLink).toBe(
        'https://www.google.com/maps/search/?api=1&query=40.678200,-73.944200',
      );
    });
  });

  describe(renderSlackItinerary.name, () => {
    it('should render Block Kit with one section per stop and no full names anywhere', () => {
      const sut = renderSlackItinerary(anItinerary());

      const sections = sut.blocks.filter((b) => b['type'] === 'section');
      expect(sections).toHaveLength(2);
      expect(JSON.stringify(sections[0])).toContain(
        'Arrive 08:25 · start 08:30–09:15 · drive 22 min',
      );
      expect(sut.text).toBe('Itinerary — Mon 7 Dec: 3 visits, 08:30–17:00 · drive 1 h');
      for (const name of FULL_NAMES) expect(JSON.stringify(sut)).not.toContain(name);
    });

    it('should say "Updated" for a revision and stay within Slack\'s 50-block limit', () => {
      const base = anItinerary();
      const first = base.stops.at(0);
      if (first?.kind !== 'home-visit') throw new Error('builder changed');
      const many = Array.from({ length: 40 }, (_, i) => ({ ...first, appointmentId: `a${i}` }));

      const sut = renderSlackItinerary({ ...base, stops: many }, { revised: true });

      expect(sut.blocks.length).toBeLessThanOrEqual(50);
      expect(sut.text.startsWith('Updated itinerary')).toBe(true);
    });
  });

  describe(renderSmsItinerary.name, () => {
    it('should fit one GSM-7 segment with a link and carry no patient data', () => {
      const sut = renderSmsItinerary(anItinerary(), 'https://cd.example/i/8f3k2a');

      expect(sut).toBe(
        'Itinerary Mon 7 Dec: 3 visits 08:30-17:00, drive 1 h. https://cd.example/i/8f3k2a',
      );
      expect(sut.length).toBeLessThanOrEqual(SMS_SEGMENT_CHARS);
      expect(sut).toMatch(/^[\x20-\x7e]*$/);
    });
  });

  describe(renderEmailItinerary.name, () => {
    it('should give HTML, text and an .ics with one event per stop', () => {
      const sut = renderEmailItinerary(anItinerary());

      expect(sut.subject).toBe('Your itinerary for Mon 7 Dec');
      expect(sut.text).toContain('2. Midtown Clinic (PM)');
      expect(sut.html).toContain('<a href="https://www.google.com/maps/search/');
      expect(sut.ics.match(/BEGIN:VEVENT/g)).toHaveLength(2);
      expect(sut.ics).toContain('UID:appt-1@caredispatch');
      expect(sut.ics).toContain('DTSTART:20261207T133000Z');
      for (const name of FULL_NAMES) {
        expect(sut.html).not.toContain(name);
        expect(sut.ics).not.toContain(name);
      }
    });

    it('should escape HTML in addresses', () => {
      const base = anItinerary();
      const first = base.stops.at(0);
      if (first?.kind !== 'home-visit') throw new Error('builder changed');

      const sut = renderEmailItinerary({ ...base, stops: [{ ...first, address: 'A <b> & "c"' }] });

      expect(sut.html).toContain('A &lt;b&gt; &amp; &quot;c&quot;');
    });
  });
});
