/** What a 500's log line says about its cause: enough to find the bug, nothing a patient said. */
export interface ErrorDiagnosis {
  /** The error's class, e.g. `QueryFailedError`, `SchedulingError`. */
  errorType: string;
  /** A machine code when the error has one: a domain code, a SQLSTATE, `ECONNREFUSED`. */
  errorCode?: string;
  /** Stack frames only: the first line of a stack repeats the message. */
  stack?: string[];
}

/**
 * Error messages are left out on purpose: drivers and libraries put values into them (a pg
 * unique violation quotes the duplicate phone number), and values may be PHI.
 */
export function diagnosisOf(exception: unknown): ErrorDiagnosis {
  if (!(exception instanceof Error)) return { errorType: typeof exception };
  const code = (exception as { code?: unknown }).code;
  const frames = exception.stack
    ?.split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at '));
  return {
    errorType: exception.constructor.name,
    ...(typeof code === 'string' || typeof code === 'number' ? { errorCode: String(code) } : {}),
    ...(frames && frames.length > 0 ? { stack: frames } : {}),
  };
}
