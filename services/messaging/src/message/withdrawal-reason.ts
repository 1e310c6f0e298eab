/** Why a message that no longer matches its appointment is withdrawn before it is sent. */
export enum WithdrawalReason {
  AppointmentCancelled = 'appointment_cancelled',
  /** A newer revision (a reschedule, a re-booking) replaced the one the message is about. */
  AppointmentSuperseded = 'appointment_superseded',
  /** The patient withdrew consent to the message's channel (STOP, Twilio 21610, staff). */
  ConsentWithdrawn = 'consent_withdrawn',
  /** A reminder text to a number marked undeliverable (Twilio 30003/30006): email goes instead. */
  NumberUndeliverable = 'number_undeliverable',
}
