/** The waitlist's cross-tenant jobs (`app.job`), each named in the policies it may use. */
export const WaitlistJobs = {
  /** Finds offers whose hold ran out, in every tenant: reads slot and tenant ids only. */
  HoldExpiry: 'waitlist-hold-expiry',
  /** Finds slots whose waves waited for the morning, in every tenant: reads slot and tenant ids only. */
  WaveResume: 'waitlist-wave-resume',
} as const;
