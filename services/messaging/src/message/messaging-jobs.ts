/**
 * messaging's cross-tenant jobs (`app.job`; see @caredispatch/kafka's transaction scope): the
 * sender claims due messages of every tenant, a Twilio status callback finds its message by
 * the provider's id before it knows the tenant, and an inbound SMS finds the message it
 * answers by the sender's blind index before it knows the tenant. Each then scopes its writes
 * to the message's tenant, so the outbox rows it appends pass the tenant check.
 */
export const MessagingJobs = {
  Sender: 'message-sender',
  TwilioStatus: 'twilio-status',
  /**
   * Matches an inbound SMS to the newest text sent to that number (any tenant), and stores a
   * reply no tenant could be found for (tenant_id NULL, no text kept). Nothing else.
   */
  InboundSms: 'inbound-sms',
  /**
   * Resolves a patient link's token to its tenant: reads the one `patient_link` row whose
   * digest the transaction names in `app.link_token_digest`, nothing else. The page then works
   * in that tenant's transaction.
   */
  PatientLink: 'patient-link',
} as const;

/** The setting a `patient-link` transaction names the token digest it may read in (hex). */
export const LINK_DIGEST_SETTING = 'app.link_token_digest';
