/**
 * A notice to a tenant's coordinators (Slack channel and/or Teams). Built when the cause is
 * known (a call-out, a failed delivery, a plan with unserved visits) and stored as is, so a
 * retry sends the same text. Patient data: display names (first name + initial) at most.
 */
export interface CoordinatorEscalation {
  readonly tenantId: string;
  readonly kind:
    'call-out' | 'delivery-failed' | 'unserved' | 'conflict' | 'waitlist-slot-unfilled';
  /** One notice per key and target, however often the cause is seen. */
  readonly dedupeKey: string;
  readonly title: string;
  readonly facts: readonly (readonly [label: string, value: string])[];
}

export function renderEscalationSlack(escalation: CoordinatorEscalation): {
  text: string;
  blocks: Record<string, unknown>[];
} {
  const facts = escalation.facts.map(([label, value]) => `*${escape(label)}:* ${escape(value)}`);
  return {
    text: escalation.title,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: escalation.title.slice(0, 150) } },
      ...(facts.length > 0
        ? [{ type: 'section', text: { type: 'mrkdwn', text: facts.join('\n').slice(0, 3000) } }]
        : []),
    ],
  };
}

/** An Adaptive Card 1.4 (what Teams incoming webhooks render) with a FactSet. */
export function renderEscalationAdaptiveCard(escalation: CoordinatorEscalation): {
  type: 'message';
  attachments: { contentType: string; content: Record<string, unknown> }[];
} {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            {
              type: 'TextBlock',
              text: escalation.title,
              weight: 'Bolder',
              size: 'Medium',
              wrap: true,
            },
            {
              type: 'FactSet',
              facts: escalation.facts.map(([title, value]) => ({ title, value })),
            },
          ],
        },
      },
    ],
  };
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
