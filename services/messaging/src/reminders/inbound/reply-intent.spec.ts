import { classifyReply, normalizeReply, ReplyIntent } from './reply-intent';

const { Confirm, Reschedule, CancelAppointment, OptOut, OptIn, Help, Other } = ReplyIntent;

/** Replies in the shapes patients actually send: case, punctuation, emoji, extra words, Spanish. */
const CORPUS: readonly (readonly [string, ReplyIntent])[] = [
  ['1', Confirm],
  [' 1 ', Confirm],
  ['1.', Confirm],
  ['1!', Confirm],
  ['1 👍', Confirm],
  ['C', Confirm],
  ['c', Confirm],
  ['YES', Confirm],
  ['yes', Confirm],
  ['Yes!', Confirm],
  ['Yes please', Confirm],
  ['yes thank you', Confirm],
  ['Yes, I will be there', Confirm],
  ['CONFIRM', Confirm],
  ['Confirm.', Confirm],
  ['confirmed', Confirm],
  ['Confirmed 👍', Confirm],
  ['Y', Confirm],
  ['yep', Confirm],
  ['Yeah', Confirm],
  ['OK', Confirm],
  ['ok thanks', Confirm],
  ['Sí', Confirm],
  ['si', Confirm],
  ['SI gracias', Confirm],
  ['Confirmo', Confirm],
  ['1 thanks!', Confirm],
  ['👍 yes', Confirm],
  ['2', Reschedule],
  ['2.', Reschedule],
  ['R', Reschedule],
  ['r', Reschedule],
  ['RESCHEDULE', Reschedule],
  ['Reschedule please', Reschedule],
  ['reschedule!', Reschedule],
  ['Cambiar', Reschedule],
  ['reprogramar por favor', Reschedule],
  ['2 please', Reschedule],
  ['3', CancelAppointment],
  ['3.', CancelAppointment],
  [' 3 ', CancelAppointment],
  ['3 please', CancelAppointment],
  ['STOP', OptOut],
  ['stop', OptOut],
  ['Stop.', OptOut],
  ['STOP!!!', OptOut],
  ['Stop 🛑', OptOut],
  ['stop please', OptOut],
  ['STOP NOW', OptOut],
  ['Stop it', OptOut],
  ['STOPALL', OptOut],
  ['stopall', OptOut],
  ['UNSUBSCRIBE', OptOut],
  ['Unsubscribe.', OptOut],
  ['unsubscribe me', OptOut],
  ['CANCEL', OptOut],
  ['cancel', OptOut],
  ['Cancel!', OptOut],
  ['END', OptOut],
  ['end', OptOut],
  ['QUIT', OptOut],
  ['Quit', OptOut],
  ['REVOKE', OptOut],
  ['OPT OUT', OptOut],
  ['opt-out', OptOut],
  ['Optout', OptOut],
  ['ALTO', OptOut],
  ['alto', OptOut],
  ['PARAR', OptOut],
  ['Parar.', OptOut],
  ['CANCELAR', OptOut],
  ['cancelar por favor', OptOut],
  ['Baja', OptOut],
  ['please stop texting me', OptOut],
  ['Please stop texting me!', OptOut],
  ["Don't text me anymore", OptOut],
  ['do not text this number', OptOut],
  ['Stop sending me these', OptOut],
  ['no more texts please', OptOut],
  ['No more messages', OptOut],
  ['remove me from your list', OptOut],
  ['Take me off this list', OptOut],
  ['leave me alone', OptOut],
  ['opt me out', OptOut],
  ['Stop messaging me', OptOut],
  ['Wrong number, please remove', OptOut],
  ['No me envíen más mensajes', OptOut],
  ['Deje de enviarme mensajes', OptOut],
  ['no quiero recibir mensajes', OptOut],
  ['No más mensajes', OptOut],
  ['quit texting me', OptOut],
  ['never text me again', OptOut],
  ['START', OptIn],
  ['start', OptIn],
  ['Start.', OptIn],
  ['UNSTOP', OptIn],
  ['unstop', OptIn],
  ['Start please', OptIn],
  ['HELP', Help],
  ['help', Help],
  ['Help?', Help],
  ['HELP!', Help],
  ['INFO', Help],
  ['Ayuda', Help],
  ['', Other],
  ['   ', Other],
  ['👍', Other],
  ['What time is my appointment?', Other],
  ['Can I stop by earlier?', Other],
  ['Who is this?', Other],
  ['No', Other],
  ['Running 10 min late', Other],
  ['Can I bring my daughter?', Other],
  ['4', Other],
  ['12', Other],
  ['1 or 2?', Other],
  ['yes but can I come at 3pm instead', Other],
  ['Cancel my appointment', Other],
  ['Is parking available?', Other],
  ['Gracias', Other],
  ['¿Dónde queda la clínica?', Other],
  ['Thanks!', Other],
  ['ok but what is the address', Other],
  ['Where do I park', Other],
  ['call me', Other],
];

describe(classifyReply.name, () => {
  it('should hold a corpus of at least 100 replies covering every intent', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(100);
    expect(new Set(CORPUS.map(([, intent]) => intent))).toEqual(
      new Set(Object.values(ReplyIntent)),
    );
  });

  it.each(CORPUS)('should read %j as %s', (reply, intent) => {
    expect(classifyReply(reply)).toBe(intent);
  });

  it('should never read the word cancel as cancelling the appointment', () => {
    for (const reply of ['cancel', 'CANCEL', 'Cancel.', 'cancel please', 'cancelar']) {
      expect(classifyReply(reply)).toBe(OptOut);
    }
  });
});

describe(normalizeReply.name, () => {
  it('should fold case, accents, emoji and punctuation', () => {
    expect(normalizeReply('  ¡SÍ, Señor! 👍 ')).toBe('si senor');
  });
});
