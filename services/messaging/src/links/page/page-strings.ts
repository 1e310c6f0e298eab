import { CancelReasonCode } from '../patient-answer';

import { type PageLanguage } from './page-language';

export interface PageStrings {
  readonly otherLanguage: { readonly code: PageLanguage; readonly label: string };
  readonly title: string;
  readonly neutralHeading: string;
  readonly neutralBody: string;
  readonly yourVisit: string;
  readonly when: string;
  readonly where: string;
  readonly with: string;
  readonly openMap: string;
  readonly confirm: string;
  readonly reschedule: string;
  readonly cancel: string;
  readonly confirmedBanner: string;
  readonly callBackBanner: string;
  readonly earlierTime: string;
  readonly earlierBanner: string;
  readonly earlierAlreadyBanner: string;
  readonly cancelHeading: string;
  readonly cancelReasonLegend: string;
  readonly cancelReasons: Readonly<Record<CancelReasonCode, string>>;
  readonly noReason: string;
  readonly cancelSubmit: string;
  readonly keepVisit: string;
  readonly cancelledHeading: string;
  readonly cancelledBody: string;
  readonly rescheduleHeading: string;
  readonly rescheduleLegend: string;
  readonly rescheduleSubmit: string;
  readonly noSlots: string;
  readonly callMe: string;
  readonly noneFit: string;
  readonly slotTaken: string;
  readonly rescheduledHeading: string;
  readonly rescheduledBody: (when: string) => string;
  readonly changedHeading: string;
  readonly changedBody: string;
  readonly formExpiredHeading: string;
  readonly formExpiredBody: string;
  readonly reopen: string;
  readonly back: string;
  readonly tooManyHeading: string;
  readonly tooManyBody: string;
}

export const PAGE_STRINGS: Readonly<Record<PageLanguage, PageStrings>> = {
  en: {
    otherLanguage: { code: 'es', label: 'Español' },
    title: 'Your appointment',
    neutralHeading: 'This link is not available',
    neutralBody:
      'The link may have expired or may no longer be valid. Please call your care team if you have questions about a visit.',
    yourVisit: 'Your visit',
    when: 'When',
    where: 'Where',
    with: 'With',
    openMap: 'Open in maps',
    confirm: 'Confirm',
    reschedule: 'Change time',
    cancel: 'Cancel visit',
    confirmedBanner: 'Thank you. Your visit is confirmed.',
    callBackBanner: 'Thank you. We will call you to find another time.',
    earlierTime: 'Ask for an earlier time',
    earlierBanner:
      'Thank you. You are on our list for an earlier time. We will text you when one opens; your visit stays as it is until you take a new time.',
    earlierAlreadyBanner:
      'You are already on our list for an earlier time. We will text you when one opens; your visit stays as it is until you take a new time.',
    cancelHeading: 'Cancel this visit?',
    cancelReasonLegend: 'Reason (optional)',
    cancelReasons: {
      [CancelReasonCode.FeelingBetter]: 'I feel better',
      [CancelReasonCode.ScheduleConflict]: 'The time does not work for me',
      [CancelReasonCode.Transportation]: 'I have no way to get there',
      [CancelReasonCode.Cost]: 'Cost',
      [CancelReasonCode.Other]: 'Another reason',
    },
    noReason: 'I prefer not to say',
    cancelSubmit: 'Yes, cancel my visit',
    keepVisit: 'No, keep my visit',
    cancelledHeading: 'Your visit is cancelled',
    cancelledBody: 'We have let your care team know. You do not need to do anything else.',
    rescheduleHeading: 'Choose a new time',
    rescheduleLegend: 'Open times',
    rescheduleSubmit: 'Move my visit to this time',
    noSlots: 'There are no open times to choose online right now.',
    callMe: 'Ask us to call me',
    noneFit: 'None of these times work for me?',
    slotTaken: 'Sorry, that time was just taken. Please choose another one.',
    rescheduledHeading: 'We are moving your visit',
    rescheduledBody: (when) => `Your new time: ${when}. You will get a text when it is done.`,
    changedHeading: 'This appointment has changed',
    changedBody: 'The link you opened was for an earlier version. This is the visit as it is now:',
    formExpiredHeading: 'This page has expired',
    formExpiredBody: 'Nothing was changed. Please open the page again and try once more.',
    reopen: 'Open the page again',
    back: 'Back',
    tooManyHeading: 'Please wait a moment',
    tooManyBody: 'There were too many requests. Please try again in a minute.',
  },
  es: {
    otherLanguage: { code: 'en', label: 'English' },
    title: 'Su cita',
    neutralHeading: 'Este enlace no está disponible',
    neutralBody:
      'Es posible que el enlace haya vencido o que ya no sea válido. Si tiene preguntas sobre una cita, llame a su equipo de atención.',
    yourVisit: 'Su cita',
    when: 'Cuándo',
    where: 'Dónde',
    with: 'Con',
    openMap: 'Abrir en mapas',
    confirm: 'Confirmar',
    reschedule: 'Cambiar la hora',
    cancel: 'Cancelar la cita',
    confirmedBanner: 'Gracias. Su cita está confirmada.',
    callBackBanner: 'Gracias. Le llamaremos para buscar otra hora.',
    earlierTime: 'Pedir una hora antes',
    earlierBanner:
      'Gracias. Está en nuestra lista para una hora antes. Le enviaremos un mensaje cuando haya una; su cita sigue igual hasta que acepte una nueva hora.',
    earlierAlreadyBanner:
      'Ya está en nuestra lista para una hora antes. Le enviaremos un mensaje cuando haya una; su cita sigue igual hasta que acepte una nueva hora.',
    cancelHeading: '¿Cancelar esta cita?',
    cancelReasonLegend: 'Motivo (opcional)',
    cancelReasons: {
      [CancelReasonCode.FeelingBetter]: 'Me siento mejor',
      [CancelReasonCode.ScheduleConflict]: 'La hora no me conviene',
      [CancelReasonCode.Transportation]: 'No tengo cómo llegar',
      [CancelReasonCode.Cost]: 'El costo',
      [CancelReasonCode.Other]: 'Otro motivo',
    },
    noReason: 'Prefiero no decirlo',
    cancelSubmit: 'Sí, cancelar mi cita',
    keepVisit: 'No, mantener mi cita',
    cancelledHeading: 'Su cita está cancelada',
    cancelledBody: 'Hemos avisado a su equipo de atención. No necesita hacer nada más.',
    rescheduleHeading: 'Elija una nueva hora',
    rescheduleLegend: 'Horas disponibles',
    rescheduleSubmit: 'Cambiar mi cita a esta hora',
    noSlots: 'En este momento no hay horas disponibles para elegir en línea.',
    callMe: 'Pedir que me llamen',
    noneFit: '¿Ninguna de estas horas le conviene?',
    slotTaken: 'Lo sentimos, esa hora acaba de ocuparse. Por favor elija otra.',
    rescheduledHeading: 'Estamos cambiando su cita',
    rescheduledBody: (when) =>
      `Su nueva hora: ${when}. Recibirá un mensaje de texto cuando esté listo.`,
    changedHeading: 'Esta cita ha cambiado',
    changedBody: 'El enlace que abrió era de una versión anterior. Así es la cita ahora:',
    formExpiredHeading: 'Esta página ha vencido',
    formExpiredBody: 'No se cambió nada. Abra la página de nuevo e inténtelo otra vez.',
    reopen: 'Abrir la página de nuevo',
    back: 'Volver',
    tooManyHeading: 'Espere un momento',
    tooManyBody: 'Hubo demasiadas solicitudes. Inténtelo de nuevo en un minuto.',
  },
};
