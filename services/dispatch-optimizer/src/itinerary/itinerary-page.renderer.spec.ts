import { createHash } from 'node:crypto';

import {
  ITINERARY_PAGE_CSP,
  ITINERARY_PAGE_CSS,
  renderItineraryNotFoundPage,
  renderItineraryPage,
} from './itinerary-page.renderer';
import { aDay, aHomeVisit, anItinerary } from './itinerary.builder';

describe(renderItineraryPage.name, () => {
  it('should list the stops in order with arrival and start, visit, map link and drive times', () => {
    const sut = renderItineraryPage({ itinerary: anItinerary(), changed: false });

    expect(sut).toContain('<h1>Itinerary Mon 7 Dec</h1>');
    expect(sut).toContain('3 visits · drive 1 h 25 min in total');
    const home = sut.indexOf('<h3>08:30 Maria G. — Wound care</h3>');
    const clinic = sut.indexOf('<h3>13:00–17:00 Midtown Clinic (PM)</h3>');
    expect(home).toBeGreaterThan(-1);
    expect(clinic).toBeGreaterThan(home);
    expect(sut).toContain('<dt>Arrive</dt><dd>08:25</dd>');
    expect(sut).toContain('<dt>Visit</dt><dd>08:30–09:15</dd>');
    expect(sut).toContain('Drive 22 min');
    expect(sut).toContain(
      'href="https://www.google.com/maps/search/?api=1&amp;query=40.678200,-73.944200"',
    );
  });

  it('should show a clinic day as the clinic and block with its visits', () => {
    const sut = renderItineraryPage({ itinerary: anItinerary(), changed: false });

    expect(sut).toContain('<h3>13:00–17:00 Midtown Clinic (PM)</h3>');
    expect(sut).toContain(
      '<ul aria-label="Visits"><li>13:00 John S. — Physical</li><li>14:00 Li W. — Follow-up</li></ul>',
    );
  });

  it('should be a mobile-friendly, unindexed page whose only style the CSP allows by hash', () => {
    const sut = renderItineraryPage({ itinerary: anItinerary(), changed: false });

    expect(sut).toMatch(/^<!doctype html><html lang="en">/);
    expect(sut).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(sut).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(sut).not.toContain('<script');
    const hash = createHash('sha256').update(ITINERARY_PAGE_CSS).digest('base64');
    expect(ITINERARY_PAGE_CSP).toContain(`style-src 'sha256-${hash}'`);
    expect(ITINERARY_PAGE_CSP).toContain("default-src 'none'");
  });

  it('should say when the itinerary changed after it was sent', () => {
    expect(renderItineraryPage({ itinerary: anItinerary(), changed: true })).toContain(
      'This itinerary has changed since it was sent to you. This is the current one.',
    );
    expect(renderItineraryPage({ itinerary: anItinerary(), changed: false })).not.toContain(
      'has changed',
    );
  });

  it('should escape what the roster and plan hold', () => {
    const sut = renderItineraryPage({
      itinerary: anItinerary({
        days: [aDay({ stops: [aHomeVisit({ address: 'Flat <2> & "co"' })] })],
      }),
      changed: false,
    });

    expect(sut).toContain('Flat &lt;2&gt; &amp; &quot;co&quot;');
    expect(sut).not.toContain('<2>');
  });

  it('should say "No visits" for a day left empty (a call-out)', () => {
    const sut = renderItineraryPage({
      itinerary: anItinerary({ days: [aDay({ stops: [] })] }),
      changed: true,
    });

    expect(sut).toContain('<p class="card">No visits.</p>');
    expect(sut).toContain('0 visits');
  });
});

describe(renderItineraryNotFoundPage.name, () => {
  it('should give one neutral page that names no provider, day or patient', () => {
    const sut = renderItineraryNotFoundPage();

    expect(sut).toContain('This itinerary link is no longer valid');
    expect(sut).toContain('<meta name="robots" content="noindex, nofollow">');
  });
});
