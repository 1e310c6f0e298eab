/** A message as the staff read API shows it: states and instants, never the number or the text. */
export interface MessageSummaryResponse {
  readonly id: string;
  readonly appointmentId: string;
  readonly revision: number;
  readonly purpose: string;
  readonly channel: string;
  /** The cadence step of a reminder; '' otherwise. */
  readonly step: string;
  readonly state: string;
  /** When it was (or is) due to go out. */
  readonly dueAt: string;
  readonly sentAt: string | null;
  readonly deliveredAt: string | null;
  readonly errorCode: string | null;
}

export interface ConsentResponse {
  readonly channel: string;
  readonly state: string;
  readonly changedAt: string;
  readonly source: string;
  readonly evidenceId: string;
}

/** A patient's reply; its text is shown because staff must read it (staff inbox entries point here). */
export interface ReplyResponse {
  readonly id: string;
  readonly appointmentId: string | null;
  readonly answeredMessageId: string | null;
  readonly intent: string;
  readonly text: string | null;
  readonly receivedAt: string;
}

export interface PatientMessagesResponse {
  readonly patientId: string;
  readonly consent: readonly ConsentResponse[];
  readonly messages: readonly MessageSummaryResponse[];
  readonly replies: readonly ReplyResponse[];
}

export interface ReminderPlanResponse {
  readonly appointmentId: string;
  readonly steps: readonly MessageSummaryResponse[];
}
