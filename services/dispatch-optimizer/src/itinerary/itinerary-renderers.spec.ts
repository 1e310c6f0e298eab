import { renderEmailItinerary } from './email-itinerary.renderer';
import { itineraryView } from './itinerary-view';
import { aDay, aHomeVisit, anItinerary } from './itinerary.builder';
import { renderSlackItinerary } from './slack-itinerary.renderer';
import { renderSmsItinerary, SMS_SEGMENT_CHARS } from './sms-itinerary.renderer';

const weekDays = ['2026-12-07', '2026-12-08', '2026-12-09', '2026-12-10', '2026-12-11'];

describe('itinerary rendering', () => {
  describe(itineraryView.name, () => {
    it('should show times in the practice time zone, stops in order, and drive totals', () => {
      const sut = itineraryView(anItinerary());

      expect(sut.periodLabel).toBe('Mon 7 Dec');
      expect(sut.days[0]).toMatchObject({ firstStart: '08:30', lastEnd: '17:00', visitCount: 3 });
      expect(sut.totalDriveMinutes).toBe(85);
      expect(sut.days[0]?.stops.map((s) => [s.title, s.arrival, s.start])).toEqual([
        ['Maria G. — Wound care', '08:25', '08:30'],
        ['Midtown Clinic (PM)', '12:50', '13:00'],
      ]);
      expect(sut.days[0]?.stops[1]?.visits).toEqual([
        '13:00 John S. — Physical',
        '14:00 Li W. — Follow-up',
      ]);
      expect(sut.days[0]?.stops[0]?.mapLink).toBe(
        'https://www.google.com/maps/search/?api=1&query=40.678200,-73.944200',
      );
    });

    it('should label a week by its first and last day', () => {
      const sut = itineraryView(anItinerary({ days: weekDays.map((day) => aDay({ day })) }));

      expect(sut.periodLabel).toBe('Mon 7 Dec – Fri 11 Dec');
      expect(sut.visitCount).toBe(15);
    });
  });

  describe(renderSlackItinerary.name, () => {
    it('should render a day heading and its stops with map links', () => {
      const sut = renderSlackItinerary(anItinerary());

      const texts = sut.blocks.map((b) => JSON.stringify(b));
      expect(texts).toContainEqual(
        expect.stringContaining('*Mon 7 Dec* — 3 visits, 08:30–17:00 · drive 1 h 25 min'),
      );
      expect(texts.join()).toContain(
        '*08:30–09:15* Maria G. — Wound care (arrive 08:25, drive 22 min)',
      );
      expect(texts.join()).toContain('<https://www.google.com/maps/search/?api=1&query=40.678200');
      expect(sut.text).toBe('Itinerary — Mon 7 Dec: 3 visits · drive 1 h 25 min');
    });

    it('should keep a busy Monday–Friday week within Slack limits, and say "Updated" for a revision', () => {
      const busy = aDay({
        stops: Array.from({ length: 14 }, (_, i) => aHomeVisit({ appointmentId: `a${i}` })),
      });
      const sut = renderSlackItinerary(
        anItinerary({ days: weekDays.map((day) => ({ ...busy, day })) }),
        { revised: true },
      );

      expect(sut.blocks.length).toBeLessThanOrEqual(50);
      for (const block of sut.blocks) {
        const text = (block['text'] as { text?: string } | undefined)?.text ?? '';
        expect(text.length).toBeLessThanOrEqual(3000);
      }
      expect(sut.text.startsWith('Updated itinerary — Mon 7 Dec – Fri 11 Dec')).toBe(true);
    });

    it('should escape Slack control characters in addresses', () => {
      const sut = renderSlackItinerary(
        anItinerary({ days: [aDay({ stops: [aHomeVisit({ address: 'Flat <2> & co' })] })] }),
      );

      expect(JSON.stringify(sut.blocks)).toContain('|Flat &lt;2&gt; &amp; co>');
    });
  });

  describe(renderSmsItinerary.name, () => {
    it('should fit one GSM-7 segment with a link and carry no patient data', () => {
      const week = anItinerary({ days: weekDays.map((day) => aDay({ day })) });

      const single = renderSmsItinerary(anItinerary(), 'https://cd.example/i/8f3k2a');
      const sut = renderSmsItinerary(week, 'https://caredispatch.example/itineraries/3f1c9a2e', {
        revised: true,
      });

      expect(single).toBe(
        'Itinerary Mon 7 Dec: 3 visits 08:30-17:00, drive 1 h 25 min. https://cd.example/i/8f3k2a',
      );
      expect(sut).toBe(
        'Updated itinerary Mon 7 Dec-Fri 11 Dec: 15 visits, drive 7 h 05 min. https://caredispatch.example/itineraries/3f1c9a2e',
      );
      for (const text of [single, sut]) {
        expect(text.length).toBeLessThanOrEqual(SMS_SEGMENT_CHARS);
        expect(text).toMatch(/^[\x20-\x7e]*$/);
        expect(text).not.toContain('Maria');
      }
    });
  });

  describe(renderEmailItinerary.name, () => {
    it('should give HTML, text and an .ics with one event per stop', () => {
      const sut = renderEmailItinerary(
        anItinerary({ days: weekDays.slice(0, 2).map((day) => aDay({ day })) }),
      );

      expect(sut.subject).toBe('Your itinerary: Mon 7 Dec – Tue 8 Dec');
      expect(sut.text).toContain('Tue 8 Dec: 3 visits, 08:30-17:00, drive 1 h 25 min');
      expect(sut.html).toContain('<a href="https://www.google.com/maps/search/');
      expect(sut.ics.match(/BEGIN:VEVENT/g)).toHaveLength(4);
      expect(sut.ics).toContain('UID:provider-1-2026-12-08-PM@caredispatch');
      expect(sut.ics).toContain('DTSTART:20261207T133000Z');
    });

    it('should escape HTML in addresses', () => {
      const sut = renderEmailItinerary(
        anItinerary({ days: [aDay({ stops: [aHomeVisit({ address: 'A <b> & "c"' })] })] }),
      );

      expect(sut.html).toContain('A &lt;b&gt; &amp; &quot;c&quot;');
    });
  });
});
