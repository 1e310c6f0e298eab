/** Longest reason kept; Slack allows much longer command text. */
export const CALL_OUT_REASON_MAX_CHARS = 200;

export type CallOutCommand =
  | {
      readonly ok: true;
      readonly teamId: string;
      readonly userId: string;
      readonly reason: string;
      readonly triggerId: string | null;
    }
  | { readonly ok: false; readonly problem: string };

/** The form Slack posts for a slash command (https://api.slack.com/interactivity/slash-commands). */
export function parseCallOutCommand(form: URLSearchParams): CallOutCommand {
  const teamId = form.get('team_id') ?? '';
  const userId = form.get('user_id') ?? '';
  if (form.get('command') !== '/callout') return { ok: false, problem: 'Unknown command.' };
  if (!/^T[A-Z0-9]+$/.test(teamId) || !/^[UW][A-Z0-9]+$/.test(userId)) {
    return { ok: false, problem: 'The request did not name a Slack workspace and user.' };
  }
  const reason = (form.get('text') ?? '').trim().slice(0, CALL_OUT_REASON_MAX_CHARS);
  const triggerId = form.get('trigger_id');
  return {
    ok: true,
    teamId,
    userId,
    reason: reason === '' ? 'called out via Slack' : reason,
    triggerId: triggerId === null || triggerId === '' ? null : triggerId,
  };
}
