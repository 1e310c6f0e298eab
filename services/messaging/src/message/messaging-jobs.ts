/**
 * messaging's cross-tenant jobs (`app.job`; see @caredispatch/kafka's transaction scope): the
 * sender claims due messages of every tenant, and a Twilio status callback finds its message by
 * the provider's id before it knows the tenant. Each then scopes its writes to the message's
 * tenant, so the outbox rows it appends pass the tenant check.
 */
export const MessagingJobs = {
  Sender: 'message-sender',
  TwilioStatus: 'twilio-status',
} as const;
