import { createTransport, type Transporter } from 'nodemailer';

import { SmtpStandIn } from './smtp-stand-in';

describe(SmtpStandIn.name, () => {
  const sut = new SmtpStandIn({ auth: { user: 'relay', pass: 'secret' } });
  let transport: Transporter;

  beforeAll(async () => {
    const { host, port } = await sut.start();
    transport = createTransport({
      host,
      port,
      secure: false,
      ignoreTLS: true,
      auth: { user: 'relay', pass: 'secret' },
    });
  });

  afterEach(() => {
    sut.reset();
  });

  afterAll(async () => {
    transport.close();
    await sut.stop();
  });

  it('should record a multipart message sent through nodemailer with its headers', async () => {
    await transport.sendMail({
      from: 'Clinic <reminders@clinic.test>',
      to: 'ana@example.test',
      subject: 'Your visit',
      text: 'See you Tuesday',
      html: '<p>See you <b>Tuesday</b></p>',
      list: { unsubscribe: 'https://clinic.test/u/1' },
    });

    const [email] = await sut.waitForMessages(1, 10_000);
    expect(email).toMatchObject({
      envelopeFrom: 'reminders@clinic.test',
      envelopeTo: ['ana@example.test'],
      from: 'reminders@clinic.test',
      to: ['ana@example.test'],
      subject: 'Your visit',
      text: 'See you Tuesday',
      html: '<p>See you <b>Tuesday</b></p>',
    });
    expect(email.headers['list-unsubscribe']).toBe('<https://clinic.test/u/1>');
  });

  it('should refuse a rejected message and record nothing', async () => {
    sut.rejectNext({ responseCode: 550, message: 'mailbox unavailable' });

    const act = transport.sendMail({ from: 'a@clinic.test', to: 'b@example.test', text: 'x' });

    await expect(act).rejects.toMatchObject({ responseCode: 550 });
    expect(sut.messages()).toHaveLength(0);
  });

  it('should refuse wrong credentials', async () => {
    const intruder = createTransport({
      host: '127.0.0.1',
      port: sut.port,
      ignoreTLS: true,
      auth: { user: 'relay', pass: 'wrong' },
    });

    await expect(
      intruder.sendMail({ from: 'a@clinic.test', to: 'b@example.test', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 535 });
    intruder.close();
    expect(sut.messages()).toHaveLength(0);
  });
});
